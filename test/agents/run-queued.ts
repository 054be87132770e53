import { defaultExecutors } from "../../controller/workers/executors/default-executors.js";
import type { ResolvedEvent } from "../../controller/definitions/resolved-event.js";
import { createLogger } from "../../controller/log.js";
import { claimJob, type ClaimedJob } from "../../controller/queue/claim-job.js";
import { queueRun } from "../../controller/queue/queue-run.js";
import type { Sql } from "../../controller/store/sql/sql.js";
import { runJob, type JobOutcome } from "../../controller/workers/run-job.js";
import { apiKey } from "../llm/helpers.js";
import type { FakeAnthropic } from "../support/fake-anthropic.js";
import type { FakeClock } from "../support/fake-clock.js";

/**
 * One run of `event` as the controller makes it: queued as `nexaas trigger` would, claimed, and
 * run by a worker with the real executors, the model at the fake API. Returns the job and its outcome.
 */
export async function runQueued(
  sql: Sql,
  event: { name: string; spec: ResolvedEvent },
  options: { api: FakeAnthropic; clock: FakeClock; workspaceDir: string },
): Promise<{ job: ClaimedJob; outcome: JobOutcome }> {
  const { clock } = options;
  await queueRun(sql, { event, trigger: "manual", scheduledFor: clock.now() }, clock.now());
  const job = await claimJob(sql, "w1", clock.now(), 60_000);
  if (!job) throw new Error(`no job of ${event.name} to claim`);
  const outcome = await runJob(job, {
    sql,
    workerId: "w1",
    clock,
    leaseMs: 60_000,
    executors: defaultExecutors(),
    env: { ANTHROPIC_API_KEY: apiKey, ANTHROPIC_BASE_URL: options.api.url, PATH: process.env.PATH ?? "" },
    workspaceDir: options.workspaceDir,
    log: createLogger({ LOG_LEVEL: "silent" }),
    shutdown: new AbortController().signal,
  });
  return { job, outcome };
}
