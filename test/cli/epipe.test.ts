import { spawn } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { packageRoot } from "../../controller/package-root.js";

describe("output into a pipe that closes early (nexaas … | head -1)", () => {
  it("exits 0 without a stack trace when the reader goes away", async () => {
    // Any output does once the reader has gone: the first write meets EPIPE.
    const child = spawn(process.execPath, [join(packageRoot, "bin", "nexaas.js"), "plan", "--help"], { stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.stdout.destroy(); // the reader is gone before the first write
    const code = await new Promise<number | null>((done) => child.on("close", done));
    expect(stderr).not.toMatch(/EPIPE|Error:/);
    expect(code).toBe(0);
  });
});
