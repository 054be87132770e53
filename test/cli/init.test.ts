import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { packageRoot } from "../../controller/package-root.js";
import { HOOK_MARKER } from "../../cli/support/install-hooks.js";
import { cli, git, gitResult, isolateGit, listFiles, tempDir } from "./helpers.js";

beforeAll(isolateGit);

const hasValidate = existsSync(join(packageRoot, "cli/validate.ts"));

function expectHooks(hooksDir: string, workspaceFromRoot: string): void {
  for (const name of ["pre-commit", "pre-push"]) {
    const path = join(hooksDir, name);
    const text = readFileSync(path, "utf8");
    expect(text).toContain(HOOK_MARKER);
    expect(text).toContain(`NEXAAS_WORKSPACE='${workspaceFromRoot}'`);
    expect(statSync(path).mode & 0o777).toBe(0o755);
  }
}

function expectEnv(dir: string): string {
  const path = join(dir, ".env");
  expect(statSync(path).mode & 0o777).toBe(0o600);
  const key = /^API_KEY=([A-Za-z0-9_-]+)$/m.exec(readFileSync(path, "utf8"))?.[1];
  expect(key).toBeDefined();
  expect(Buffer.from(key!, "base64url")).toHaveLength(32);
  return key!;
}

/** The modeline names a schema of schemas/ by its $id, a URL that is the same on every machine. */
function expectSchemaUrl(text: string, file: string): void {
  const url = /^# yaml-language-server: \$schema=(\S+)\n/.exec(text)?.[1];
  expect(url, file).toMatch(/^https:\/\/nexaas\.dev\/schemas\/[a-z-]+\.schema\.json$/);
  const schema = JSON.parse(readFileSync(join(packageRoot, "schemas", url!.split("/").at(-1)!), "utf8")) as { $id: string };
  expect(schema.$id).toBe(url);
}

describe("nexaas init (fresh)", () => {
  it("creates a small workspace, a git repository on main, .env, .gitignore and hooks", async () => {
    const parent = tempDir();
    const result = await cli(["init", "Acme Ops Team!"], parent);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const dir = join(parent, "Acme Ops Team!");

    expect(listFiles(dir)).toEqual([
      ".env",
      ".gitignore",
      "agents/assistant/config.yaml",
      "agents/assistant/prompt.md",
      "events/example.yaml",
      "nexaas.yaml",
    ]);
    const manifest = readFileSync(join(dir, "nexaas.yaml"), "utf8");
    expect(manifest).toMatch(/^name: acme-ops-team$/m);
    // Every YAML file starts with a modeline naming a schema by its $id: no path of this machine.
    for (const file of ["nexaas.yaml", "agents/assistant/config.yaml", "events/example.yaml"]) {
      expectSchemaUrl(readFileSync(join(dir, file), "utf8"), file);
    }

    expectEnv(dir);
    const gitignore = readFileSync(join(dir, ".gitignore"), "utf8").split("\n");
    expect(gitignore).toEqual(expect.arrayContaining([".env", "data/", "exports/"]));
    expect(git(dir, "check-ignore", ".env", "data/nexaas.db", "exports/x.patch").trim().split("\n")).toHaveLength(3);

    expect(git(dir, "rev-parse", "--show-toplevel").trim()).toBe(dir);
    expect(git(dir, "symbolic-ref", "HEAD").trim()).toBe("refs/heads/main");
    expect(gitResult(dir, "rev-parse", "--verify", "HEAD").status).not.toBe(0); // nothing committed
    expectHooks(join(dir, ".git/hooks"), ".");

    expect(result.stdout).toContain('Created workspace "acme-ops-team"');
    expect(result.stdout).toContain("Next steps:");
    expect(result.stdout).toContain('cd "Acme Ops Team!"');
  });

  it("defaults to the current folder when it is empty, and makes a new key each time", async () => {
    const a = tempDir("ops-");
    const b = tempDir("ops-");
    expect((await cli(["init"], a)).code).toBe(0);
    expect((await cli(["init", "--workspace", b], a)).code).toBe(0);
    expect(existsSync(join(a, "nexaas.yaml"))).toBe(true);
    expect(existsSync(join(b, "nexaas.yaml"))).toBe(true);
    expect(expectEnv(a)).not.toBe(expectEnv(b));
  });

  it.skipIf(!hasValidate)("makes a workspace that validates", async () => {
    const dir = join(tempDir(), "ops");
    expect((await cli(["init", dir], "/")).code).toBe(0);
    const result = await cli(["validate", "--workspace", dir], dir);
    expect(result.stdout + result.stderr).toContain("no problems");
    expect(result.code).toBe(0);
  });

  it("writes nothing that scan flags, even under a home folder", async () => {
    for (const example of [false, true]) {
      const dir = join(tempDir(), "home", "alice", "ops");
      mkdirSync(dir, { recursive: true });
      expect((await cli(["init", dir, ...(example ? ["--example"] : [])], "/")).code).toBe(0);
      const text = readFileSync(join(dir, "nexaas.yaml"), "utf8");
      expect(text).not.toContain(dir);
      expect(text).not.toContain("file://");
      const scan = await cli(["scan", "--workspace", dir, "--json", "nexaas.yaml", "events", "agents"], dir);
      // The example names its (fictional) company on purpose: that is identity data, not a path.
      const findings = (JSON.parse(scan.stdout) as { findings: { rule: string; line: number }[] }).findings;
      expect(findings.filter((f) => f.rule === "home-path" || f.line === 1)).toEqual([]);
      if (!example) expect(scan.code).toBe(0);
    }
  });

  it("gives machine output with --json", async () => {
    const parent = tempDir();
    const result = await cli(["init", "ops", "--json"], parent);
    expect(result.code).toBe(0);
    const out = JSON.parse(result.stdout) as { name: string; git_initialized: boolean; files: string[]; hooks: { status: string }[] };
    expect(out.name).toBe("ops");
    expect(out.git_initialized).toBe(true);
    expect(out.files).toContain("nexaas.yaml");
    expect(out.hooks.map((h) => h.status)).toEqual(["created", "created"]);
  });
});

