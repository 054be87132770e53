// The shape of a store's schema, read the same way from SQLite and from PostgreSQL, so that the
// parity test compares two values. Types are compared as SQLite's affinities (TEXT, INTEGER, REAL).
import type { Database } from "better-sqlite3";
import type pg from "pg";

export interface ColumnShape {
  name: string;
  type: string;
  notNull: boolean;
  /** Position in the primary key, from 1; 0 when not in it. */
  primaryKey: number;
  generated: boolean;
}

export interface ForeignKeyShape {
  columns: string[];
  table: string;
  references: string[];
  onDelete: string;
}

export interface TableShape {
  columns: ColumnShape[];
  /** Each UNIQUE constraint's columns, sorted. */
  uniques: string[][];
  foreignKeys: ForeignKeyShape[];
  /** How many CHECK constraints (their text differs between the dialects, their count must not). */
  checks: number;
  /** Rows a fresh store holds (the ones the migrations seed). */
  rows: number;
}

export interface IndexShape {
  table: string;
  columns: string[];
  unique: boolean;
  partial: boolean;
}

export interface SchemaShape {
  tables: Record<string, TableShape>;
  /** Indexes created by name (not the ones behind a PRIMARY KEY or UNIQUE constraint). */
  indexes: Record<string, IndexShape>;
  triggers: string[];
}

const sortedLists = (lists: string[][]): string[][] => lists.map((list) => [...list].sort()).sort((a, b) => a.join().localeCompare(b.join()));

/** SQLite's affinity rules (https://sqlite.org/datatype3.html §3.1), enough for the types the migrations use. */
function affinity(declared: string): string {
  const type = declared.toUpperCase();
  if (type.includes("INT")) return "INTEGER";
  if (/CHAR|CLOB|TEXT/.test(type)) return "TEXT";
  if (/REAL|FLOA|DOUB/.test(type)) return "REAL";
  return type;
}

