import { isPositional, type SqlParams } from "./sql.js";

/**
 * Rewrites a statement's `@name` and `?` parameters to PostgreSQL's `$1…`, and
 * says which value goes where. String literals, quoted identifiers and
 * comments are left alone, so `'a?b'` or `"@x"` stay what they are. The same
 * name used twice binds one `$n`.
 */
export interface Rewritten {
  text: string;
  /** For each `$n`, the parameter's name, or its position among the `?`s. */
  order: readonly (string | number)[];
  /** The name PostgreSQL keeps it prepared under (keepPrepared), if any. */
  prepared?: string;
}

const cache = new Map<string, Rewritten>();

export function toPostgres(text: string): Rewritten {
  let rewritten = cache.get(text);
  if (!rewritten) {
    rewritten = rewrite(text);
    cache.set(text, rewritten);
  }
  return rewritten;
}

function rewrite(text: string): Rewritten {
  const order: (string | number)[] = [];
  const named = new Map<string, number>();
  let positional = 0;
  let out = "";
  let i = 0;
  while (i < text.length) {
    const c = text[i] ?? "";
    if (c === "'" || c === '"') {
      const end = closing(text, i, c);
      out += text.slice(i, end);
      i = end;
    } else if (c === "-" && text[i + 1] === "-") {
      const end = text.indexOf("\n", i);
      const stop = end === -1 ? text.length : end;
      out += text.slice(i, stop);
      i = stop;
    } else if (c === "?") {
      order.push(positional++);
      out += `$${order.length}`;
      i++;
    } else if (c === "@" && /[A-Za-z_]/.test(text[i + 1] ?? "")) {
      const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i + 1))?.[0] ?? "";
      let index = named.get(name);
      if (index === undefined) {
        order.push(name);
        index = order.length;
        named.set(name, index);
      }
      out += `$${index}`;
      i += 1 + name.length;
    } else {
      out += c;
      i++;
    }
  }
  return { text: out, order };
}

/** The index after the quote that closes the one at `start` (a doubled quote is an escaped one). */
function closing(text: string, start: number, quote: string): number {
  let i = start + 1;
  while (i < text.length) {
    if (text[i] === quote) {
      if (text[i + 1] === quote) i += 2;
      else return i + 1;
    } else i++;
  }
  return text.length;
}

/** The values in `$n` order, from named or positional parameters. */
export function bindValues(rewritten: Rewritten, params: SqlParams | undefined): unknown[] {
  if (params === undefined) return [];
  if (isPositional(params)) return rewritten.order.map((key) => storable(typeof key === "number" ? params[key] : undefined));
  return rewritten.order.map((key) => {
    if (typeof key === "number") throw new Error("a statement with ? parameters takes an array of values");
    if (!(key in params)) throw new Error(`missing named parameter @${key}`);
    // better-sqlite3 refuses undefined; PostgreSQL gets it as NULL, which is what the SQLite side would have failed on.
    return storable(params[key] ?? null);
  });
}

/**
 * PostgreSQL's text cannot hold NUL, which SQLite's can: a script's binary output, or a webhook's,
 * would fail the statement that records it (and a batch of others with it). U+FFFD stands in, as
 * it does for a spec's escaped NUL (migrations-postgres/000001.sql, nexaas_spec).
 */
function storable(value: unknown): unknown {
  if (typeof value === "string") return value.includes("\0") ? value.replaceAll("\0", "\uFFFD") : value;
  if (Array.isArray(value)) return value.map(storable);
  return value;
}

let keptPrepared = 0;

/**
 * Marks `text` (returned as is) as a statement PostgreSQL keeps prepared on
 * each pooled connection: parsed and planned once per connection, not on
 * every call (SQLite caches every statement anyway). For the queue's
 * statements, sent once or more per job. Only for statements whose result
 * columns are fixed (no `*`): a prepared statement fails once the row type
 * behind a `*` changes.
 */
export function keepPrepared(text: string): string {
  // On the rewritten statement toPostgres keeps: the query finds its name in the one lookup it makes anyway.
  const rewritten = toPostgres(text);
  rewritten.prepared ??= `nexaas_${++keptPrepared}`;
  return text;
}