describe("nexaas init --example", () => {
  it("copies the example workspace without runtime state or secrets", async () => {
    const parent = tempDir();
    const result = await cli(["init", "shop", "--example"], parent);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const dir = join(parent, "shop");
    const source = join(packageRoot, "workspace.example");
    const expected = listFiles(source).filter((f) => !/^(data|exports)\//.test(f) && !/(^|\/)(\.env|node_modules)(\/|$)/.test(f));
    expect(listFiles(dir)).toEqual([...new Set([...expected, ".env", ".gitignore"])].sort());
    expect(readFileSync(join(dir, "nexaas.yaml"), "utf8")).toContain("name:");
    expectEnv(dir);
    expect(readFileSync(join(dir, ".gitignore"), "utf8").split("\n")).toEqual(expect.arrayContaining([".env", "data/", "exports/"]));
    // Relative modelines into the product's schemas/ are repointed at the schemas' $id.
    let modelines = 0;
    for (const file of listFiles(dir).filter((f) => /\.ya?ml$/.test(f))) {
      const text = readFileSync(join(dir, file), "utf8");
      if (!text.startsWith("# yaml-language-server:")) continue;
      expectSchemaUrl(text, file);
      modelines += 1;
    }
    expect(modelines).toBeGreaterThan(10);
    expect(git(dir, "symbolic-ref", "HEAD").trim()).toBe("refs/heads/main");
    expectHooks(join(dir, ".git/hooks"), ".");
  });

  it.skipIf(!hasValidate)("makes a workspace that validates", async () => {
    const dir = join(tempDir(), "shop");
    expect((await cli(["init", dir, "--example"], "/")).code).toBe(0);
    const result = await cli(["validate", "--workspace", dir], dir);
    expect(result.stdout + result.stderr).not.toMatch(/\berror\b/);
    expect(result.code).toBe(0);
  });
});

describe("nexaas init refuses and writes nothing", () => {
  it("when the folder is not empty", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "notes.txt"), "mine\n");
    const result = await cli(["init", dir], "/");
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("is not empty (notes.txt)");
    expect(result.stderr).toContain("nothing was written");
    expect(listFiles(dir)).toEqual(["notes.txt"]);
    expect(existsSync(join(dir, ".git"))).toBe(false);
  });

  it("when the folder already holds a workspace", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "nexaas.yaml"), "name: mine\n");
    const result = await cli(["init", "--example"], dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("already holds a workspace");
    expect(listFiles(dir)).toEqual(["nexaas.yaml"]);
    expect(readFileSync(join(dir, "nexaas.yaml"), "utf8")).toBe("name: mine\n");
  });

  it("when DIR is a file", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "ops"), "");
    const result = await cli(["init", "ops"], dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("is not a folder");
    expect(listFiles(dir)).toEqual(["ops"]);
  });

  it("with a usage error for two folders", async () => {
    const dir = tempDir();
    const result = await cli(["init", "a", "b"], dir);
    expect(result.code).toBe(2);
    expect(listFiles(dir)).toEqual([]);
  });
});

describe("nexaas init inside an existing repository", () => {
  it("accepts a clone of an empty repository (only .git) without re-initialising it", async () => {
    const dir = tempDir();
    git(dir, "init", "-q", "-b", "trunk");
    const result = await cli(["init"], dir);
    expect(result.code).toBe(0);
    expect(git(dir, "symbolic-ref", "HEAD").trim()).toBe("refs/heads/trunk");
    expectHooks(join(dir, ".git/hooks"), ".");
  });

  it("makes a subfolder workspace in a monorepo and installs the hooks into that repository", async () => {
    const repo = tempDir();
    git(repo, "init", "-q");
    mkdirSync(join(repo, "teams"));
    const result = await cli(["init", "teams/ops"], repo);
    expect(result.code).toBe(0);
    expect(existsSync(join(repo, "teams/ops/.git"))).toBe(false);
    expect(existsSync(join(repo, "teams/ops/nexaas.yaml"))).toBe(true);
    expectHooks(join(repo, ".git/hooks"), "teams/ops");
    expect(result.stdout).toContain("workspace folder teams/ops");
  });

  it("leaves someone else's hook alone and says how to replace it", async () => {
    const repo = tempDir();
    git(repo, "init", "-q");
    writeFileSync(join(repo, ".git/hooks/pre-commit"), "#!/bin/sh\necho theirs\n", { mode: 0o755 });
    const result = await cli(["init", "ops"], repo);
    expect(result.code).toBe(0);
    expect(readFileSync(join(repo, ".git/hooks/pre-commit"), "utf8")).toBe("#!/bin/sh\necho theirs\n");
    expect(readFileSync(join(repo, ".git/hooks/pre-push"), "utf8")).toContain(HOOK_MARKER);
    expect(result.stdout).toContain("nexaas hooks install --force");
  });
});
