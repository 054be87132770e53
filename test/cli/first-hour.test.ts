import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { commandSpecs } from "../../cli/main.js";
import { cli, git, gitIdentity, isolateGit, tempDir } from "./helpers.js";

beforeAll(isolateGit);

interface DoctorCheck {
  name: string;
  status: "ok" | "warn" | "fail";
  message: string;
  fix?: string;
}

const doctor = async (dir: string, extra: string[] = []) => {
  const result = await cli(["doctor", "--json", "--port", "0", ...extra], dir);
  const report = JSON.parse(result.stdout) as { ok: boolean; checks: DoctorCheck[] };
  return { code: result.code, report, check: (name: string) => report.checks.find((c) => c.name === name) };
};

describe("framework/playbooks/initial-setup.md, step by step", () => {
  it("init, doctor, validate, plan before the first commit, commit, apply, status", async () => {
    const dir = join(tempDir(), "ops");
    expect((await cli(["init", dir], "/")).code).toBe(0);
    gitIdentity(dir);
    const first = await doctor(dir);
    expect(first.check("git")).toMatchObject({ status: "warn", message: expect.stringContaining("no commit yet") });
    expect(first.check("API_KEY")?.status).toBe("ok"); // init wrote a strong one
    expect((await cli(["validate"], dir)).code).toBe(0);
    const plan = await cli(["plan", "--json"], dir);
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stderr).toContain("no commit yet");
    expect((JSON.parse(plan.stdout) as { changes: { name: string; op: string }[] }).changes).toEqual(expect.arrayContaining([expect.objectContaining({ name: "example", op: "create" })]));
    git(dir, "add", "-A");
    git(dir, "commit", "-qm", "Initial workspace");
    expect((await cli(["apply"], dir)).code).toBe(0);
    expect((await cli(["status"], dir)).code).toBe(0);
    expect((await doctor(dir)).check("database")?.status).toBe("ok");
  }, 60_000);
});

describe("nexaas doctor", () => {
  it("fails on a weak API_KEY, an unset ${NAME}, a missing model key, an MCP command not on PATH and a taken port, saying what to fix", async () => {
    const dir = join(tempDir(), "ops");
    expect((await cli(["init", dir], "/")).code).toBe(0);
    writeFileSync(join(dir, ".env"), "API_KEY=short\n");
    writeFileSync(join(dir, "events/ping.yaml"), 'condition: {type: interval, expr: 1h}\naction: {type: webhook, url: "${DOCTOR_TEST_HOOK_URL}"}\n');
    writeFileSync(join(dir, "events/chat.yaml"), "condition: {type: interval, expr: 1h}\naction: {type: claude_chat, prompt: hello}\n");
    mkdirSync(join(dir, "mcp-servers"));
    writeFileSync(join(dir, "mcp-servers/tools.yaml"), "description: Tools.\ntype: stdio\ncommand: nexaas-no-such-command\n");
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, "127.0.0.1", resolve));
    const port = (busy.address() as { port: number }).port;
    try {
      const saved = process.env.ANTHROPIC_API_KEY;
      delete process.env.ANTHROPIC_API_KEY;
      const result = await cli(["doctor", "--json", "--port", String(port)], dir);
      if (saved !== undefined) process.env.ANTHROPIC_API_KEY = saved;
      expect(result.code).toBe(1);
      const checks = (JSON.parse(result.stdout) as { checks: DoctorCheck[] }).checks;
      const by = (name: string) => checks.find((c) => c.name === name);
      expect(by("API_KEY")).toMatchObject({ status: "fail", fix: expect.stringContaining("randomBytes(32)") });
      expect(by("variables")).toMatchObject({ status: "fail", message: expect.stringContaining("DOCTOR_TEST_HOOK_URL (events/ping)") });
      expect(by("model key")).toMatchObject({ status: "fail", message: expect.stringContaining("ANTHROPIC_API_KEY") });
      expect(by("mcp servers")).toMatchObject({ status: "fail", message: expect.stringContaining("nexaas-no-such-command") });
      expect(by("port")).toMatchObject({ status: "fail", message: `127.0.0.1:${port} is in use` });
      expect(by("node")?.status).toBe("ok");
      const text = await cli(["doctor", "--port", String(port)], dir);
      expect(text.stdout).toMatch(/^fail {2}API_KEY/m);
      expect(text.stdout).toContain("fix: ");
    } finally {
      await new Promise((resolve) => busy.close(resolve));
    }
  });

  it("checks the database: integrity, migrations and the lock's owner", async () => {
    const dir = join(tempDir(), "ops");
    expect((await cli(["init", dir], "/")).code).toBe(0);
    gitIdentity(dir);
    git(dir, "add", "-A");
    git(dir, "commit", "-qm", "init");
    const db = join(tempDir(), "n.db");
    expect((await cli(["apply", "--db", db], dir)).code).toBe(0);
    expect((await doctor(dir, ["--db", db])).check("database")).toMatchObject({ status: "ok", message: expect.stringContaining("migrations current") });
    const notNexaas = join(tempDir(), "other.db");
    spawnSync(process.execPath, ["-e", `const S=require(${JSON.stringify(require.resolve("better-sqlite3"))}); new S(${JSON.stringify(notNexaas)}).exec("CREATE TABLE t (x)")`]);
    const other = await doctor(dir, ["--db", notNexaas]);
    expect(other.code).toBe(1);
    expect(other.check("database")).toMatchObject({ status: "fail", message: expect.stringContaining("not a Nexaas database") });
  });
});

describe("nexaas version and completion", () => {
  it("version prints nexaas's, Node's and SQLite's versions", async () => {
    const result = await cli(["version", "--json"], tempDir());
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ version: expect.stringMatching(/^\d+\.\d+\.\d+/), node: process.versions.node, sqlite: expect.stringMatching(/^3\.\d+/) });
    expect((await cli(["version"], tempDir())).stdout).toMatch(/^nexaas \d+\.\d+\.\d+/);
  });

  it("completion scripts name every command of main.ts and its flags; bash parses its script", async () => {
    const specs = await commandSpecs();
    expect(specs.map((s) => s.name)).toEqual(expect.arrayContaining(["doctor", "version", "completion", "validate", "hooks"]));
    for (const shell of ["bash", "zsh", "fish"]) {
      const result = await cli(["completion", shell], tempDir());
      expect(result.code).toBe(0);
      for (const spec of specs) expect(result.stdout, `${shell} ${spec.name}`).toContain(spec.name);
      expect(result.stdout).toContain(shell === "fish" ? "-l staged" : "--staged");
      expect(result.stdout).toContain("uninstall");
    }
    const bash = await cli(["completion", "bash"], tempDir());
    const file = join(tempDir(), "nexaas.bash");
    writeFileSync(file, bash.stdout);
    const check = spawnSync("bash", ["-c", `source ${JSON.stringify(file)} && COMP_WORDS=(nexaas vali) COMP_CWORD=1 && _nexaas && echo "\${COMPREPLY[*]}" && COMP_WORDS=(nexaas hooks "") COMP_CWORD=2 && _nexaas && echo "\${COMPREPLY[*]}"`], { encoding: "utf8" });
    expect(check.stderr).toBe("");
    expect(check.stdout.split("\n")).toEqual(["validate", "install uninstall", ""]);
    expect((await cli(["completion", "tcsh"], tempDir())).code).toBe(2);
  });
});
