/** Stable codes, so the CLI and API can name the problem without parsing the message. */
export type StoreErrorCode =
  /** Migrated by a newer Nexaas: this version would not know its tables. */
  | "db-newer"
  /** Migrated by an older Nexaas: a read-only open cannot upgrade it. */
  | "db-older"
  /** A SQLite database, but someone else's (tables and no `migrations` table). */
  | "not-nexaas"
  /** Not a SQLite file at all. */
  | "not-a-database"
  /** A read-only open of a path where there is no file. */
  | "no-database"
  | "bad-migration"
  /** A PostgreSQL server that does not answer or refuses the connection. */
  | "unreachable"
  /** `store copy`: the target database already holds data. */
  | "not-empty"
  /** `store copy`: the two stores' tables differ (different versions). */
  | "schema-mismatch"
  /** A controller whose lock another took over (fencing): its writes are refused. */
  | "lock-lost";

/** A database the controller cannot use as it is; the message says what to do. */
export class StoreError extends Error {
  readonly code: StoreErrorCode;
  constructor(message: string, code: StoreErrorCode, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "StoreError";
    this.code = code;
  }
}
