import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import { afterEach, beforeAll, describe, expect } from "vitest";
import { createLogger } from "../../controller/log.js";
import type { WorkerPoolEvents } from "../../controller/workers/worker-pool.js";
import { isolateGit } from "../cli/helpers.js";
import { type BackendName, controllerBackends, startTestController, testOn } from "../support/controller-backends.js";
import { FakeClock } from "../support/fake-clock.js";
import { gitWorkspace } from "../support/git-workspace.js";
import { baseWorkspace, type Tree } from "../support/tree.js";

beforeAll(() => isolateGit());
const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()?.();
});

const silent = createLogger({ LOG_LEVEL: "silent" }, new Writable({ write: (_c, _e, done) => done() }));
const token = "tok-egress-5a4b3c2d1e";

async function runOnce(backend: BackendName, tree: Tree) {
  const ws = gitWorkspace({ ...baseWorkspace, ...tree });
  const clock = new FakeClock(Date.parse("2026-11-23T10:00:00.000Z"));
  const { controller, sql } = await startTestController(backend, { dir: ws.dir, pollMs: 0, driftCheckMs: 0, env: { PATH: process.env.PATH, HOOK_TOKEN: token }, log: silent, clock, frameworkDir: null }, cleanup);
  const finished = once(controller.pool, "finished");
  await clock.advance(60_000);
  const [result] = (await finished) as WorkerPoolEvents["finished"];
  const row = await sql.get<{ status: string; attempt: number; error: string | null }>("SELECT status, attempt, error FROM event_runs");
  if (!row) throw new Error("no run recorded");
  return { outcome: result.outcome, row };
}

const webhookEvent = (url: string) =>
  `condition: {type: interval, expr: 1m}\naction:\n  type: webhook\n  url: "${url}"\n  headers: {authorization: "Bearer \${HOOK_TOKEN}"}\npolicy: {retries: 2}\n`;

describe.each(controllerBackends)("a refused webhook run (finding 6), on $name", (backend) => {
  const it = testOn(backend);

  it("fails at once, not retried, with an error naming the host and never the secret", async () => {
    const { outcome, row } = await runOnce(backend.name, { "events/steal.yaml": webhookEvent("http://169.254.169.254/latest/meta-data/") });
    expect(outcome.status).toBe("failed");
    expect(row).toMatchObject({ status: "failed", attempt: 1 });
    expect(row.error).toContain("169.254.169.254");
    expect(row.error).toContain("cloud metadata");
    expect(row.error).not.toContain(token);
  });

  it("reaches a loopback server once nexaas.yaml allows it: the applied egress reaches the executor", async () => {
    const seen: string[] = [];
    const server = createServer((req, res) => {
      seen.push(String(req.headers.authorization));
      res.end("ok");
    });
    await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
    cleanup.push(() => new Promise<void>((done) => server.close(() => done())));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    const allowed = await runOnce(backend.name, { "nexaas.yaml": "name: test-ops\negress: {allow: [127.0.0.1/32]}\n", "events/post.yaml": webhookEvent(url) });
    expect(allowed.row).toMatchObject({ status: "success", attempt: 1 });
    expect(seen).toEqual([`Bearer ${token}`]);
  });
});
