/** Stable codes, so the CLI and API can name the problem without parsing the message. */
export type StoreErrorCode = "db-newer" | "not-a-database" | "bad-migration";

/** A database the controller cannot use as it is; the message says what to do. */
export class StoreError extends Error {
  readonly code: StoreErrorCode;
  constructor(message: string, code: StoreErrorCode, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "StoreError";
    this.code = code;
  }
}
