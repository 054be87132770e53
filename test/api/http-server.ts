import { join } from "node:path";
import type { Database } from "better-sqlite3";
import type { FastifyInstance } from "fastify";
import { hashApiToken, newApiToken } from "../../controller/api/api-token.js";
import { buildServer, type ServerDeps } from "../../controller/api/build-server.js";
import type { Clock } from "../../controller/clock.js";
import { createApiToken } from "../../controller/store/create-api-token.js";
import { sqliteSql } from "../../controller/store/sql/sqlite-sql.js";
import type { Sql } from "../../controller/store/sql/sql.js";
import { openDatabase } from "../../controller/store/open-database.js";
import { tempDir } from "../cli/helpers.js";

export const apiKey = "k-admin-test-key";

/** A clock the test moves by hand. */
export function handClock(start: string): Clock & { advance(ms: number): void } {
  let now = new Date(start).getTime();
  return {
    now: () => new Date(now),
    advance: (ms) => (now += ms),
    setTimeout: () => 0,
    clearTimeout: () => {},
    setInterval: () => 0,
    clearInterval: () => {},
  };
}

export interface HttpServer {
  db: Database;
  /** The Sql the server was given over `db`. */
  sql: Sql;
  app: FastifyInstance;
  clock: ReturnType<typeof handClock>;
  /** The server's pino lines, as written. */
  logs: string[];
  /** fetch against the listening server: `path` like "/api/status". */
  get(path: string, headers?: Record<string, string>): Promise<Response>;
  request(method: string, path: string, init?: { headers?: Record<string, string>; body?: unknown }): Promise<Response>;
  /** A named token made as `nexaas tokens create` makes one. */
  token(name: string, expiresAt?: Date | null): Promise<string>;
  close(): Promise<void>;
}

/** The API listening on 127.0.0.1 port 0 over a fresh SQLite file, its logs captured. */
export async function httpServer(deps: Partial<ServerDeps> = {}): Promise<HttpServer> {
  const db = openDatabase(join(tempDir(), "nexaas.db"));
  const sql = sqliteSql(db);
  const clock = handClock("2026-11-23T10:00:00.000Z");
  const logs: string[] = [];
  const app = await buildServer({
    sql,
    apiKey,
    env: {},
    clock,
    uiDir: null,
    logger: { level: "info", stream: { write: (line: string) => logs.push(line) } },
    ...deps,
  });
  const base = await app.listen({ port: 0, host: "127.0.0.1" });
  const request: HttpServer["request"] = (method, path, init = {}) =>
    fetch(base + path, {
      method,
      headers: { ...(init.body !== undefined ? { "content-type": "application/json" } : {}), ...init.headers },
      ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
      redirect: "manual",
    });
  return {
    db,
    sql,
    app,
    clock,
    logs,
    get: (path, headers = {}) => request("GET", path, { headers }),
    request,
    async token(name, expiresAt = null) {
      const token = newApiToken();
      await createApiToken(sql, { name, tokenHash: hashApiToken(token), createdAt: clock.now(), expiresAt });
      return token;
    },
    async close() {
      await app.close();
      db.close();
    },
  };
}

export const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });
