import { tmpdir } from "node:os";
import { afterEach } from "vitest";
import type { Clock } from "../../controller/clock.js";
import { createLogger } from "../../controller/log.js";
import { objectDigest } from "../../controller/definitions/canonical-json.js";
import type { ObjectKind } from "../../controller/definitions/object-state.js";
import type { Sql } from "../../controller/store/sql/sql.js";
import { upsertObject } from "../../controller/store/write-object.js";
import { ExecutionError, type ExecutionContext } from "../../controller/workers/executor.js";
import { SecretMask } from "../../controller/workers/secret-mask.js";
import { startFakeAnthropic, type FakeAnthropic, type FakeReply } from "../support/fake-anthropic.js";
import { FakeClock } from "../support/fake-clock.js";

export const apiKey = "sk-ant-test-0123456789abcdef-secret";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** The fake Messages API, closed after the test. */
export async function fakeApi(replies: FakeReply[] = []): Promise<FakeAnthropic> {
  const api = await startFakeAnthropic({ replies });
  cleanups.push(() => api.close());
  return api;
}

/** Applies one definition as a reconcile would. */
export async function define(sql: Sql, kind: Exclude<ObjectKind, "event">, name: string, spec: Record<string, unknown>): Promise<void> {
  const file = kind === "workspace" ? "nexaas.yaml" : `${kind}s/${name}`;
  await upsertObject(sql, { kind, name, layer: "workspace", file, spec, digest: objectDigest("workspace", spec) }, "rev-test", new Date("2026-11-23T08:00:00Z"));
}

/** A workspace with defaults, an agent `writer` (own prompt and model) and an agent `plain` (defaults only). */
export async function seedWorkspace(sql: Sql, workspace: Record<string, unknown> = {}): Promise<void> {
  await define(sql, "workspace", "workspace", { name: "ops", defaults: { model: "claude-haiku-5-5", max_tokens: 1000, agent: "plain" }, ...workspace });
  await define(sql, "agent", "writer", { name: "writer", model: "claude-sonnet-5-5", max_tokens: 2048, prompt: "You are the writer. Be brief.\n" });
  await define(sql, "agent", "plain", { name: "plain", prompt: "You are plain.\n" });
}

/** An attempt's context on the store `sql` (either backend), its run (`runId`, 1 by default) in event_runs. */
export async function context(
  sql: Sql,
  action: ExecutionContext["action"],
  options: { api?: FakeAnthropic; env?: NodeJS.ProcessEnv; clock?: Clock; runId?: number; signal?: AbortSignal; workspaceDir?: string } = {},
): Promise<ExecutionContext> {
  const runId = options.runId ?? 1;
  // The run the attempt belongs to: its steps (run_steps) and stop reason are kept on it. ON CONFLICT
  // DO NOTHING (both dialects), not INSERT OR IGNORE: a second attempt in the same run reuses the row.
  await sql.run(
    "INSERT INTO event_runs (id, event_id, scheduled_for, trigger, status, attempt, created_at) VALUES (?, 'digest', ?, 'manual', 'running', 1, ?) ON CONFLICT (id) DO NOTHING",
    [runId, "2026-11-23T09:00:00.000Z", "2026-11-23T09:00:00.000Z"],
  );
  return {
    sql,
    runId,
    eventId: "digest",
    attempt: 1,
    action,
    payload: null,
    scheduledFor: "2026-11-23T09:00:00.000Z",
    signal: options.signal ?? new AbortController().signal,
    env: options.env ?? { ANTHROPIC_API_KEY: apiKey, ANTHROPIC_BASE_URL: options.api?.url, NEXAAS_MODEL_MAX_RETRIES: "2" },
    workspaceDir: options.workspaceDir ?? tmpdir(),
    clock: options.clock ?? new FakeClock(Date.parse("2026-11-23T09:00:30.000Z")),
    log: createLogger({ LOG_LEVEL: "silent" }),
    secrets: new SecretMask(),
  };
}

export async function failure(promise: Promise<unknown>): Promise<ExecutionError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof ExecutionError)) throw new Error(`expected an ExecutionError, got ${String(error)}`);
  return error;
}

export interface UsageRow {
  run_id: number;
  event_id: string;
  agent: string;
  model: string;
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
  cost_usd: number | null;
  price_table_date: string | null;
}

export const usageRows = (sql: Sql): Promise<UsageRow[]> => sql.all<UsageRow>("SELECT * FROM token_usage ORDER BY id");

/** The stop reason kept on run `runId`. */
export const stopReason = async (sql: Sql, runId: number): Promise<string | null | undefined> =>
  (await sql.get<{ stop_reason: string | null }>("SELECT stop_reason FROM event_runs WHERE id = ?", [runId]))?.stop_reason;
