import type { Database } from "better-sqlite3";
import { StoreError } from "./store-error.js";
import type { Sql } from "./sql/sql.js";

export interface CopyReport {
  /** Rows copied, per table, in the order the tables were copied. */
  tables: { table: string; rows: number }[];
}

/** Each backend keeps its own migration history; everything else is the user's data. */
const ownHistory = new Set(["migrations"]);
/** Rows per INSERT: PostgreSQL takes at most 65,535 parameters per statement. */
const batchRows = 500;

/**
 * Copies every table of a SQLite store into an empty PostgreSQL store of the
 * same schema (issue 16's `nexaas store copy`): definitions, run history,
 * transcripts, usage, tokens. The names are the same on both backends, so the
 * copy needs no mapping: the columns both sides have, ids included, table by
 * table in foreign-key order, in one transaction on the target, so a failed
 * copy leaves it empty. Identity counters then start after the copied ids.
 */
export async function copyStore(from: Database, to: Sql): Promise<CopyReport> {
  // The one-row tables (the fencing counter, the sync status) come seeded by the migrations, and
  // triggers fill others (usage_totals) as their sources are copied: the source's rows replace those,
  // copied last. usage_totals are counters that outlive pruned usage rows, so they are copied, not rebuilt.
  const replaced = new Set([...singletonTables(from), ...triggerTargets(from)]);
  const order = copyOrder(from);
  const tables = [...order.filter((t) => !replaced.has(t)), ...order.filter((t) => replaced.has(t))];
  return to.transaction(async (tx) => {
    for (const table of tables) {
      if (replaced.has(table)) continue;
      const existing = await tx.get<{ n: number }>(`SELECT count(*) AS n FROM ${quote(table)}`);
      if ((existing?.n ?? 0) > 0) {
        throw new StoreError(`the target already holds data (${table} has ${existing?.n} rows): copy into an empty database`, "not-empty");
      }
    }
    const report: CopyReport = { tables: [] };
    for (const table of tables) {
      if (replaced.has(table)) await tx.run(`DELETE FROM ${quote(table)}`);
      const columns = await sharedColumns(from, tx, table);
      let rows = 0;
      for (const batch of batches(from, table, columns)) {
        const row = `(${columns.map(() => "?").join(", ")})`;
        const text = `INSERT INTO ${quote(table)} (${columns.map(quote).join(", ")}) VALUES ${batch.map(() => row).join(", ")}`;
        await tx.run(text, batch.flatMap((row) => columns.map((column) => row[column] ?? null)));
        rows += batch.length;
      }
      await resetIdentity(tx, table, columns);
      report.tables.push({ table, rows });
    }
    return report;
  });
}

/** The user tables, parents before children (foreign keys), then by name. */
function copyOrder(db: Database): string[] {
  const names = db
    .prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    .all()
    .map((row) => row.name)
    .filter((name) => !ownHistory.has(name));
  const parents = new Map(
    names.map((name) => [
      name,
      db
        .prepare<[string], { table: string }>("SELECT \"table\" FROM pragma_foreign_key_list(?)")
        .all(name)
        .map((row) => row.table)
        .filter((parent) => parent !== name),
    ]),
  );
  const ordered: string[] = [];
  const visit = (name: string, path: Set<string>): void => {
    if (ordered.includes(name) || path.has(name)) return;
    path.add(name);
    for (const parent of parents.get(name) ?? []) visit(parent, path);
    ordered.push(name);
  };
  for (const name of names) visit(name, new Set());
  return ordered;
}

/** Tables of one settings row, declared `id INTEGER PRIMARY KEY CHECK (id = 1)`. */
function singletonTables(db: Database): Set<string> {
  const rows = db.prepare<[], { name: string; sql: string }>("SELECT name, sql FROM sqlite_master WHERE type = 'table' AND sql IS NOT NULL").all();
  return new Set(rows.filter((row) => /\bid\s+INTEGER\s+PRIMARY\s+KEY\s+CHECK\s*\(\s*id\s*=\s*1\s*\)/i.test(row.sql)).map((row) => row.name));
}

/** Tables that a trigger writes to. */
function triggerTargets(db: Database): Set<string> {
  const triggers = db.prepare<[], { sql: string }>("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND sql IS NOT NULL").all();
  return new Set(triggers.flatMap((trigger) => [...trigger.sql.matchAll(/\b(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE)\s+"?(\w+)"?/gi)].map((m) => m[1] ?? "")));
}

async function sharedColumns(from: Database, to: Sql, table: string): Promise<string[]> {
  const source = from.prepare<[string], { name: string }>("SELECT name FROM pragma_table_info(?) ORDER BY cid").all(table).map((row) => row.name);
  const target = new Set(
    (await to.all<{ name: string }>("SELECT column_name AS name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ?", [table])).map(
      (row) => row.name,
    ),
  );
  if (target.size === 0) throw new StoreError(`the target has no table ${table}: is it a Nexaas database at this version?`, "schema-mismatch");
  const missing = source.filter((column) => !target.has(column));
  if (missing.length > 0) throw new StoreError(`the target's ${table} lacks ${missing.join(", ")}: are both stores at this version?`, "schema-mismatch");
  return source;
}

/** The table's rows in batches, read one batch at a time. */
function* batches(from: Database, table: string, columns: string[]): Generator<Record<string, unknown>[]> {
  let batch: Record<string, unknown>[] = [];
  for (const row of from.prepare<[], Record<string, unknown>>(`SELECT ${columns.map(quote).join(", ")} FROM ${quote(table)}`).iterate()) {
    batch.push(row);
    if (batch.length === batchRows) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

/** After explicit ids, an identity column would hand out ids already taken: move it past them. */
async function resetIdentity(tx: Sql, table: string, columns: string[]): Promise<void> {
  if (!columns.includes("id")) return;
  const sequence = await tx.get<{ name: string | null }>("SELECT pg_get_serial_sequence(?, 'id') AS name", [quote(table)]);
  if (!sequence?.name) return;
  await tx.get(`SELECT setval(?, (SELECT coalesce(max(id), 0) + 1 FROM ${quote(table)}), false)`, [sequence.name]);
}

function quote(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
