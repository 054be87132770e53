import type { Sql } from "./sql/sql.js";
import { isoTime } from "./time.js";

/** How long a webhook id is remembered: the ±5-minute acceptance window, from either side. */
export const webhookIdTtlMs = 10 * 60_000;

// One primary-key upsert, whatever the table holds: an id seen within the TTL is a replay
// (nothing changes); an id seen before that, whose row retention has not deleted yet,
// counts as new, exactly as if it had been deleted on time.
const rememberSql = `
  INSERT INTO webhook_ids (event_id, webhook_id, seen_at) VALUES (@event_id, @webhook_id, @now)
  ON CONFLICT (event_id, webhook_id) DO UPDATE SET seen_at = excluded.seen_at WHERE webhook_ids.seen_at < @expired`;

/**
 * Notes that `event` received webhook `id` at `now`. False when the id was seen
 * within the TTL (a replay). Call inside the transaction that queues the run, so
 * an id is kept only with its run. Expired ids are deleted by retention
 * (pruneWebhookIds), off the webhook's path.
 */
export async function rememberWebhookId(sql: Sql, event: string, id: string, now: Date): Promise<boolean> {
  const expired = isoTime(new Date(now.getTime() - webhookIdTtlMs));
  return (await sql.run(rememberSql, { event_id: event, webhook_id: id, now: isoTime(now), expired })).changes === 1;
}
