import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { isolateGit } from "../cli/helpers.js";
import { everySecond, killAll, level, openTestConnection, ownGroup, running, startController, until, workspace } from "./controller-process.js";

// Issue 10, findings 2 and 11: after a crash (SIGKILL), a new controller starts at
// once, since the dead owner's pid is gone on this host, and the scripts the dead
// one left running are killed before their jobs are retried.

beforeAll(() => isolateGit());
const cleanup: (() => void)[] = [];
afterEach(async () => {
  await killAll();
  while (cleanup.length) cleanup.pop()?.();
});

describe("a restart after a crash", () => {
  it("starts at once: the dead owner's pid is gone on this host, so its lease is not waited out", { timeout: 30_000 }, async () => {
    const ws = workspace({ "events/tick.yaml": everySecond("echo tick") });
    // A long lease: waiting it out (or three of them, as before) would show as a refusal.
    const env = { NEXAAS_LEASE_SECONDS: "60" };
    const crashed = startController(ws, { env });
    await crashed.port();
    crashed.kill("SIGKILL");
    expect(await crashed.exit()).toEqual({ code: null, signal: "SIGKILL" });

    const startedAt = Date.now();
    const next = startController(ws, { env });
    await next.port(10_000);
    expect(Date.now() - startedAt).toBeLessThan(10_000);
    expect(next.lines.some((l) => l.msg.startsWith("standing by"))).toBe(false);
    expect(next.stderr()).toBe("");
    await next.waitFor((l) => l.msg === "run finished", { what: "a run of the new controller" });
  });

  it("kills the process group of a script the dead controller left running before its retry runs", { timeout: 30_000 }, async () => {
    const ws = workspace({
      // Each attempt writes its shell's pid (its process group, as scripts run detached) and sleeps.
      "events/long.yaml": everySecond("echo $$ > pid; sleep 60"),
    });
    // In the working tree, which the controller never reads (it reads the commit).
    const pidFile = join(ws.dir, "pid");
    const readPid = (): number | undefined => (existsSync(pidFile) ? Number(readFileSync(pidFile, "utf8").trim()) || undefined : undefined);
    const crashed = startController(ws);
    await crashed.port();
    const orphan = await until(readPid, "the first attempt's pid");
    ownGroup(orphan);
    const db = openTestConnection(ws.db);
    cleanup.push(() => db.close());
    // Its group is recorded before the controller dies (the spawn and the record are one turn).
    await until(() => db.prepare<[], { process_group: number | null }>("SELECT process_group FROM job_queue WHERE status = 'running'").get()?.process_group ?? undefined, "the group's record");
    crashed.kill("SIGKILL");
    await crashed.exit();
    expect(running(orphan)).toBe(true); // SIGKILL reaches the controller only: its script lives on

    const next = startController(ws);
    await next.port();
    expect(next.lines).toContainEqual(expect.objectContaining({ level: level.warn, jobs: 1, scripts_killed: 1, msg: expect.stringMatching(/left running by a controller that died/) }));
    const retry = await until(() => {
      const pid = readPid();
      return pid !== undefined && pid !== orphan ? pid : undefined;
    }, "the retry's pid");
    ownGroup(retry);
    // The group is killed in the claim that retries the job, before the retry's spawn.
    expect(running(orphan)).toBe(false);
    expect(running(retry)).toBe(true);
    expect(db.prepare("SELECT status, attempt FROM event_runs ORDER BY id").all()).toEqual([{ status: "running", attempt: 2 }]);
  });
});
