import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { HOOK_MARKER } from "../../cli/support/install-hooks.js";
import { packageRoot } from "../../controller/package-root.js";
import { cli, git, isolateGit, tempDir } from "./helpers.js";

beforeAll(isolateGit);

/** A git repository whose top level is a (minimal) workspace. */
function workspaceRepo(): string {
  const dir = tempDir();
  git(dir, "init", "-q");
  writeFileSync(join(dir, "nexaas.yaml"), "name: ops\n");
  return dir;
}

const read = (path: string): string => readFileSync(path, "utf8");
const foreign = "#!/bin/sh\necho 'their own hook'\n";

describe("nexaas hooks install", () => {
  it("installs executable pre-commit and pre-push hooks built from the templates", async () => {
    const dir = workspaceRepo();
    const result = await cli(["hooks", "install"], dir);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("installed pre-commit hook: .git/hooks/pre-commit");
    for (const name of ["pre-commit", "pre-push"]) {
      const path = join(dir, ".git/hooks", name);
      const text = read(path);
      const lines = text.split("\n");
      expect(lines[0]).toBe("#!/bin/sh");
      expect(lines[1]).toContain(HOOK_MARKER);
      expect(text).toContain(`NEXAAS_NODE='${process.execPath}'`);
      expect(text).toContain(`NEXAAS_BIN='${join(packageRoot, "bin", "nexaas.js")}'`);
      expect(text).toContain("NEXAAS_WORKSPACE='.'");
      // The rest of the template follows unchanged.
      expect(text.endsWith(read(join(packageRoot, "hooks", name)).split("\n").slice(2).join("\n"))).toBe(true);
      expect(statSync(path).mode & 0o777).toBe(0o755);
    }
    expect(read(join(dir, ".git/hooks/pre-commit"))).toContain("validate --staged");
    // One Node start per commit: validate and the secrets scan in one process.
    expect(read(join(dir, ".git/hooks/pre-commit")).match(/^nexaas_run /gm)).toEqual(["nexaas_run "]);
  });

  it("is idempotent", async () => {
    const dir = workspaceRepo();
    await cli(["hooks", "install"], dir);
    const before = read(join(dir, ".git/hooks/pre-commit"));
    const again = await cli(["hooks", "install", "--json"], dir);
    expect(again.code).toBe(0);
    const out = JSON.parse(again.stdout) as { workspace: string; hooks: { name: string; status: string }[] };
    expect(out.workspace).toBe(".");
    expect(out.hooks.map((h) => [h.name, h.status])).toEqual([
      ["pre-commit", "unchanged"],
      ["pre-push", "unchanged"],
    ]);
    expect(read(join(dir, ".git/hooks/pre-commit"))).toBe(before);
    expect(readdirSync(join(dir, ".git/hooks")).filter((f) => !f.endsWith(".sample"))).toEqual(["pre-commit", "pre-push"]);
  });

  it("updates a hook it installed earlier", async () => {
    const dir = workspaceRepo();
    writeFileSync(join(dir, ".git/hooks/pre-push"), `#!/bin/sh\n# ${HOOK_MARKER}: pre-push\nold version\n`);
    const result = await cli(["hooks", "install"], dir);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("updated pre-push hook");
    expect(read(join(dir, ".git/hooks/pre-push"))).not.toContain("old version");
  });

  it("refuses to overwrite someone else's hook, and then writes nothing", async () => {
    const dir = workspaceRepo();
    writeFileSync(join(dir, ".git/hooks/pre-commit"), foreign, { mode: 0o755 });
    const result = await cli(["hooks", "install"], dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(".git/hooks/pre-commit exists and was not installed by nexaas");
    expect(result.stderr).toContain("--force");
    expect(read(join(dir, ".git/hooks/pre-commit"))).toBe(foreign);
    expect(existsSync(join(dir, ".git/hooks/pre-push"))).toBe(false);
  });

  it("with --force replaces it and keeps a backup, without losing an earlier backup", async () => {
    const dir = workspaceRepo();
    const hook = join(dir, ".git/hooks/pre-commit");
    writeFileSync(hook, foreign, { mode: 0o755 });
    const result = await cli(["hooks", "install", "--force"], dir);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("the previous hook is kept as .git/hooks/pre-commit.backup");
    expect(read(`${hook}.backup`)).toBe(foreign);
    expect(read(hook)).toContain(HOOK_MARKER);

    // Installed again with --force: ours now, so nothing is backed up twice.
    expect((await cli(["hooks", "install", "--force"], dir)).code).toBe(0);
    expect(existsSync(`${hook}.backup.1`)).toBe(false);

    writeFileSync(hook, "#!/bin/sh\necho second\n");
    expect((await cli(["hooks", "install", "--force"], dir)).code).toBe(0);
    expect(read(`${hook}.backup`)).toBe(foreign);
    expect(read(`${hook}.backup.1`)).toBe("#!/bin/sh\necho second\n");
  });

  it("honours core.hooksPath", async () => {
    const dir = workspaceRepo();
    git(dir, "config", "core.hooksPath", ".githooks");
    expect((await cli(["hooks", "install"], dir)).code).toBe(0);
    expect(read(join(dir, ".githooks/pre-commit"))).toContain(HOOK_MARKER);
    expect(existsSync(join(dir, ".git/hooks/pre-commit"))).toBe(false);
  });

  it("installs into the repository of a subfolder workspace, with its relative path", async () => {
    const repo = tempDir();
    git(repo, "init", "-q");
    mkdirSync(join(repo, "teams/ops"), { recursive: true });
    writeFileSync(join(repo, "teams/ops/nexaas.yaml"), "name: ops\n");
    const result = await cli(["hooks", "install", "--workspace", "teams/ops"], repo);
    expect(result.code).toBe(0);
    expect(read(join(repo, ".git/hooks/pre-commit"))).toContain("NEXAAS_WORKSPACE='teams/ops'");
  });

  it("installs into a linked worktree's repository hooks", async () => {
    const main = workspaceRepo();
    git(main, "-c", "user.name=t", "-c", "user.email=t@example.invalid", "add", "nexaas.yaml");
    git(main, "-c", "user.name=t", "-c", "user.email=t@example.invalid", "commit", "-qm", "init");
    const linked = join(tempDir(), "linked");
    git(main, "worktree", "add", "-q", linked);
    expect((await cli(["hooks", "install"], linked)).code).toBe(0);
    // Hooks are shared by all worktrees: they live in the main repository's hooks folder.
    expect(read(join(main, ".git/hooks/pre-commit"))).toContain(HOOK_MARKER);
  });

  it("fails clearly outside a workspace or outside git", async () => {
    const noManifest = tempDir();
    git(noManifest, "init", "-q");
    const a = await cli(["hooks", "install"], noManifest);
    expect(a.code).toBe(1);
    expect(a.stderr).toContain("has no nexaas.yaml");

    const noGit = tempDir();
    writeFileSync(join(noGit, "nexaas.yaml"), "name: ops\n");
    const b = await cli(["hooks", "install"], noGit);
    expect(b.code).toBe(1);
    expect(b.stderr).toContain("is not inside a git work tree");
  });

  it("treats anything but `install` or `uninstall` as a usage error", async () => {
    const dir = workspaceRepo();
    for (const argv of [["hooks"], ["hooks", "remove"], ["hooks", "install", "extra"], ["hooks", "uninstall", "--force"]]) {
      const result = await cli(argv, dir);
      expect(result.code, argv.join(" ")).toBe(2);
      expect(result.stderr).toContain("Usage: nexaas hooks install");
    }
    expect(existsSync(join(dir, ".git/hooks/pre-commit"))).toBe(false);
  });
});

describe("nexaas hooks uninstall", () => {
  it("removes only the hooks nexaas installed, and puts back the one --force had replaced", async () => {
    const dir = workspaceRepo();
    const hooks = join(dir, ".git/hooks");
    mkdirSync(hooks, { recursive: true });
    writeFileSync(join(hooks, "pre-push"), foreign, { mode: 0o755 });
    expect((await cli(["hooks", "install", "--force"], dir)).code).toBe(0);
    expect(read(join(hooks, "pre-push"))).toContain(HOOK_MARKER);
    writeFileSync(join(hooks, "post-merge"), foreign, { mode: 0o755 });

    const result = await cli(["hooks", "uninstall", "--json"], dir);
    expect(result.code, result.stderr).toBe(0);
    const out = JSON.parse(result.stdout) as { hooks: { name: string; status: string }[] };
    expect(out.hooks.map((h) => `${h.name} ${h.status}`)).toEqual(["pre-commit removed", "pre-push restored"]);
    expect(existsSync(join(hooks, "pre-commit"))).toBe(false);
    expect(read(join(hooks, "pre-push"))).toBe(foreign);
    expect(existsSync(join(hooks, "pre-push.backup"))).toBe(false);
    expect(read(join(hooks, "post-merge"))).toBe(foreign);

    // Again: nothing of nexaas's is left, and someone else's pre-push stays.
    const again = await cli(["hooks", "uninstall"], dir);
    expect(again.stdout).toBe("pre-commit: not installed\npre-push: not installed by nexaas: left alone\n");
    expect(read(join(hooks, "pre-push"))).toBe(foreign);
  });
});
