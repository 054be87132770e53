import { GitError } from "./git.js";

/** Stable codes, so the CLI and API can name the problem without parsing the message. */
export type SourceErrorCode =
  | "no-workspace"
  | "not-a-repository"
  | "empty-repository"
  | "unknown-revision"
  | "workspace-not-in-revision"
  | "remote-mismatch"
  | "remote-failed";

/**
 * A revision or remote the controller cannot read; the message says what to do.
 * It is a GitError, so callers that already map GitError keep working.
 */
export class SourceError extends GitError {
  readonly code: SourceErrorCode;
  constructor(message: string, code: SourceErrorCode, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "SourceError";
    this.code = code;
  }
}
