// Types of scripts/status-fixture.mjs, for the TypeScript tests that import it.
import type { Database } from "better-sqlite3";

export declare const hostileOutput: string;
export declare const failedRunError: string;
export declare const transcriptText: string;
export declare const dailyBudgetUsd: number;

export interface SeededStatusStore {
  db: Database;
  /** A named read token, and one that was revoked. */
  tokens: { good: string; revoked: string };
  /** Ids of the failed run, the run whose output holds markup, and the run with a transcript. */
  runs: { failed: number; hostile: number; transcript: number };
}

export declare function seedStatusStore(dir: string, dbPath: string, now?: Date): Promise<SeededStatusStore>;

export interface StatusFixture extends SeededStatusStore {
  /** http://127.0.0.1:PORT */
  url: string;
  dir: string;
  dbPath: string;
  close(): Promise<void>;
}

export declare function startStatusFixture(options?: { now?: Date }): Promise<StatusFixture>;
