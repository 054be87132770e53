import type { Database } from "better-sqlite3";
import type { ResolvedEvent } from "../definitions/resolved-event.js";
import { decodeSpec } from "./decode-spec.js";
import { prepared } from "./prepared.js";
import type { Sql } from "./sql/sql.js";
import { isSql } from "./sql/sqlite-sql.js";

/** An applied event with the runtime state a trigger path looks at. */
export interface StoredEvent {
  name: string;
  spec: ResolvedEvent;
  enabled: boolean;
  paused: boolean;
  /** The revision that last wrote its definition. */
  revision: string;
}

interface Row {
  name: string;
  spec: string;
  enabled: number;
  paused: number;
  revision: string;
}

const selectSql = "SELECT name, spec, enabled, paused, revision FROM events WHERE name = ?";

/**
 * The applied event `name`, or undefined (not applied, or its row mangled out of band).
 * Given a better-sqlite3 connection it still answers at once: webhooks and `trigger`
 * call it so until their slice of issue 16 moves them to Sql.
 */
export function readEvent(sql: Sql, name: string): Promise<StoredEvent | undefined>;
export function readEvent(db: Database, name: string): StoredEvent | undefined;
export function readEvent(store: Sql | Database, name: string): Promise<StoredEvent | undefined> | StoredEvent | undefined {
  if (isSql(store)) return store.get<Row>(selectSql, [name]).then(storedEvent);
  return storedEvent(prepared<[string], Row>(store, selectSql).get(name));
}

function storedEvent(row: Row | undefined): StoredEvent | undefined {
  const spec = row ? decodeSpec("event", row.spec) : undefined;
  if (!row || !spec) return undefined;
  return { name: row.name, spec, enabled: row.enabled === 1, paused: row.paused === 1, revision: row.revision };
}
