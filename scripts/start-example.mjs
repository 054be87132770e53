// `npm start`: runs the controller on workspace.example, offline, with an embedded SQLite
// file (workspace.example/data/nexaas.db). The status API never runs without a token, so
// the first run writes workspace.example/.env (git-ignored) with a random API_KEY, as
// `nexaas init` does for a new workspace.
//
// The controller runs in this process, not in a child: SIGINT (Ctrl-C) and SIGTERM sent to
// npm reach it as they reach any foreground process, and nothing is left holding the port or
// the database when npm exits.
import { randomBytes } from "node:crypto";
import { existsSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const workspace = join(root, "workspace.example");
const envFile = join(workspace, ".env");
if (!existsSync(envFile)) {
  writeFileSync(envFile, `# Written by npm start: bearer token of the status API.\nAPI_KEY=${randomBytes(32).toString("base64url")}\n`, { mode: 0o600 });
  process.stderr.write(`npm start: wrote ${envFile} with a random API_KEY (curl -H "Authorization: Bearer <API_KEY>" http://127.0.0.1:8400/api/status)\n`);
}

// Ctrl-C reaches this process twice: from the terminal (the whole foreground group) and
// forwarded by npm. The controller stops at the first; a second one within a second is that
// echo, not a request to stop harder, so it must not kill a graceful stop halfway.
let firstSignalAt = 0;
const swallowEcho = (signal) => {
  const now = Date.now();
  if (firstSignalAt === 0) firstSignalAt = now;
  else if (now - firstSignalAt > 1000) process.exit(signal === "SIGINT" ? 130 : 143);
};
process.on("SIGINT", swallowEcho);
process.on("SIGTERM", swallowEcho);

const { main } = await import(pathToFileURL(join(root, "dist/cli/main.js")).href);
process.exitCode = await main(["start", "--workspace", workspace, ...process.argv.slice(2)]);
