// SPEC §7: the status API answers at least 5,000 req/s on /api/health, and /api/events with
// 10,000 events has p99 under 50 ms. The server (dist/, a real SQLite file holding a reconciled
// 10,000-definition workspace) runs in this process; autocannon loads it from a second process
// on loopback, as a user's load tool would.
import { spawn } from "node:child_process";
import { join } from "node:path";
import { writeWorkspace } from "./generate-workspace.mjs";
import { git, goal, loadNexaas, repoRoot, table, tempDir } from "./lib.mjs";

const { openDatabase, closeDatabase } = await loadNexaas("store/open-database.js");
const { reconcile } = await loadNexaas("reconcile/reconcile.js");
const { buildServer } = await loadNexaas("api/build-server.js");
const { sqliteSql } = await loadNexaas("store/sql/sqlite-sql.js");

const dir = tempDir("api");
const ws = join(dir, "ws");
writeWorkspace(ws, 10);
git(ws, ["init", "-q", "-b", "main"]);
git(ws, ["add", "-A"]);
git(ws, ["-c", "user.name=bench", "-c", "user.email=bench@example.invalid", "commit", "-qm", "10k"]);
const db = openDatabase(join(dir, "nexaas.db"));
const applied = await reconcile(sqliteSql(db), { dir: ws });
if (applied.result !== "applied") throw new Error(`reconcile: ${applied.result}`);
const events = db.prepare("SELECT count(*) AS n FROM events").get().n;

const apiKey = "bench-key";
const app = await buildServer({ sql: sqliteSql(db), apiKey, env: {} });
const address = await app.listen({ port: 0, host: "127.0.0.1" });
const cannon = join(repoRoot, "node_modules", ".bin", "autocannon");

function hammer(path, { connections = 20, seconds = 8, auth = true } = {}) {
  const args = ["-j", "-c", String(connections), "-d", String(seconds), ...(auth ? ["-H", `Authorization=Bearer ${apiKey}`] : []), `${address}${path}`];
  // Asynchronous child so this process keeps serving while autocannon runs.
  return new Promise((resolve, reject) => {
    const child = spawnAsync(cannon, args);
    child.then((out) => {
      const r = JSON.parse(out);
      if (r.non2xx > 0 || r.errors > 0) reject(new Error(`${path}: ${r.non2xx} non-2xx, ${r.errors} errors`));
      else resolve(r);
    }, reject);
  });
}

function spawnAsync(cmd, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (c) => (out += c));
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve(out) : reject(new Error(`autocannon exited ${code}`))));
  });
}

const health = await hammer("/api/health", { auth: false });
// The list is paged (limit default 100, x-next-after cursor); a page of a 10,000-event store.
const list = await hammer("/api/events", { connections: 4, seconds: 8 });
const deep = await hammer(`/api/events?after=${encodeURIComponent("event-5000")}&limit=100`, { connections: 4, seconds: 8 });
await app.close();
closeDatabase(db);

console.log(`${events} events in the store (goal's 10,000 definitions: 6,000 events and the rest); autocannon from a second process on loopback`);
table(
  ["route", "connections", "req/s (avg)", "p50 ms", "p99 ms"],
  [
    ["/api/health", 20, Math.round(health.requests.average), health.latency.p50, health.latency.p99],
    ["/api/events (first page of 100)", 4, Math.round(list.requests.average), list.latency.p50, list.latency.p99],
    ["/api/events (a page mid-way)", 4, Math.round(deep.requests.average), deep.latency.p50, deep.latency.p99],
  ],
);
const rps = Math.round(health.requests.average);
console.log(`goal: /api/health ${rps} req/s >= 5000 req/s: ${rps >= 5000 ? "met" : "MISSED"}`);
goal("/api/events p99 with 10,000 events (a page mid-way)", Math.max(list.latency.p99, deep.latency.p99), 50, " ms");
