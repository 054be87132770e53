import type { ResolvedEvent } from "../definitions/resolved-event.js";
import { decodeSpec } from "./decode-spec.js";
import type { Sql } from "./sql/sql.js";

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

/** The applied event `name`, or undefined (not applied, or its row mangled out of band). */
export function readEvent(sql: Sql, name: string): Promise<StoredEvent | undefined> {
  return sql.get<Row>(selectSql, [name]).then(storedEvent);
}

function storedEvent(row: Row | undefined): StoredEvent | undefined {
  const spec = row ? decodeSpec("event", row.spec) : undefined;
  if (!row || !spec) return undefined;
  return { name: row.name, spec, enabled: row.enabled === 1, paused: row.paused === 1, revision: row.revision };
}
