import type { Database } from "better-sqlite3";
import { prepared } from "./prepared.js";

/** What the webhook receiver needs of an applied event. */
export interface WebhookEvent {
  name: string;
  spec: {
    condition: { type: string; secret?: string };
    policy?: { priority?: number; retries?: number; overlap?: string; concurrency_key?: string };
  };
  enabled: boolean;
  paused: boolean;
  revision: string;
}

const sql = "SELECT name, spec, enabled, paused, revision FROM events WHERE name = ?";

/** The applied event `name`, or undefined. */
export function readWebhookEvent(db: Database, name: string): WebhookEvent | undefined {
  const row = prepared(db, sql).get(name) as { name: string; spec: string; enabled: number; paused: number; revision: string } | undefined;
  if (!row) return undefined;
  return { name: row.name, spec: JSON.parse(row.spec) as WebhookEvent["spec"], enabled: row.enabled === 1, paused: row.paused === 1, revision: row.revision };
}
