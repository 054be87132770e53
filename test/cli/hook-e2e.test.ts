import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { packageRoot } from "../../controller/package-root.js";
import { cli, git, gitIdentity, gitResult, isolateGit, tempDir } from "./helpers.js";

// The installed hooks run the built CLI (bin/nexaas.js -> dist/), as a user's would.
beforeAll(() => {
  isolateGit();
  if (!existsSync(join(packageRoot, "dist/cli/validate.js"))) throw new Error("dist/ is missing: run `npm run build` first");
});

const validEvent = `description: Morning check
agent: assistant
condition:
  type: cron
  expr: "0 9 * * 1-5"
action:
  type: claude_chat
  prompt: Good morning
`;
// Line 9, column 3: a field the action does not have.
const invalidEvent = validEvent + "  tempo: fast\n";

const commitCount = (dir: string): number => Number(git(dir, "rev-list", "--count", "HEAD").trim());
const output = (r: { stdout: string; stderr: string }): string => r.stdout + r.stderr;

async function initWorkspace(): Promise<string> {
  const dir = join(tempDir(), "ops");
  const init = await cli(["init", dir], "/");
  expect(init.code, init.stderr).toBe(0);
  gitIdentity(dir);
  git(dir, "add", "-A");
  const first = gitResult(dir, "commit", "-m", "Initial workspace");
  expect(first.status, output(first)).toBe(0);
  return dir;
}

describe("the hooks installed by init", () => {
  it("refuse a commit of an invalid event with its diagnostic, and let a valid one through", async () => {
    const dir = await initWorkspace();

    writeFileSync(join(dir, "events/morning.yaml"), invalidEvent);
    git(dir, "add", "events/morning.yaml");
    const refused = gitResult(dir, "commit", "-m", "Add morning event");
    expect(refused.status).toBe(1);
    expect(output(refused)).toContain("events/morning.yaml:9:3");
    expect(output(refused)).toContain("git commit --no-verify");
    expect(commitCount(dir)).toBe(1);

    writeFileSync(join(dir, "events/morning.yaml"), validEvent);
    git(dir, "add", "events/morning.yaml");
    const accepted = gitResult(dir, "commit", "-m", "Add morning event");
    expect(accepted.status, output(accepted)).toBe(0);
    expect(commitCount(dir)).toBe(2);
  });

  it("check what is staged, not the working tree", async () => {
    const dir = await initWorkspace();
    writeFileSync(join(dir, "events/morning.yaml"), invalidEvent);
    git(dir, "add", "events/morning.yaml");
    writeFileSync(join(dir, "events/morning.yaml"), validEvent); // fixed on disk, not staged
    const refused = gitResult(dir, "commit", "-m", "Add morning event");
    expect(refused.status).toBe(1);
    expect(output(refused)).toContain("events/morning.yaml:9:3");
  });

  it("refuse a commit that stages a secret, without printing it, and let it through once it is a ${NAME}", async () => {
    const dir = await initWorkspace();
    const key = `sk-ant-api03-${"Qx7Lm2Vb9Rt4Zp8K".repeat(3)}`; // assembled: this file holds no literal key
    writeFileSync(join(dir, "agents/helper-notes.md"), `# notes\nuse ${key} for the API\n`);
    git(dir, "add", "-A");
    const refused = gitResult(dir, "commit", "-m", "Add notes");
    expect(refused.status).toBe(1);
    expect(output(refused)).toMatch(/agents\/helper-notes\.md:2:5 api_key anthropic-api-key/);
    expect(output(refused)).toContain("Secrets belong in the environment");
    expect(output(refused)).not.toContain(key.slice(0, 16));
    expect(commitCount(dir)).toBe(1);

    writeFileSync(join(dir, "agents/helper-notes.md"), "# notes\nuse ${ANTHROPIC_API_KEY} for the API\n");
    git(dir, "add", "-A");
    const accepted = gitResult(dir, "commit", "-m", "Add notes");
    expect(accepted.status, output(accepted)).toBe(0);
  });

  it("refuse a commit that force-adds a .env holding a key", async () => {
    const dir = await initWorkspace();
    const key = "sk-ant-api03-" + "Qx7Lm2Vb9Rt4Zp8K".repeat(3); // assembled: this file holds no literal key
    writeFileSync(join(dir, ".env"), `ANTHROPIC_API_KEY=${key}\n`);
    git(dir, "add", "-f", ".env");
    const refused = gitResult(dir, "commit", "-m", "Add env");
    expect(refused.status).toBe(1);
    expect(output(refused)).toMatch(/^\.env:1:\d+ api_key /m);
    expect(output(refused)).not.toContain(key.slice(0, 16));
    expect(commitCount(dir)).toBe(1);
  });

  it("refuse a push while the workspace does not validate", async () => {
    const dir = await initWorkspace();
    const remote = join(tempDir(), "remote.git");
    git(tempDir(), "init", "-q", "--bare", remote);
    git(dir, "remote", "add", "origin", remote);
    const pushed = gitResult(dir, "push", "-q", "origin", "main");
    expect(pushed.status, output(pushed)).toBe(0);

    // Someone skipped the pre-commit hook; the pre-push hook still stops the push.
    writeFileSync(join(dir, "events/morning.yaml"), invalidEvent);
    git(dir, "add", "events/morning.yaml");
    expect(gitResult(dir, "commit", "--no-verify", "-m", "Add morning event").status).toBe(0);
    writeFileSync(join(dir, "events/morning.yaml"), validEvent); // fixed on disk only: the pushed commit is still bad
    const refused = gitResult(dir, "push", "origin", "main");
    expect(refused.status).not.toBe(0);
    expect(output(refused)).toContain("events/morning.yaml:9:3");
    expect(output(refused)).toContain("git push --no-verify");
    expect(git(remote, "rev-list", "--count", "main").trim()).toBe("1");
  });

  it("work for a workspace in a subfolder of a larger repository", async () => {
    const repo = tempDir();
    git(repo, "init", "-q");
    gitIdentity(repo);
    mkdirSync(join(repo, "teams"));
    expect((await cli(["init", "teams/ops"], repo)).code).toBe(0);
    writeFileSync(join(repo, "README.md"), "monorepo\n");
    git(repo, "add", "-A");
    const first = gitResult(repo, "commit", "-m", "Add ops workspace");
    expect(first.status, output(first)).toBe(0);

    writeFileSync(join(repo, "teams/ops/events/morning.yaml"), invalidEvent);
    git(repo, "add", "-A");
    const refused = gitResult(join(repo, "teams"), "commit", "-m", "Add morning event");
    expect(refused.status).toBe(1);
    expect(output(refused)).toMatch(/events\/morning\.yaml:9:3/);
  });
});
