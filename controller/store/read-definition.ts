import type { Database } from "better-sqlite3";
import type { ObjectKind } from "../reconcile/object-state.js";
import { definitionTables } from "./definition-tables.js";
import { prepared } from "./prepared.js";

/**
 * One applied definition's spec, by kind and name (what an executor needs at
 * run time: the agent's prompt and model, a skill, a flow, a registry).
 * Undefined when it is not (or no longer) applied.
 */
export function readDefinition(db: Database, kind: ObjectKind, name: string): Record<string, unknown> | undefined {
  const row = prepared(db, `SELECT spec FROM ${definitionTables[kind]} WHERE name = ?`).get(name) as { spec: string } | undefined;
  return row ? (JSON.parse(row.spec) as Record<string, unknown>) : undefined;
}
