import { readdirSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { packageRoot } from "../../controller/package-root.js";
import type { RunnableCommand } from "../../cli/support/command.js";
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
