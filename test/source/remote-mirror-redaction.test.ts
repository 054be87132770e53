import { describe, expect, it } from "vitest";
import { RemoteMirror, redactCredentials } from "../../controller/source/remote-mirror.js";
import { tempDir } from "../cli/helpers.js";
import { join } from "node:path";

describe("remote URLs never leak their credentials", () => {
  it("redacts user:token in any URL of a text", () => {
    expect(redactCredentials("could not clone https://deploy:ghp_SECRET123@git.example/r.git: fatal")).toBe("could not clone https://***@git.example/r.git: fatal");
    expect(redactCredentials("ssh://git@host/r.git and http://a@b")).toBe("ssh://***@host/r.git and http://***@b");
    expect(redactCredentials("no url here: user@host")).toBe("no url here: user@host");
  });

  it("keeps a failed clone's message free of the token", async () => {
    const mirror = new RemoteMirror({ url: "http://deploy:ghp_SECRETTOKEN@127.0.0.1:9/repo.git", branch: "main", cacheDir: join(tempDir(), "m") });
    const error = (await mirror.sync().catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toContain("***@127.0.0.1");
    expect(JSON.stringify(error, Object.getOwnPropertyNames(error))).not.toContain("ghp_SECRETTOKEN");
  });
});
