import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

/** The file that keeps a generated SESSION_SECRET: beside the database, readable by its owner only. */
export const sessionSecretPath = (dbPath: string): string => `${dbPath}.session-secret`;

/**
 * The key that signs status-page sessions (SPEC §11). SESSION_SECRET when set
 * (at least 32 characters); else the one kept in `<database>.session-secret`
 * (mode 0600), made on first use, so sessions outlive a restart and every
 * controller of the database (a standby) signs alike. It is never logged, and
 * never stored in the database, which backups copy (SPEC §8).
 */
export function loadSessionSecret(env: NodeJS.ProcessEnv, dbPath: string): Buffer {
  const given = env.SESSION_SECRET ?? "";
  if (given !== "") {
    if (given.length < 32) throw new Error("SESSION_SECRET is shorter than 32 characters: unset it to have one generated, or use a random one");
    return Buffer.from(given);
  }
  if (dbPath === "" || dbPath === ":memory:") return randomBytes(32);
  const path = sessionSecretPath(dbPath);
  try {
    // "wx": of two controllers starting at once on one database, one writes and the other reads it.
    // On PostgreSQL no database file made the folder (data/ under the workspace, by default).
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, randomBytes(32).toString("base64url") + "\n", { mode: 0o600, flag: "wx" });
  } catch (error) {
    if (!(error instanceof Error && "code" in error && error.code === "EEXIST")) throw error;
  }
  const kept = readFileSync(path, "utf8").trim();
  if (kept.length < 32) throw new Error(`${path} holds no session secret: delete it to have a new one made (every session then ends)`);
  return Buffer.from(kept);
}
