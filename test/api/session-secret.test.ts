import { statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadSessionSecret, sessionSecretPath } from "../../controller/api/session-secret.js";
import { tempDir } from "../cli/helpers.js";

describe("SESSION_SECRET", () => {
  it("is made once beside the database (mode 0600) and kept; the environment wins; a short one is refused", () => {
    const db = join(tempDir(), "nexaas.db");
    const first = loadSessionSecret({}, db);
    expect(first.length).toBeGreaterThanOrEqual(32);
    expect(statSync(sessionSecretPath(db)).mode & 0o777).toBe(0o600);
    expect(loadSessionSecret({}, db).equals(first)).toBe(true);
    const given = "s".repeat(16) + "0123456789abcdef";
    expect(loadSessionSecret({ SESSION_SECRET: given }, db).toString()).toBe(given);
    expect(() => loadSessionSecret({ SESSION_SECRET: "short" }, db)).toThrow(/shorter than 32/);
  });

  it("makes the folder it goes in when no database file did (a controller on PostgreSQL)", () => {
    const db = join(tempDir(), "data", "nexaas.db");
    const secret = loadSessionSecret({}, db);
    expect(loadSessionSecret({}, db).equals(secret)).toBe(true);
    expect(statSync(sessionSecretPath(db)).mode & 0o777).toBe(0o600);
  });
});
