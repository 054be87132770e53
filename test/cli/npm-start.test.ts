import { type ChildProcess, spawn } from "node:child_process";
import { copyFileSync, cpSync, mkdirSync, symlinkSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import Sqlite from "better-sqlite3";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { packageRoot } from "../../controller/package-root.js";
import { git, gitIdentity, isolateGit, tempDir } from "./helpers.js";

/**
 * `npm start` as a user runs it, in a copy of the product (scripts/, the built dist/ and
 * workspace.example in a git repository of their own), so the product's own example keeps
 * no .env or database from a test. SIGTERM or SIGINT to the process that the user started
 * must stop the controller, free the port and release the database's lock.
 */

const started = new Set<ChildProcess>();

afterEach(() => {
  for (const child of started) {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
    } catch {
      // Gone already.
    }
  }
  started.clear();
});

beforeAll(isolateGit);

function productCopy(): { root: string; db: string } {
  const root = tempDir("nexaas-npm-start-");
  mkdirSync(join(root, "scripts"));
  copyFileSync(join(packageRoot, "scripts/start-example.mjs"), join(root, "scripts/start-example.mjs"));
  copyFileSync(join(packageRoot, "package.json"), join(root, "package.json"));
  symlinkSync(join(packageRoot, "dist"), join(root, "dist"));
  cpSync(join(packageRoot, "workspace.example"), join(root, "workspace.example"), { recursive: true });
  git(root, "init", "-q");
  gitIdentity(root);
  git(root, "add", "workspace.example");
  git(root, "commit", "-qm", "example");
  return { root, db: join(tempDir("nexaas-npm-start-db-"), "nexaas.db") };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

async function portFree(port: number): Promise<boolean> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

/** Spawns `command` in its own process group and resolves once the status API listens. */
async function run(command: string, args: string[], cwd: string, db: string, port: number): Promise<{ child: ChildProcess; exit: Promise<number | null>; output: () => string }> {
  const child = spawn(command, args, {
    cwd,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, DATABASE_PATH: db, PORT: String(port), LOG_FORMAT: "json", LOG_LEVEL: "info", ANTHROPIC_API_KEY: "" },
  });
  started.add(child);
  let output = "";
  const exit = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not listening within 30 s:\n${output}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("status API listening")) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    void exit.then((code) => {
      clearTimeout(timer);
      reject(new Error(`exited (${code}) before listening:\n${output}`));
    });
  });
  return { child, exit, output: () => output };
}

function lockHolders(db: string): number {
  const sqlite = new Sqlite(db, { readonly: true });
  try {
    return sqlite.prepare("SELECT count(*) FROM controller_lock").pluck().get() as number;
  } finally {
    sqlite.close();
  }
}

async function exitWithin(exit: Promise<number | null>, ms: number, output: () => string): Promise<number | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`still running ${ms} ms after the signal:\n${output()}`)), ms)));
  try {
    return await Promise.race([exit, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

describe("npm start", () => {
  it.each(["SIGTERM", "SIGINT"] as const)("scripts/start-example.mjs stops on %s, freeing the port and the lock", async (signal) => {
    const { root, db } = productCopy();
    const port = await freePort();
    const { child, exit, output } = await run(process.execPath, ["scripts/start-example.mjs"], root, db, port);
    expect(await portFree(port)).toBe(false);
    expect(lockHolders(db)).toBe(1);
    child.kill(signal);
    expect(await exitWithin(exit, 15_000, output)).toBe(0);
    expect(await portFree(port)).toBe(true);
    expect(lockHolders(db)).toBe(0);
  }, 60_000);

  it("SIGTERM to npm itself stops the controller", async () => {
    const { root, db } = productCopy();
    const port = await freePort();
    const { child, exit, output } = await run("npm", ["start", "--silent"], root, db, port);
    child.kill("SIGTERM");
    await exitWithin(exit, 15_000, output);
    // npm has gone; the controller it ran must be gone too, not left holding the port.
    const deadline = Date.now() + 5_000;
    while (!(await portFree(port)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(await portFree(port)).toBe(true);
    expect(lockHolders(db)).toBe(0);
  }, 60_000);
});
