/**
 * The CLI's own error classes. These, and the controller's GitError (SourceError is
 * one), StoreError and ControllerLockedError, become one line and an exit code at
 * the one top-level catch in main.ts (SPEC §4: 0 success, 1 failure or findings,
 * 2 usage error); anything else is a bug and keeps its stack.
 */
export class UsageError extends Error {
  readonly code = "usage";
  readonly exitCode = 2;
}

export class CommandError extends Error {
  readonly code: string;
  readonly exitCode = 1;
  constructor(message: string, code = "failed", options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/**
 * What a command was doing when a lower layer failed ("--staged reads the git index").
 * It maps nothing: main.ts prints it before its cause's line, and the cause decides
 * the exit code.
 */
export class DuringError extends Error {
  override readonly cause: unknown;
  constructor(doing: string, cause: unknown) {
    super(doing, { cause });
    this.cause = cause;
  }
}

/** For `.catch(during("--staged reads the git index"))`; with no `doing`, the error goes on as it is. */
export const during =
  (doing: string | undefined) =>
  (error: unknown): never => {
    throw doing === undefined ? error : new DuringError(doing, error);
  };
