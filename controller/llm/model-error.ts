import type { TokenCounts } from "../definitions/token-counts.js";

/** Why a model call failed, as a stable code; the caller maps it to its own errors (a run's, a command's). */
export type ModelErrorCode = "no-api-key" | "model-error" | "timeout";

/** What a call used, priced: returned with a reply, or carried by the error of a call cut off midway. */
export interface ModelUsage {
  usage: TokenCounts;
  /** USD under the model id asked for; null when the price table has no such model (never a guessed 0). */
  costUsd: number | null;
  /** The date of the price table when priced, else null. */
  priceTableDate: string | null;
}

/**
 * A model call that failed, with a message fit for a run record: the API key is
 * never in it. A call aborted (or failed) after the API began to answer still
 * used tokens: `spent` is what the stream had reported, so the budget counts it.
 */
export class ModelError extends Error {
  spent: ModelUsage | undefined;
  constructor(
    message: string,
    readonly code: ModelErrorCode,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "ModelError";
  }
}
