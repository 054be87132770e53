import type { Database } from "better-sqlite3";
import { prepared } from "./prepared.js";

/** Flows whose trigger is `{type: after, flow: <name>}`, with the outcome (`on`) they wait for. */
export function flowsAfter(db: Database, flow: string): { name: string; on: "success" | "failure" | "always" }[] {
  return prepared<[string], { name: string; on: "success" | "failure" | "always" }>(
    db,
    `SELECT name, coalesce(json_extract(spec, '$.trigger.on'), 'success') AS "on" FROM flows
      WHERE json_extract(spec, '$.trigger.type') = 'after' AND json_extract(spec, '$.trigger.flow') = ?
      ORDER BY name`,
  ).all(flow);
}
