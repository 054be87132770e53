import { existsSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { gitWorkspace } from "../support/git-workspace.js";
import { baseWorkspace } from "../support/tree.js";
import { cli, isolateGit, tempDir } from "./helpers.js";

beforeAll(() => isolateGit());

const digest = "condition:\n  type: cron\n  expr: \"0 9 * * 1-5\"\naction:\n  type: claude_chat\n  prompt: Summarise\n";
const scriptEvent = (cmd: string) => `condition: {type: interval, expr: 1h}\naction: {type: script, command: "${cmd}"}\n`;

describe("nexaas plan / apply / status / events", () => {
  it("plan between two revisions needs no database, in text, markdown and json", async () => {
    const ws = gitWorkspace(baseWorkspace);
    const base = ws.head();
    ws.commit({
      "events/digest.yaml": digest,
      "events/backup.yaml": scriptEvent("./scripts/backup.sh"),
      "agents/helper/config.yaml": "description: Helps.\nmodel: claude-opus-4-1\n",
      "agents/helper/prompt.md": "You help.\nBe brief.\n",
    });
    const db = join(tempDir(), "never.db");
    const json = await cli(["plan", "--base", base, "--head", "HEAD", "--json", "--db", db], ws.dir);
    expect(json.code, json.stderr).toBe(0);
    expect(existsSync(db)).toBe(false);
    const out = JSON.parse(json.stdout) as { base: string; head: string; changes: { kind: string; name: string; op: string; fields: unknown[]; next_fire_times: string[]; risks: { code: string }[] }[] };
    expect(out.base).toBe(base);
    expect(out.changes.map((c) => `${c.op} ${c.kind}/${c.name}`)).toEqual(["update agent/helper", "create event/backup", "create event/digest"]);
    expect(out.changes.find((c) => c.name === "digest")?.next_fire_times).toHaveLength(5);
    expect(out.changes.find((c) => c.name === "backup")?.risks.map((r) => r.code)).toContain("script-command");
    expect(out.changes.find((c) => c.name === "helper")?.risks.map((r) => r.code)).toContain("model-change");

    const md = await cli(["plan", "--base", base, "--format", "markdown"], ws.dir);
    expect(md.stdout).toContain("<details>");
    expect(md.stdout).toMatch(/\+Be brief\./);
    const text = await cli(["plan", "--base", base], ws.dir);
    expect(text.stdout).toMatch(/3 to create|to update/);
    expect(text.stdout).not.toContain("\u001b[");
  });

  it("--detailed-exitcode: 2 with changes, 0 without; an invalid head is an error", async () => {
    const ws = gitWorkspace(baseWorkspace);
    const base = ws.head();
    expect((await cli(["plan", "--base", base, "--detailed-exitcode"], ws.dir)).code).toBe(0);
    ws.commit({ "events/backup.yaml": scriptEvent("./b.sh") });
    expect((await cli(["plan", "--base", base, "--detailed-exitcode"], ws.dir)).code).toBe(2);
    ws.commit({ "events/broken.yaml": "condition: {type: cron, expr: nope}\naction: {type: script, command: x}\n" });
    const bad = await cli(["plan", "--base", base, "--detailed-exitcode"], ws.dir);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("events/broken.yaml:1");
  });

  it("apply, then plan against the database, status and events", async () => {
    const ws = gitWorkspace({ ...baseWorkspace, "events/digest.yaml": digest });
    const db = join(tempDir(), "state", "nexaas.db");
    const applied = await cli(["apply", "--db", db, "--json"], ws.dir);
    expect(applied.code, applied.stderr).toBe(0);
    const appliedJson = JSON.parse(applied.stdout) as { result: string; revision: string; changes: { kind: string; name: string; layer?: string }[] };
    expect(appliedJson).toMatchObject({ result: "applied", revision: ws.head() });
    expect(appliedJson.changes.map((c) => `${c.kind}/${c.name}`)).toEqual(expect.arrayContaining(["workspace/workspace", "agent/helper", "event/digest", "agent/ops-monitor"]));
    expect((await cli(["apply", "--db", db], ws.dir)).stdout).toMatch(/^No changes/);
    expect((await cli(["plan", "--db", db, "--detailed-exitcode"], ws.dir)).code).toBe(0);

    ws.commit({ "events/broken.yaml": "condition: {type: interval, expr: 1h}\naction: {type: flow, flow: missing}\n" });
    const refused = await cli(["apply", "--db", db], ws.dir);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("events/broken.yaml:2");

    const status = JSON.parse((await cli(["status", "--db", db, "--json"], ws.dir)).stdout) as Record<string, unknown>;
    expect(status).toMatchObject({ last_result: "invalid", events: { active: 1, paused: 0 }, queue: { queued: 0, running: 0 }, spend_today_usd: 0 });
    expect(status.last_applied_revision).not.toBe(status.last_attempted_revision);
    expect((status.errors as { file: string; rule: string }[])[0]).toMatchObject({ file: "events/broken.yaml", rule: "unknown-reference" });

    const events = JSON.parse((await cli(["events", "--db", db, "--json"], ws.dir)).stdout) as Record<string, unknown>[];
    expect(events).toEqual([
      expect.objectContaining({ id: "digest", status: "active", layer: "workspace", condition: { type: "cron", expr: "0 9 * * 1-5", timezone: "Europe/Paris" }, consecutive_failures: 0, paused_reason: null }),
    ]);
    const one = JSON.parse((await cli(["events", "digest", "--db", db, "--json"], ws.dir)).stdout) as { next_fire_times: string[]; last_runs: unknown[] };
    expect(one.next_fire_times).toHaveLength(5);
    expect(one.last_runs).toEqual([]);
    expect((await cli(["events", "nope", "--db", db], ws.dir)).code).toBe(1);
  });

  it("status and events refuse to invent an empty database", async () => {
    const dir = tempDir();
    const db = join(dir, "missing.db");
    for (const cmd of ["status", "events"]) {
      const r = await cli([cmd, "--db", db], dir);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain("no database");
    }
    expect(existsSync(db)).toBe(false);
  });

  it("start refuses contradictory source flags before touching anything", async () => {
    const dir = tempDir();
    for (const argv of [["start", "--remote", "/nowhere"], ["start", "--worktree", "--remote", "/x", "--branch", "main"], ["start", "--branch", "main"], ["start", "--poll", "soon"]]) {
      const r = await cli([...argv, "--db", join(dir, "x.db")], dir);
      expect(r.code, argv.join(" ")).toBe(2);
    }
    expect(existsSync(join(dir, "x.db"))).toBe(false);
  });

  it("rejects extra arguments and bad enum values as usage errors; with --detailed-exitcode a usage error is 1, not 2", async () => {
    const ws = gitWorkspace(baseWorkspace);
    const db = join(tempDir(), "n.db");
    expect((await cli(["plan", "HEAD~1"], ws.dir)).code).toBe(2);
    expect((await cli(["apply", "foo", "--db", db], ws.dir)).code).toBe(2);
    expect((await cli(["plan", "--format", "bogus", "--detailed-exitcode"], ws.dir)).code).toBe(1);
    expect((await cli(["apply", "--db", db], ws.dir)).code).toBe(0);
    expect((await cli(["events", "--status", "bogus", "--db", db], ws.dir)).code).toBe(2);
  });

  it("apply on a missing workspace or revision fails before creating a database", async () => {
    const dir = tempDir();
    const db = join(dir, "data", "n.db");
    const missing = await cli(["apply", "--workspace", join(dir, "typo"), "--db", db], dir);
    expect(missing.code).toBe(1);
    const ws = gitWorkspace(baseWorkspace);
    expect((await cli(["apply", "--revision", "nope", "--db", db], ws.dir)).code).toBe(1);
    expect(existsSync(db)).toBe(false);
  });
});

describe("store safety from the CLI", () => {
  it("read-only commands refuse a SQLite file that is not Nexaas's, and leave it unchanged", async () => {
    const { default: Database } = await import("better-sqlite3");
    const dir = tempDir();
    const path = join(dir, "other.sqlite");
    const other = new Database(path);
    other.exec("CREATE TABLE notes (body TEXT)");
    other.close();
    const { readFileSync } = await import("node:fs");
    const before = readFileSync(path);
    const r = await cli(["status", "--db", path], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("not a Nexaas database");
    expect(readFileSync(path).equals(before)).toBe(true);
  });

  it("events ID works for an interval given in seconds", async () => {
    const ws = gitWorkspace({ ...baseWorkspace, "events/n.yaml": "condition: {type: interval, expr: 90}\naction: {type: script, command: ./n.sh}\n" });
    const db = join(tempDir(), "n.db");
    expect((await cli(["apply", "--db", db], ws.dir)).code).toBe(0);
    const r = await cli(["events", "n", "--db", db, "--json"], ws.dir);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { next_fire_times: string[] };
    expect(out.next_fire_times).toHaveLength(5);
    const [a, b] = out.next_fire_times.map((t) => Date.parse(t));
    expect((b ?? 0) - (a ?? 0)).toBe(90_000);
  });
});

describe("start and the API key", () => {
  it("refuses to run without API_KEY, saying how to make one, before touching the database", async () => {
    const ws = gitWorkspace(baseWorkspace);
    const db = join(tempDir(), "n.db");
    const saved = process.env.API_KEY;
    delete process.env.API_KEY;
    try {
      const r = await cli(["start", "--db", db], ws.dir);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain("API_KEY is not set");
      expect(existsSync(db)).toBe(false);
    } finally {
      if (saved !== undefined) process.env.API_KEY = saved;
    }
  });
});


describe("framework paths in what apply and plan print", () => {
  it("read framework/…, the same on every machine, never a path up to where the package is installed", async () => {
    const ws = gitWorkspace({ ...baseWorkspace, "nexaas.yaml": "name: ops\nmcp_servers: [filesystem]\n" });
    const db = join(tempDir(), "n.db");
    const verbose = await cli(["apply", "--db", db, "--verbose"], ws.dir);
    expect(verbose.code, verbose.stderr).toBe(0);
    expect(verbose.stdout).toContain("framework/mcp-servers/filesystem.yaml");
    expect(verbose.stdout).not.toMatch(/\.\.\//);
  });
});
