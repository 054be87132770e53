import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Database } from "better-sqlite3";
import { afterEach } from "vitest";
import { objectDigest } from "../../controller/definitions/canonical-json.js";
import type { ObjectKind, ObjectState } from "../../controller/definitions/object-state.js";
import { closeDatabase, openDatabase } from "../../controller/store/open-database.js";

const dirs: string[] = [];
const open: Database[] = [];

afterEach(() => {
  for (const db of open.splice(0)) closeDatabase(db);
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A fresh folder for this test, removed after it. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "nexaas-store-"));
  dirs.push(dir);
  return dir;
}

/** A fresh, migrated store in its own folder (in a subfolder, to exercise folder creation). */
export function freshDb(): { db: Database; path: string } {
  const path = join(tempDir(), "data", "nexaas.db");
  return { db: track(openDatabase(path)), path };
}

/** Closes `db` after the test. */
export function track(db: Database): Database {
  open.push(db);
  return db;
}

/** An object as desiredState() builds it: digest over {layer, spec}. */
export function object(kind: ObjectKind, name: string, spec: Record<string, unknown>, layer: "framework" | "workspace" = "workspace"): ObjectState {
  return { kind, name, layer, file: `${kind}s/${name}.yaml`, spec, digest: objectDigest(layer, spec) };
}

export const cronEvent = (name: string, extra: Record<string, unknown> = {}, expr = "0 9 * * *"): ObjectState =>
  object("event", name, { condition: { type: "cron", expr }, action: { type: "claude_chat", prompt: "hi" }, agent: "helper", origin: "events", ...extra });

export const at = (iso: string): Date => new Date(iso);
