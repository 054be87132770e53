import { once } from "node:events";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { ReconcileLoop, type ReconcileLoopEvents } from "../../controller/reconcile/reconcile-loop.js";
import { type SourceListener, type WatchedSource, watchSource } from "../../controller/source/watch-source.js";
import type { Sql } from "../../controller/store/sql/sql.js";
import { getSyncStatus } from "../../controller/store/sync-status.js";
import { mkdirSync, writeFileSync } from "node:fs";
import { git, isolateGit, tempDir } from "../cli/helpers.js";
import { gitWorkspace } from "../support/git-workspace.js";
import { fileStoreBackends } from "../support/store-backends.js";

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()?.();
});
beforeAll(() => isolateGit());
const backends = fileStoreBackends();

/** Stops the loop after the test (its store is closed after that). */
function disposeAfter(loop: ReconcileLoop): void {
  cleanup.push(() => loop.stop());
}

const eventNames = (sql: Sql) => sql.all<{ name: string }>("SELECT name FROM events");

type Reconciled = ReconcileLoopEvents["reconciled"][0];

function nextReconciled(loop: ReconcileLoop, timeoutMs = 5000): Promise<Reconciled> {
  return Promise.race([
    once(loop, "reconciled").then(([r]) => r as Reconciled),
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error("no reconcile within " + timeoutMs + " ms")), timeoutMs).unref()),
  ]);
}

describe.each(backends)("on $name", ({ missing, open }) => {
  const it_ = missing ? (title: string, _body: () => Promise<void>) => it.skip(`${title} (needs PostgreSQL: ${missing})`, () => {}) : it;

  async function startLoop() {
    const ws = gitWorkspace();
    const { sql } = await open();
    const loop = new ReconcileLoop(sql, { source: watchSource({ kind: "git" }, { dir: ws.dir, pollMs: 0 }), frameworkDir: null });
    const first = nextReconciled(loop);
    await loop.start();
    disposeAfter(loop);
    expect((await first).result).toBe("applied");
    return { ws, sql, loop };
  }

  describe("the reconcile loop", () => {
    it_("applies a new commit as soon as it lands, without polling", async () => {
      const { ws, sql, loop } = await startLoop();
      const next = nextReconciled(loop);
      const commit = ws.commit({ "events/ping.yaml": "condition: {type: interval, expr: 5m}\naction: {type: script, command: ./ping.sh}\n" });
      const result = await next;
      expect(result).toMatchObject({ result: "applied", revision: commit });
      expect((await getSyncStatus(sql)).last_applied_revision).toBe(commit);
      expect(await eventNames(sql)).toEqual([{ name: "ping" }]);
    });

    it_("keeps the last good revision live when a bad one lands, and recovers on the fix", async () => {
      const { ws, sql, loop } = await startLoop();
      const good = ws.head();
      let next = nextReconciled(loop);
      ws.commit({ "events/ping.yaml": 'condition: {type: cron, expr: "0 25 * * *"}\naction: {type: script, command: ./ping.sh}\n' });
      expect((await next).result).toBe("invalid");
      expect(await getSyncStatus(sql)).toMatchObject({ last_applied_revision: good, last_result: "invalid" });
      next = nextReconciled(loop);
      const fixed = ws.commit({ "events/ping.yaml": 'condition: {type: cron, expr: "0 5 * * *"}\naction: {type: script, command: ./ping.sh}\n' });
      expect(await next).toMatchObject({ result: "applied", revision: fixed });
      expect((await getSyncStatus(sql)).errors).toEqual([]);
    });

    it_("stops cleanly: no reconcile after stop", async () => {
      const { ws, loop } = await startLoop();
      await loop.stop();
      let fired = false;
      loop.on("reconciled", () => (fired = true));
      ws.commit({ "README.md": "x\n" });
      await new Promise((r) => setTimeout(r, 300));
      expect(fired).toBe(false);
    });
  });

  describe("the reconcile loop's other sources", () => {
    it_("follows whatever source it is handed, and starts and stops it", async () => {
      const ws = gitWorkspace();
      const { sql } = await open();
      let listener: SourceListener | undefined;
      let stopped = false;
      const source: WatchedSource = {
        dir: ws.dir,
        reads: "git",
        start: async (l) => {
          listener = l;
        },
        stop: async () => {
          stopped = true;
        },
        current: () => undefined,
      };
      const loop = new ReconcileLoop(sql, { source, frameworkDir: null });
      await loop.start();
      disposeAfter(loop);
      const next = nextReconciled(loop);
      listener?.revision(ws.head());
      expect(await next).toMatchObject({ result: "applied", revision: ws.head() });
      await loop.stop();
      expect(stopped).toBe(true);
    });

    it_("--worktree: reconciles uncommitted edits as they are saved", async () => {
      const ws = gitWorkspace();
      const { sql } = await open();
      const loop = new ReconcileLoop(sql, { source: watchSource({ kind: "worktree" }, { dir: ws.dir }), frameworkDir: null });
      const first = nextReconciled(loop);
      await loop.start();
      disposeAfter(loop);
      expect(await first).toMatchObject({ result: "applied", revision: "worktree" });
      const next = nextReconciled(loop);
      mkdirSync(join(ws.dir, "events"));
      writeFileSync(join(ws.dir, "events/draft.yaml"), "condition: {type: interval, expr: 1h}\naction: {type: script, command: ./draft.sh}\n");
      expect(await next).toMatchObject({ result: "applied", revision: "worktree" });
      expect(await eventNames(sql)).toEqual([{ name: "draft" }]);
    });

    it_("--remote: keeps its own clone and applies what is pushed to the branch", async () => {
      const ws = gitWorkspace();
      const remote = join(tempDir(), "remote.git");
      git(ws.dir, "clone", "-q", "--bare", ws.dir, remote);
      git(ws.dir, "remote", "add", "origin", remote);
      const { sql } = await open();
      const cacheDir = join(tempDir(), "mirror");
      const loop = new ReconcileLoop(sql, { source: watchSource({ kind: "remote", url: remote, branch: "main", cacheDir }, { dir: tempDir(), pollMs: 100 }), frameworkDir: null });
      const first = nextReconciled(loop);
      await loop.start();
      disposeAfter(loop);
      expect(await first).toMatchObject({ result: "applied", revision: ws.head() });
      const next = nextReconciled(loop);
      const pushed = ws.commit({ "events/ping.yaml": "condition: {type: interval, expr: 5m}\naction: {type: script, command: ./ping.sh}\n" });
      git(ws.dir, "push", "-q", "origin", "main");
      expect(await next).toMatchObject({ result: "applied", revision: pushed });
      expect(await eventNames(sql)).toEqual([{ name: "ping" }]);
    });
  });

  describe("failures that are not invalid files", () => {
    it_("are recorded in the status, not only logged", async () => {
      const { sql } = await open();
      const loop = new ReconcileLoop(sql, {
        source: watchSource({ kind: "remote", url: join(tempDir(), "no-such-remote.git"), branch: "main", cacheDir: join(tempDir(), "m") }, { dir: tempDir(), pollMs: 60_000 }),
        frameworkDir: null,
      });
      const errors: Error[] = [];
      loop.on("error", (e) => errors.push(e));
      await loop.start();
      disposeAfter(loop);
      expect(errors).toHaveLength(1);
      expect(await getSyncStatus(sql)).toMatchObject({ last_result: "error", last_applied_revision: null });
      expect((await getSyncStatus(sql)).errors[0]).toMatchObject({ rule: "reconcile-error", message: expect.stringContaining("could not clone") });
    });
  });
});
