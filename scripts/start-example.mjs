// `npm start`: runs the controller on workspace.example, offline, with an embedded SQLite
// file (workspace.example/data/nexaas.db). The status API never runs without a token, so
// the first run writes workspace.example/.env (git-ignored) with a random API_KEY, as
// `nexaas init` does for a new workspace.
import { randomBytes } from "node:crypto";
import { existsSync, writeFileSync } from "node:fs";
import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const workspace = join(root, "workspace.example");
const envFile = join(workspace, ".env");
if (!existsSync(envFile)) {
  writeFileSync(envFile, `# Written by npm start: bearer token of the status API.\nAPI_KEY=${randomBytes(32).toString("base64url")}\n`, { mode: 0o600 });
  process.stderr.write(`npm start: wrote ${envFile} with a random API_KEY (curl -H "Authorization: Bearer <API_KEY>" http://127.0.0.1:8400/api/status)\n`);
}
const child = spawn(process.execPath, [join(root, "bin/nexaas.js"), "start", "--workspace", workspace, ...process.argv.slice(2)], { stdio: "inherit" });
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
