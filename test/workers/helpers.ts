import { expect } from "vitest";
import { ExecutionError } from "../../controller/workers/executor.js";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Database } from "better-sqlite3";
import { afterEach } from "vitest";
import { systemClock } from "../../controller/clock.js";
import { createLogger } from "../../controller/log.js";
import { objectDigest } from "../../controller/definitions/canonical-json.js";
import type { Egress } from "../../controller/definitions/schema-types.js";
import { closeDatabase, openDatabase } from "../../controller/store/open-database.js";
import type { Sql } from "../../controller/store/sql/sql.js";
import { sqliteSql } from "../../controller/store/sql/sqlite-sql.js";
import { upsertObject } from "../../controller/store/write-object.js";
import type { ExecutionContext } from "../../controller/workers/executor.js";
import { SecretMask } from "../../controller/workers/secret-mask.js";

const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A fresh folder for this test, removed after it. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "nexaas-workers-"));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A fresh, migrated store, closed after the test. */
export function freshDb(): Database {
  const db = openDatabase(join(tempDir(), "nexaas.db"));
  cleanups.push(() => closeDatabase(db));
  return db;
}

/** Applies a nexaas.yaml with this `egress` to `db`, as a reconcile would. */
export async function applyEgress(db: Database, egress: Egress): Promise<Database> {
  await withEgress(sqliteSql(db), egress);
  return db;
}

/** Applies a nexaas.yaml with this `egress` to the store `sql` (either backend), as a reconcile would. */
export async function withEgress(sql: Sql, egress: Egress): Promise<Sql> {
  const spec = { name: "workers-test", egress };
  await upsertObject(sql, { kind: "workspace", name: "workspace", layer: "workspace", file: "nexaas.yaml", spec, digest: objectDigest("workspace", spec) }, "rev-test", new Date());
  return sql;
}

/** A context whose workspace lets webhooks reach loopback, where these tests' servers listen. */
export async function loopbackContext(action: ExecutionContext["action"], overrides: ContextOverrides = {}): Promise<ExecutionContext> {
  return context(action, { db: await applyEgress(overrides.db ?? freshDb(), { allow: ["127.0.0.0/8"] }), ...overrides });
}

/** loopbackContext on the store `sql` (either backend). */
export async function loopbackContextOn(sql: Sql, action: ExecutionContext["action"], overrides: Partial<ExecutionContext> = {}): Promise<ExecutionContext> {
  return context(action, { ...overrides, sql: await withEgress(sql, { allow: ["127.0.0.0/8"] }) });
}

/** A context's fields to replace; `db`: a SQLite store's connection (the context gets its Sql), or `sql`: a store of either backend. */
export type ContextOverrides = Partial<ExecutionContext> & { db?: Database };

/** A minimal context around one action: a real store (a fresh SQLite one unless `db` or `sql` is given), a temp workspace, the system clock, a silent logger. */
export function context(action: ExecutionContext["action"], { db: given, ...overrides }: ContextOverrides = {}): ExecutionContext {
  return {
    sql: overrides.sql ?? sqliteSql(given ?? freshDb()),
    runId: 1,
    eventId: "nightly",
    attempt: 1,
    action,
    payload: null,
    scheduledFor: "2026-03-10T09:00:00.000Z",
    signal: new AbortController().signal,
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: "/tmp", LANG: "C" },
    workspaceDir: overrides.workspaceDir ?? tempDir(),
    clock: systemClock,
    log: createLogger({ LOG_LEVEL: "silent" }),
    secrets: new SecretMask(),
    ...overrides,
  };
}

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
}

/** A loopback HTTP server answering with `handler`; every request is recorded. Closed after the test. */
export async function loopbackServer(
  handler: (req: RecordedRequest, res: ServerResponse) => void,
): Promise<{ url: string; requests: RecordedRequest[] }> {
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const recorded = { method: req.method ?? "", url: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks).toString("utf8") };
      requests.push(recorded);
      handler(recorded, res);
    });
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  cleanups.push(
    () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  );
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests };
}

/** Whether `pid` is a live process (a zombie waiting to be reaped counts as gone). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}

/** The ExecutionError a promise rejects with (the test fails if it resolves or throws something else). */
export async function failure(promise: Promise<unknown>): Promise<ExecutionError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ExecutionError);
  return error as ExecutionError;
}
