/** Why a model call failed, as a stable code; the caller maps it to its own errors (a run's, a command's). */
export type ModelErrorCode = "no-api-key" | "model-error" | "timeout";

/** A model call that failed, with a message fit for a run record: the API key is never in it. */
export class ModelError extends Error {
  constructor(
    message: string,
    readonly code: ModelErrorCode,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "ModelError";
  }
}
