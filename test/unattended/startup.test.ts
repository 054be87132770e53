import { once } from "node:events";
import { createServer } from "node:net";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { isolateGit, tempDir } from "../cli/helpers.js";
import { baseWorkspace, writeTree } from "../support/tree.js";
import { type ControllerProcess, everySecond, killAll, openTestConnection, startController, workspace } from "./controller-process.js";

// Issue 10, finding 10: a start that cannot succeed says why in one line on stderr
// and exits 1 at once, leaving no lock behind (it used to hang, its timers running).

beforeAll(() => isolateGit());
const cleanup: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  await killAll();
  while (cleanup.length) await cleanup.pop()?.();
});

/** Exit 1, fast, with one line on stderr that matches `why`. */
async function refused(controller: ControllerProcess, why: RegExp) {
  const startedAt = Date.now();
  expect(await controller.exit(6_000)).toEqual({ code: 1, signal: null });
  expect(Date.now() - startedAt).toBeLessThan(4_000);
  const stderr = controller.stderr().trim().split("\n");
  expect(stderr).toHaveLength(1);
  expect(stderr[0]).toMatch(why);
}

const lockHolders = (db: string): unknown[] => {
  const connection = openTestConnection(db);
  try {
    return connection.prepare("SELECT owner FROM controller_lock").all();
  } finally {
    connection.close();
  }
};

describe("a start that fails", () => {
  it("on a port already taken: one line, exit 1, the lock released (the next start succeeds)", { timeout: 30_000 }, async () => {
    const taken = createServer();
    taken.listen(0, "127.0.0.1");
    await once(taken, "listening");
    cleanup.push(() => new Promise<void>((resolve) => taken.close(() => resolve())));
    const address = taken.address();
    if (address === null || typeof address === "string") throw new Error("the test's server has no port");
    const port = address.port;

    const ws = workspace({ "events/tick.yaml": everySecond("echo tick") });
    // A long lease: a lock left behind would be a refusal for the next start.
    const env = { NEXAAS_LEASE_SECONDS: "60" };
    await refused(startController(ws, { env, port }), new RegExp(`port ${port} .*already in use`));
    expect(lockHolders(ws.db)).toEqual([]);

    const next = startController(ws, { env });
    await next.port();
    expect(next.stderr()).toBe("");
  });

  it("in a folder that is not a git repository: one line, exit 1, fast", { timeout: 30_000 }, async () => {
    const dir = tempDir();
    writeTree(dir, baseWorkspace);
    const db = join(tempDir(), "nexaas.db");
    await refused(startController({ dir, db }), /not inside a git repository/);
    expect(lockHolders(db)).toEqual([]);
  });
});
