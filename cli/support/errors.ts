/**
 * The few error classes the CLI knows. Each maps to an exit code at the one
 * top-level catch in main.ts (SPEC §4: 0 success, 1 failure or findings, 2 usage error).
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
