import { join } from "node:path";
import Sqlite from "better-sqlite3";
import { beforeAll, describe, expect, it } from "vitest";
import { cli, isolateGit, tempDir } from "./helpers.js";

beforeAll(() => isolateGit());

interface Listed {
  name: string;
  created_at: string;
  expires_at: string | null;
  last_used_at: string | null;
  revoked_at: string | null;
}

describe("nexaas tokens", () => {
  it("creates a token and prints it once, lists tokens without it, revokes one", async () => {
    const cwd = tempDir();
    const db = join(cwd, "n.db");
    const made = await cli(["tokens", "create", "dashboard", "--db", db], cwd);
    expect(made.code).toBe(0);
    const [token, note] = made.stdout.trimEnd().split("\n");
    expect(token).toMatch(/^nxs_[A-Za-z0-9_-]{43}$/);
    expect(note).toBe('Token "dashboard" made (never expires). It will not be shown again: keep it now.');

    const before = Date.now();
    const json = await cli(["tokens", "create", "ci", "--expires", "90d", "--json", "--db", db], cwd);
    expect(json.code).toBe(0);
    const created = JSON.parse(json.stdout) as { name: string; token: string; expires_at: string };
    expect(Object.keys(created)).toEqual(["name", "token", "expires_at"]);
    expect(created.name).toBe("ci");
    expect(created.token).toMatch(/^nxs_/);
    const lifetime = Date.parse(created.expires_at) - before;
    expect(lifetime).toBeGreaterThanOrEqual(90 * 86_400_000);
    expect(lifetime).toBeLessThan(90 * 86_400_000 + 60_000);

    // Only the hash is stored.
    const raw = new Sqlite(db, { readonly: true });
    const stored = raw.prepare("SELECT * FROM api_tokens").all();
    raw.close();
    expect(JSON.stringify(stored)).not.toContain(token);
    expect(JSON.stringify(stored)).not.toContain(created.token);

    const listed = JSON.parse((await cli(["tokens", "list", "--json", "--db", db], cwd)).stdout) as Listed[];
    expect(listed.map((t) => Object.keys(t).sort())).toEqual([
      ["created_at", "expires_at", "last_used_at", "name", "revoked_at"],
      ["created_at", "expires_at", "last_used_at", "name", "revoked_at"],
    ]);
    expect(listed.map((t) => [t.name, t.expires_at, t.revoked_at])).toEqual([
      ["dashboard", null, null],
      ["ci", created.expires_at, null],
    ]);
    const text = await cli(["tokens", "list", "--db", db], cwd);
    expect(text.stdout.split("\n")[0]).toMatch(/^NAME +CREATED +EXPIRES +LAST USED +REVOKED$/);
    expect(text.stdout).toMatch(/^dashboard +\S+ +never +- +-$/m);
    expect(text.stdout).not.toContain("nxs_");

    const revoked = await cli(["tokens", "revoke", "dashboard", "--json", "--db", db], cwd);
    expect(revoked.code).toBe(0);
    const revocation = JSON.parse(revoked.stdout) as { name: string; revoked_at: string };
    expect(revocation).toEqual({ name: "dashboard", revoked_at: expect.stringMatching(/Z$/) });
    const after = JSON.parse((await cli(["tokens", "list", "--json", "--db", db], cwd)).stdout) as Listed[];
    expect(after[0]?.revoked_at).toBe(revocation.revoked_at);
    expect(after[1]?.revoked_at).toBeNull();
  });

  it("refuses a taken name (revoked ones too) and an unknown token (exit 1)", async () => {
    const cwd = tempDir();
    const db = join(cwd, "n.db");
    expect((await cli(["tokens", "create", "ops", "--db", db], cwd)).code).toBe(0);
    const again = await cli(["tokens", "create", "ops", "--db", db], cwd);
    expect(again.code).toBe(1);
    expect(again.stderr).toBe('nexaas tokens: a token named "ops" exists already (revoked tokens keep their names): pick another name\n');
    expect(again.stdout).toBe("");
    await cli(["tokens", "revoke", "ops", "--db", db], cwd);
    expect((await cli(["tokens", "create", "ops", "--db", db], cwd)).code).toBe(1);
    const missing = await cli(["tokens", "revoke", "nobody", "--db", db], cwd);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe('nexaas tokens: no token named "nobody" (see nexaas tokens list)\n');
  });

  it("refuses a bad name, a bad duration, and a missing or unknown subcommand (exit 2)", async () => {
    const cwd = tempDir();
    const db = join(cwd, "n.db");
    for (const argv of [
      ["tokens", "create", "Bad Name", "--db", db],
      ["tokens", "create", "API_KEY", "--db", db],
      ["tokens", "create", "x", "--expires", "forever", "--db", db],
      ["tokens", "create", "x", "--expires", "400d", "--db", db],
      ["tokens", "create", "--db", db],
      ["tokens"],
      ["tokens", "rotate", "x"],
    ]) {
      const result = await cli(argv, cwd);
      expect(result.code, argv.join(" ")).toBe(2);
      expect(result.stdout, argv.join(" ")).toBe("");
    }
    expect((await cli(["tokens", "create", "x", "--expires", "400d", "--db", db], cwd)).stderr).toContain("--expires 400d: not a duration up to 366d");
    expect((await cli(["tokens", "list", "--db", db], cwd)).code).toBe(1); // nothing made: no database
    expect((await cli(["tokens", "--help"], cwd)).stdout).toContain("nexaas tokens create NAME [--expires DUR]");
  });
});
