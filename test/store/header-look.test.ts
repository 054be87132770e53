import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { closeDatabase, openDatabase } from "../../controller/store/open-database.js";
import { fileFault, fileIdentity } from "../../controller/store/store-fault.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** The sqlite3 shell, as an operator looking into the database would run it (its close deletes the WAL when it thinks it is alone). */
const sqlite3 = (() => {
  try {
    execFileSync("sqlite3", ["-version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();
if (!sqlite3) console.warn("header-look.test.ts: skipped, it needs the sqlite3 shell (apt-get install sqlite3; .ci/run installs it)");

function readFromAnotherProcess(path: string): string {
  return execFileSync("sqlite3", [path, "SELECT last_attempted_revision FROM sync_status"], { encoding: "utf8" }).trim();
}

describe("the controller's look at its database file", () => {
  it.skipIf(!sqlite3)("keeps SQLite's locks: another process closing its connection does not delete the WAL the controller writes to", () => {
    const dir = mkdtempSync(join(tmpdir(), "nexaas-header-"));
    dirs.push(dir);
    const path = join(dir, "nexaas.db");
    const db = openDatabase(path);
    const opened = fileIdentity(path);
    if (!opened) throw new Error("no file");
    db.prepare("UPDATE sync_status SET last_attempted_revision = 'before'").run();
    // The look the controller's heartbeat takes, twice (a descriptor opened and closed would drop the locks).
    expect(fileFault(path, opened)).toBeUndefined();
    expect(fileFault(path, opened)).toBeUndefined();
    readFromAnotherProcess(path);
    expect(existsSync(`${path}-wal`)).toBe(true);
    // What the controller writes after that is seen by others: it went to the live WAL, not an unlinked one.
    db.prepare("UPDATE sync_status SET last_attempted_revision = 'after'").run();
    expect(readFromAnotherProcess(path)).toBe("after");
    closeDatabase(db);
  });
});
