import { spawn, spawnSync } from "node:child_process";
import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { isolateGit, tempDir } from "../cli/helpers.js";
import { everySecond, health, killAll, openTestConnection, startController, until, workspace } from "./controller-process.js";

// Issue 15: `nexaas backup FILE` takes SQLite's online backup while the controller runs, and the copy restores.

const root = fileURLToPath(new URL("../../", import.meta.url));
const bin = join(root, "bin/nexaas.js");

beforeAll(() => isolateGit());
const writers = new Set<ReturnType<typeof spawn>>();
afterEach(async () => {
  for (const w of writers) w.kill("SIGKILL");
  writers.clear();
  await killAll();
});

const nexaas = (args: string[], cwd: string) => spawnSync(process.execPath, [bin, ...args], { cwd, encoding: "utf8", env: { PATH: process.env.PATH, HOME: process.env.HOME } });

/** Another process writing to the database as fast as it can: one row per transaction into a table of its own, numbered 1, 2, 3... */
function startWriter(db: string) {
  const code = `
    const db = new (require("better-sqlite3"))(process.argv[1]);
    db.pragma("busy_timeout = 5000");
    db.exec("CREATE TABLE IF NOT EXISTS backup_probe (n INTEGER PRIMARY KEY, pad TEXT)");
    const insert = db.prepare("INSERT INTO backup_probe (pad) VALUES (?)");
    const pad = "x".repeat(2000);
    process.stdout.write("writing\\n");
    for (;;) insert.run(pad);`;
  const child = spawn(process.execPath, ["-e", code, db], { cwd: root, stdio: ["ignore", "pipe", "inherit"] });
  writers.add(child);
  return new Promise<void>((resolve) => child.stdout.once("data", () => resolve()));
}

describe("nexaas backup", () => {
  it("copies the database while the controller runs and another connection writes; the copy is sound and restores", { timeout: 60_000 }, async () => {
    const ws = workspace({ "events/tick.yaml": everySecond("echo tick") });
    const controller = startController(ws);
    await controller.port();
    await controller.waitFor((l) => l.msg === "run finished", { what: "a first run" });
    await startWriter(ws.db);
    const rowsNow = () => Number(openTestConnection(ws.db).prepare("SELECT count(*) AS n FROM backup_probe").pluck().get());
    await until(() => (rowsNow() > 500 ? true : undefined), "the writer's first rows");

    const out = tempDir("nexaas-backup-");
    const file = join(out, "nexaas-backup.db");
    const result = nexaas(["backup", file, "--db", ws.db], ws.dir);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^backed up .*nexaas\.db to .*nexaas-backup\.db: [\d.]+ (KiB|MiB) in \d+ ms\n$/);
    // The writer went on meanwhile: nothing was stopped.
    const copied = openTestConnection(file);
    const rows = Number(copied.prepare("SELECT count(*) FROM backup_probe").pluck().get());
    expect(rowsNow()).toBeGreaterThan(rows);
    // A consistent snapshot: sound, and the writer's rows an unbroken prefix 1..n.
    expect(copied.pragma("integrity_check", { simple: true })).toBe("ok");
    expect(copied.prepare("SELECT max(n) FROM backup_probe").pluck().get()).toBe(rows);
    const runs = Number(copied.prepare("SELECT count(*) FROM event_runs WHERE status = 'success'").pluck().get());
    expect(runs).toBeGreaterThan(0);
    copied.close();
    for (const w of writers) w.kill("SIGKILL");

    // Restore as the README says: stop, copy the file to DATABASE_PATH, start.
    controller.kill("SIGTERM");
    expect((await controller.exit(15_000)).code).toBe(0);
    const restored = join(tempDir("nexaas-restore-"), "nexaas.db");
    copyFileSync(file, restored);
    const again = startController({ dir: ws.dir, db: restored });
    const port = await again.port();
    expect((await health(port)).status).toBe(200);
    await again.waitFor((l) => l.msg === "run finished", { what: "a run on the restored database" });
    const check = openTestConnection(restored);
    expect(Number(check.prepare("SELECT count(*) FROM event_runs WHERE status = 'success'").pluck().get())).toBeGreaterThan(runs);
    check.close();
  });

  it("refuses to overwrite FILE without --force, and replaces it with --force", { timeout: 30_000 }, async () => {
    const ws = workspace({ "events/tick.yaml": everySecond("echo tick") });
    expect(nexaas(["apply", "--db", ws.db], ws.dir).status).toBe(0);
    const file = join(tempDir("nexaas-backup-"), "existing.db");
    writeFileSync(file, "keep me");

    const refused = nexaas(["backup", file, "--db", ws.db], ws.dir);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain("exists: pass --force to replace it");
    expect(readFileSync(file, "utf8")).toBe("keep me");

    const forced = nexaas(["backup", file, "--db", ws.db, "--force", "--json"], ws.dir);
    expect(forced.status).toBe(0);
    expect(JSON.parse(forced.stdout)).toMatchObject({ file, bytes: expect.any(Number), duration_ms: expect.any(Number) });
    expect(openTestConnection(file).pragma("integrity_check", { simple: true })).toBe("ok");

    expect(nexaas(["backup", "--db", ws.db], ws.dir).status).toBe(2);
    expect(nexaas(["backup", join(ws.dir, "nope.db"), "--db", join(ws.dir, "missing.db")], ws.dir).status).toBe(1);
  });
});
