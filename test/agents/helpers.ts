// The agent tests' store on either backend (issue 16): definitions, the run an attempt belongs to,
// and what the loop recorded, all through Sql. The model side (fakeApi, failure) is test/llm's.
import { tmpdir } from "node:os";
import type { Clock } from "../../controller/clock.js";
import { objectDigest } from "../../controller/definitions/canonical-json.js";
import type { ObjectKind } from "../../controller/definitions/object-state.js";
import { createLogger } from "../../controller/log.js";
import type { Sql } from "../../controller/store/sql/sql.js";
import { upsertObject } from "../../controller/store/write-object.js";
import type { ExecutionContext } from "../../controller/workers/executor.js";
import { SecretMask } from "../../controller/workers/secret-mask.js";
import { apiKey, type UsageRow } from "../llm/helpers.js";
import type { FakeAnthropic } from "../support/fake-anthropic.js";
import { FakeClock } from "../support/fake-clock.js";

export { failure, fakeApi } from "../llm/helpers.js";

/** Applies one definition as a reconcile would. */
export async function define(sql: Sql, kind: Exclude<ObjectKind, "event">, name: string, spec: Record<string, unknown>): Promise<void> {
  const file = kind === "workspace" ? "nexaas.yaml" : `${kind}s/${name}`;
  await upsertObject(sql, { kind, name, layer: "workspace", file, spec, digest: objectDigest("workspace", spec) }, "rev-test", new Date("2026-11-23T08:00:00Z"));
}

/** An attempt's context on `sql`, its run (`runId`, 1 by default) in event_runs: its steps and stop reason are kept on it. */
export async function context(
  sql: Sql,
  action: ExecutionContext["action"],
  options: { api?: FakeAnthropic; env?: NodeJS.ProcessEnv; clock?: Clock; runId?: number; signal?: AbortSignal; workspaceDir?: string } = {},
): Promise<ExecutionContext> {
  const runId = options.runId ?? 1;
  // ON CONFLICT DO NOTHING, not INSERT OR IGNORE: both dialects (a session's second run reuses the row).
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

export const usageRows = (sql: Sql): Promise<UsageRow[]> => sql.all<UsageRow>("SELECT * FROM token_usage ORDER BY id");

/** The stop reason kept on run `runId`. */
export const stopReason = async (sql: Sql, runId: number): Promise<string | null | undefined> =>
  (await sql.get<{ stop_reason: string | null }>("SELECT stop_reason FROM event_runs WHERE id = ?", [runId]))?.stop_reason;
