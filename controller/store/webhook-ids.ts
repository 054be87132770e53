import type { Database } from "better-sqlite3";
import { prepared } from "./prepared.js";
import { isoTime } from "./time.js";

/** How long a webhook id is remembered: the ±5-minute acceptance window, from either side. */
export const webhookIdTtlMs = 10 * 60_000;

const pruneSql = "DELETE FROM webhook_ids WHERE seen_at < ?";
const insertSql = "INSERT INTO webhook_ids (event_id, webhook_id, seen_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING";

/**
 * Notes that `event` received webhook `id` at `now`, forgetting ids older than
 * the window first. False when the id was seen already (a replay). Call inside
 * the transaction that queues the run, so an id is kept only with its run.
 */
export function rememberWebhookId(db: Database, event: string, id: string, now: Date): boolean {
  prepared(db, pruneSql).run(isoTime(new Date(now.getTime() - webhookIdTtlMs)));
  return prepared(db, insertSql).run(event, id, isoTime(now)).changes === 1;
}
