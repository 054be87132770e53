import { readdirSync } from "node:fs";
import { join } from "node:path";

export interface Migration {
  id: number;
  /** The file name, e.g. `000001.sql`. */
  name: string;
  path: string;
}

export interface MigrationFolder {
  /** The migrations this version ships, oldest first. Read once per process. */
  all(): Migration[];
  /** The newest one's id; 0 when there is none. */
  latest(): number;
}

/** The numbered migrations (`000001.sql`…) in `dir`. Each backend has its own folder and numbering. */
export function migrationFolder(dir: string): MigrationFolder {
  let known: Migration[] | undefined;
  const all = (): Migration[] =>
    (known ??= readdirSync(dir)
      .filter((name) => /^\d{6}\.sql$/.test(name))
      .map((name) => ({ id: Number(name.slice(0, 6)), name, path: join(dir, name) }))
      .sort((a, b) => a.id - b.id));
  return { all, latest: () => all().at(-1)?.id ?? 0 };
}
