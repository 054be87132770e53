import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { isolateGit } from "../cli/helpers.js";
import { everySecond, killAll, level, openTestConnection, startController, until, workspace } from "./controller-process.js";

// Issue 10, finding 3: split brain. A controller frozen past its lease (SIGSTOP: a
// VM paused, a laptop asleep) is taken over by a standby; when it wakes it finds
// its lock's token stale, says so, exits 1, and changes no job after the takeover.

beforeAll(() => isolateGit());
const cleanup: (() => void)[] = [];
afterEach(async () => {
  await killAll();
  while (cleanup.length) cleanup.pop()?.();
});

// Every insert and update of job_queue, with the lease owner before and after: a
// trigger runs inside whichever connection writes, so it sees the frozen
// controller's writes too, even a claim it completes at once.
const auditSql = `
  CREATE TABLE test_job_writes (seq INTEGER PRIMARY KEY AUTOINCREMENT, job INTEGER, old_owner TEXT, new_owner TEXT, status TEXT);
  CREATE TRIGGER test_job_insert AFTER INSERT ON job_queue BEGIN
    INSERT INTO test_job_writes (job, old_owner, new_owner, status) VALUES (NEW.id, NULL, NEW.lease_owner, NEW.status);
  END;
  CREATE TRIGGER test_job_update AFTER UPDATE ON job_queue BEGIN
    INSERT INTO test_job_writes (job, old_owner, new_owner, status) VALUES (NEW.id, OLD.lease_owner, NEW.lease_owner, NEW.status);
  END;`;

interface JobWrite {
  seq: number;
  job: number;
  old_owner: string | null;
  new_owner: string | null;
  status: string;
}

describe("fencing: a controller that lost its lock changes nothing", () => {
  it("a standby takes over a frozen controller within one lease; woken, the old one exits 1 without another job write", { timeout: 40_000 }, async () => {
    // tock's runs last 0.7 s, so A is likely frozen mid-attempt: woken, it tries to record its end (fenced).
    const ws = workspace({ "events/tick.yaml": everySecond("echo tick"), "events/tock.yaml": everySecond("sleep 0.7") });
    const a = startController(ws);
    await a.port();
    await a.waitFor((l) => l.msg === "run finished", { what: "A's first run" });
    const db = openTestConnection(ws.db);
    cleanup.push(() => db.close());
    db.exec(auditSql);
    const writes = (after: number) => db.prepare<[number], JobWrite>("SELECT * FROM test_job_writes WHERE seq > ? ORDER BY seq").all(after);
    const lastSeq = () => db.prepare<[], number>("SELECT coalesce(max(seq), 0) FROM test_job_writes").pluck().get() ?? 0;

    const b = startController(ws, { args: ["--standby"] });
    await b.waitFor((l) => l.msg.startsWith("standing by"), { what: "B standing by" });
    // A's workers are worker-<pid>-<uuid>: every row it leases carries its pid.
    const ofA = (owner: string | null) => owner?.startsWith(`worker-${a.pid}-`) ?? false;
    await until(() => (writes(0).some((w) => ofA(w.new_owner)) ? true : undefined), "the audit to see A claim a job");

    a.kill("SIGSTOP");
    const stoppedAt = Date.now();
    await b.port(10_000);
    // One lease (2 s) after A's last heartbeat, plus B's look every second and its start.
    expect(Date.now() - stoppedAt).toBeLessThan(6_000);
    await b.waitFor((l) => l.msg === "run finished", { what: "B's first run" });

    const takenOver = lastSeq();
    const fromA = a.lines.length;
    a.kill("SIGCONT");
    expect(await a.exit(8_000)).toEqual({ code: 1, signal: null });
    expect(a.lines.slice(fromA)).toContainEqual(expect.objectContaining({ level: level.error, reason: "lock-lost", msg: expect.stringMatching(/another controller/) }));
    expect(a.stderr()).toBe("");
    expect(a.lines.at(-1)).toMatchObject({ level: level.error, reason: "lock-lost", msg: expect.stringMatching(/^controller halted: /) });

    // B goes on; A wrote no job row after the takeover (no claim, heartbeat, completion or release).
    const goesOn = b.lines.length;
    await b.waitFor((l) => l.msg === "run finished", { from: goesOn, what: "B's runs after A left" });
    expect(writes(takenOver).filter((w) => ofA(w.old_owner) || ofA(w.new_owner))).toEqual([]);
    expect(writes(takenOver).length).toBeGreaterThan(0); // the audit saw B's writes meanwhile
    expect(db.prepare("SELECT pid FROM controller_lock").get()).toEqual({ pid: b.pid });
  });
});
