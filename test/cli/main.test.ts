import { readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { main, reportError } from "../../cli/main.js";
import type { RunnableCommand } from "../../cli/support/command.js";
import { DuringError } from "../../cli/support/errors.js";
import { packageRoot } from "../../controller/package-root.js";
import { acquireLock } from "../../controller/store/controller-lock.js";
import { openDatabase } from "../../controller/store/open-database.js";
import { gitWorkspace } from "../support/git-workspace.js";
import { baseWorkspace, writeTree } from "../support/tree.js";
import { cli, isolateGit, tempDir } from "./helpers.js";

beforeAll(() => isolateGit());

/** Every command file: cli/ holds one file per command, and main.ts. */
const commandNames = readdirSync(join(packageRoot, "cli"))
  .filter((f) => f.endsWith(".ts") && f !== "main.ts")
  .map((f) => f.replace(/\.ts$/, ""));

describe("nexaas --help", () => {
  it("lists every command with the summary its own file declares", async () => {
    const help = await cli(["--help"], tempDir());
    expect(help.code).toBe(0);
    const listed = new Map<string, string>();
    for (const line of help.stdout.split("\n")) {
      const match = /^ {2}([a-z]+) +(\S.*)$/.exec(line);
      if (match?.[1] && match[2]) listed.set(match[1], match[2]);
    }
    const declared = new Map<string, string>();
    for (const name of commandNames) {
      const { command } = (await import(/* @vite-ignore */ join(packageRoot, "cli", `${name}.ts`))) as { command: RunnableCommand };
      declared.set(name, command.summary);
    }
    expect(listed).toEqual(declared);
  });

  it("fits each command's line in 80 columns", async () => {
    const { stdout } = await cli(["--help"], tempDir());
    const commandLines = stdout.split("\n").filter((line) => commandNames.some((name) => line.startsWith(`  ${name} `)));
    expect(commandLines).toHaveLength(commandNames.length);
    for (const line of commandLines) expect(line.length, line).toBeLessThanOrEqual(80);
  });

  it("without a command prints the help and exits 2; an unknown command (even an Object method's name) is a usage error", async () => {
    const none = await cli([], tempDir());
    expect(none.code).toBe(2);
    expect(none.stdout).toContain("  validate ");
    for (const name of ["frobnicate", "constructor", "toString"]) {
      const r = await cli([name], tempDir());
      expect(r.code, name).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`^nexaas: unknown command "${name}"\\n`));
    }
  });
});

/** Each known error is one line on stderr: no stack, no git usage dump. */
const oneLine = (stderr: string): string => {
  expect(stderr).not.toMatch(/\n\s+at /);
  expect(stderr.endsWith("\n") && !stderr.slice(0, -1).includes("\n"), stderr).toBe(true);
  return stderr;
};

describe("one error mapping, in main.ts", () => {
  it("SourceError: plan in a folder that is not a git repository", async () => {
    const dir = tempDir();
    writeTree(dir, baseWorkspace);
    const r = await cli(["plan"], dir);
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr)).toBe(`nexaas plan: ${dir} is not inside a git repository: run \`git init\` and commit the workspace\n`);
  });

  it("GitError: git's first line, after what the command was doing (scan --staged used to dump git's usage)", async () => {
    const dir = tempDir();
    writeTree(dir, baseWorkspace);
    const validate = await cli(["validate", "--staged"], dir);
    expect(validate.code).toBe(1);
    expect(oneLine(validate.stderr)).toMatch(/^nexaas validate: --staged reads the git index: git ls-files failed in .*not a git repository/);
    const scan = await cli(["scan", "--staged"], dir);
    expect(scan.code).toBe(1);
    expect(oneLine(scan.stderr)).toMatch(/^nexaas scan: --staged reads the git index: git /);
  });

  it("StoreError: status --db on a file that is not a Nexaas database", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "notes.txt"), "not a database\n");
    const r = await cli(["status", "--db", "notes.txt"], dir);
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr)).toBe(`nexaas status: ${join(dir, "notes.txt")} is not a SQLite database: pass --db with another path, or move the file away\n`);
  });

  it("ControllerLockedError: start on a database another controller owns", async () => {
    const ws = gitWorkspace(baseWorkspace);
    const path = join(tempDir(), "n.db");
    const db = openDatabase(path);
    expect(acquireLock(db, "other", new Date(), 180_000)).toMatchObject({ ok: true });
    try {
      let stderr = "";
      const code = await main(["start", "--db", path, "--port", "0"], {
        cwd: ws.dir,
        env: { ...process.env, API_KEY: "test-key", LOG_LEVEL: "silent" },
        stdout: () => {},
        stderr: (t) => (stderr += t),
      });
      expect(code).toBe(1);
      expect(oneLine(stderr)).toMatch(/^nexaas start: another controller owns this database: pid \d+ on .*; stop it first/);
    } finally {
      db.close();
    }
  });

  it("CommandError and UsageError: one line; a usage error adds the command's help and exits 2", async () => {
    const dir = tempDir();
    const missing = await cli(["events", "--db", join(dir, "none.db")], dir);
    expect(missing.code).toBe(1);
    expect(oneLine(missing.stderr)).toMatch(/^nexaas events: no database at /);
    for (const argv of [["runs", "--limit", "0"], ["runs", "--bogus"]]) {
      const r = await cli(argv, dir);
      expect(r.code, argv.join(" ")).toBe(2);
      const [first, blank, usage] = r.stderr.split("\n");
      expect(first).toMatch(/^nexaas runs: \S/);
      expect([blank, usage]).toEqual(["", expect.stringMatching(/^Usage: nexaas runs /)]);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it("an unknown error is a bug: its stack and cause are printed", async () => {
    let stderr = "";
    const command = { summary: "", help: "", run: async () => 0 };
    const bug = new TypeError("x is undefined", { cause: new Error("the root") });
    expect(await reportError(new DuringError("--staged reads the git index", bug), "validate", command, (t) => (stderr += t), 2)).toBe(1);
    expect(stderr).toMatch(/^nexaas validate: --staged reads the git index: unexpected error\nTypeError: x is undefined\n\s+at /);
    expect(stderr).toContain("caused by: Error: the root\n");
  });
});
