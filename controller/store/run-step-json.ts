import type { Sql } from "./sql/sql.js";
import { readRunSteps, type RunStepRow } from "./run-steps.js";

/** A step as `nexaas runs RUN --json` and GET /api/runs/:id show it: is_error a boolean (null for a turn). */
export type RunStepJson = Omit<RunStepRow, "is_error"> & {
  is_error: boolean | null;
};

/** A run's steps, every attempt, in order, as machine output (SPEC §10 column names). */
export async function readRunStepsJson(sql: Sql, runId: number): Promise<RunStepJson[]> {
  return (await readRunSteps(sql, runId)).map((row) => ({ ...row, is_error: row.is_error === null ? null : row.is_error !== 0 }));
}