/** SQLite's internal tables are left out: sqlite_sequence holds AUTOINCREMENT's counters, kept by identity sequences in PostgreSQL. */
export function sqliteSchema(db: Database): SchemaShape {
  const all = <T>(sql: string, ...params: unknown[]): T[] => db.prepare(sql).all(...params) as T[];
  const tables: Record<string, TableShape> = {};
  for (const { name, sql } of all<{ name: string; sql: string }>("SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name")) {
    const columns = all<{ name: string; type: string; notnull: number; pk: number; hidden: number }>("SELECT name, type, \"notnull\", pk, hidden FROM pragma_table_xinfo(?) ORDER BY cid", name).map((c) => ({
      name: c.name,
      type: affinity(c.type),
      // A PRIMARY KEY column cannot be NULL in PostgreSQL; SQLite declares only INTEGER PRIMARY KEY so, but the
      // code never writes a NULL key either.
      notNull: c.notnull === 1 || c.pk > 0,
      primaryKey: c.pk,
      generated: c.hidden === 2 || c.hidden === 3,
    }));
    const uniques = all<{ name: string }>("SELECT name FROM pragma_index_list(?) WHERE origin = 'u'", name).map((index) =>
      all<{ name: string }>("SELECT name FROM pragma_index_info(?) ORDER BY seqno", index.name).map((c) => c.name),
    );
    const keys = new Map<number, ForeignKeyShape>();
    for (const fk of all<{ id: number; table: string; from: string; to: string; on_delete: string }>('SELECT id, "table", "from", "to", on_delete FROM pragma_foreign_key_list(?) ORDER BY id, seq', name)) {
      const key = keys.get(fk.id) ?? { columns: [], table: fk.table, references: [], onDelete: fk.on_delete };
      key.columns.push(fk.from);
      key.references.push(fk.to);
      keys.set(fk.id, key);
    }
    const rows = db.prepare(`SELECT count(*) FROM "${name}"`).pluck().get() as number;
    tables[name] = { columns, uniques: sortedLists(uniques), foreignKeys: [...keys.values()], checks: sql.match(/\bCHECK\s*\(/gi)?.length ?? 0, rows };
  }
  const indexes: Record<string, IndexShape> = {};
  for (const index of all<{ name: string; table: string }>("SELECT name, tbl_name AS \"table\" FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name")) {
    const listed = all<{ unique: number; partial: number }>('SELECT "unique", partial FROM pragma_index_list(?) WHERE name = ?', index.table, index.name)[0];
    const columns = all<{ name: string }>("SELECT name FROM pragma_index_info(?) ORDER BY seqno", index.name).map((c) => c.name);
    indexes[index.name] = { table: index.table, columns, unique: listed?.unique === 1, partial: listed?.partial === 1 };
  }
  const triggers = all<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name").map((t) => t.name);
  return { tables, indexes, triggers };
}

const deleteActions: Record<string, string> = { a: "NO ACTION", c: "CASCADE", r: "RESTRICT", n: "SET NULL", d: "SET DEFAULT" };

/** The connection's current schema. Functions (the trigger's, and the ones generated columns call) have no SQLite counterpart and are left out. */
export async function postgresSchema(client: pg.ClientBase): Promise<SchemaShape> {
  const all = async <T extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<T[]> => (await client.query<T>(sql, params)).rows;
  const tables: Record<string, TableShape> = {};
  const tableNames = await all<{ name: string }>("SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename");
  for (const { name } of tableNames) {
    const columns = await all<{ name: string; type: string; not_null: boolean; primary_key: number; generated: boolean }>(
      `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS not_null,
              coalesce(array_position(pk.conkey, a.attnum), 0) AS primary_key, a.attgenerated <> '' AS generated
       FROM pg_attribute a
       LEFT JOIN pg_constraint pk ON pk.conrelid = a.attrelid AND pk.contype = 'p'
       WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped
       ORDER BY a.attnum`,
      [name],
    );
    const constraints = await all<{ type: string; columns: string[]; table: string | null; references: string[] | null; on_delete: string }>(
      `SELECT c.contype AS type,
              ARRAY(SELECT attname FROM unnest(c.conkey) WITH ORDINALITY k(n, i) JOIN pg_attribute ON attrelid = c.conrelid AND attnum = k.n ORDER BY k.i)::text[] AS columns,
              c.confrelid::regclass::text AS "table",
              ARRAY(SELECT attname FROM unnest(c.confkey) WITH ORDINALITY k(n, i) JOIN pg_attribute ON attrelid = c.confrelid AND attnum = k.n ORDER BY k.i)::text[] AS "references",
              c.confdeltype AS on_delete
       FROM pg_constraint c WHERE c.conrelid = $1::regclass ORDER BY c.conname`,
      [name],
    );
    const [count] = await all<{ rows: number }>(`SELECT count(*)::int AS rows FROM "${name}"`);
    tables[name] = {
      columns: columns.map((c) => ({ name: c.name, type: affinity(c.type === "double precision" ? "REAL" : c.type), notNull: c.not_null, primaryKey: c.primary_key, generated: c.generated })),
      uniques: sortedLists(constraints.filter((c) => c.type === "u").map((c) => c.columns)),
      foreignKeys: constraints
        .filter((c) => c.type === "f")
        .map((c) => ({ columns: c.columns, table: c.table ?? "", references: c.references ?? [], onDelete: deleteActions[c.on_delete] ?? c.on_delete })),
      checks: constraints.filter((c) => c.type === "c").length,
      rows: count?.rows ?? 0,
    };
  }
  const indexes: Record<string, IndexShape> = {};
  const indexRows = await all<{ name: string; table: string; columns: string[]; unique: boolean; partial: boolean }>(
    `SELECT i.relname AS name, t.relname AS "table", x.indisunique AS "unique", x.indpred IS NOT NULL AS partial,
            ARRAY(SELECT attname FROM unnest(x.indkey) WITH ORDINALITY k(n, o) JOIN pg_attribute ON attrelid = x.indrelid AND attnum = k.n ORDER BY k.o)::text[] AS columns
     FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
     WHERE t.relnamespace = current_schema()::regnamespace
       AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)
     ORDER BY i.relname`,
  );
  for (const index of indexRows) indexes[index.name] = { table: index.table, columns: index.columns, unique: index.unique, partial: index.partial };
  const triggers = (await all<{ name: string }>("SELECT tgname AS name FROM pg_trigger WHERE NOT tgisinternal AND tgrelid::regclass::text IN (SELECT tablename FROM pg_tables WHERE schemaname = current_schema()) ORDER BY tgname")).map((t) => t.name);
  return { tables, indexes, triggers };
}
