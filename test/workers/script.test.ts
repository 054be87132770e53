import { existsSync, mkdirSync, readFileSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { scriptExecutor } from "../../controller/workers/executors/script.js";
import { alive, context, failure, tempDir } from "./helpers.js";

const envNames = (output: string): Set<string> => new Set(output.split("\n").filter(Boolean).map((line) => line.slice(0, line.indexOf("="))));
/** What /bin/sh sets by itself. */
const shellOwn = new Set(["PWD", "SHLVL", "_", "OLDPWD"]);

// One backend: the script executor never reads the store (its context's Sql goes unused), so a
// PostgreSQL pass would run the same processes again and test nothing more (issue 16's matrix is in
// flow, webhook and templates, the executors that read definitions).
describe("script executor", () => {
  it("passes only the minimal base, the listed names and NEXAAS_* values", async () => {
    const ctx = context(
      { type: "script", command: "env", env: ["LISTED"] },
      { env: { PATH: process.env.PATH, HOME: "/tmp", LANG: "C", TZ: "UTC", LISTED: "yes", SECRET_TOKEN: "s3cr3t-value", OTHER: "x" } },
    );
    const { output } = await scriptExecutor(ctx);
    const names = [...envNames(output)].filter((n) => !shellOwn.has(n));
    expect(names.sort()).toEqual(["HOME", "LANG", "LISTED", "NEXAAS_EVENT_ID", "NEXAAS_SCHEDULED_FOR", "NEXAAS_TRIGGER_PAYLOAD", "PATH", "TZ"]);
    expect(output).toContain("LISTED=yes");
    expect(output).not.toContain("s3cr3t-value");
    expect(output).toContain("NEXAAS_EVENT_ID=nightly");
  });

  it("leaves a listed variable that is not set absent, so the script's own default applies", async () => {
    const { output } = await scriptExecutor(context({ type: "script", command: 'echo "level=${NOT_THERE:-default}"', env: ["NOT_THERE"] }));
    expect(output).toContain("level=default");
  });

  it("hands the payload over as an environment variable: shell syntax in it stays inert", async () => {
    const workspace = tempDir();
    const payload = { note: `"; touch pwned; echo "$(touch pwned2)` };
    const ctx = context({ type: "script", command: 'printf "%s" "$NEXAAS_TRIGGER_PAYLOAD"' }, { payload, workspaceDir: workspace });
    const { output } = await scriptExecutor(ctx);
    expect(JSON.parse(output)).toEqual(payload);
    expect(existsSync(join(workspace, "pwned"))).toBe(false);
    expect(existsSync(join(workspace, "pwned2"))).toBe(false);
  });

  it("runs in cwd inside the workspace and refuses one that leads out", async () => {
    const workspace = tempDir();
    mkdirSync(join(workspace, "jobs"));
    const { output } = await scriptExecutor(context({ type: "script", command: "pwd -P", cwd: "jobs" }, { workspaceDir: workspace }));
    expect(output.trim().endsWith("/jobs")).toBe(true);

    const out = await failure(scriptExecutor(context({ type: "script", command: "pwd", cwd: "../" }, { workspaceDir: workspace })));
    expect(out.code).toBe("bad-cwd");
    symlinkSync(tempDir(), join(workspace, "elsewhere"));
    const linked = await failure(scriptExecutor(context({ type: "script", command: "pwd", cwd: "elsewhere" }, { workspaceDir: workspace })));
    expect(linked.code).toBe("bad-cwd");
  });

  it("fails on a non-zero exit with the code and the end of stderr", async () => {
    const error = await failure(scriptExecutor(context({ type: "script", command: "echo partial; echo 'it broke' >&2; exit 3" })));
    expect(error.code).toBe("exit-code");
    expect(error.message).toContain("exited with code 3");
    expect(error.message).toContain("it broke");
  });

  it("kills the whole process group on timeout, grandchildren included", async () => {
    const workspace = tempDir();
    const command = "sh -c 'sleep 30 & echo $! > grandchild.pid; wait' & wait";
    const started = Date.now();
    const error = await failure(scriptExecutor(context({ type: "script", command, timeout: "500ms" }, { workspaceDir: workspace })));
    expect(error.code).toBe("timeout");
    expect(Date.now() - started).toBeLessThan(5_000);
    const pid = Number(readFileSync(join(workspace, "grandchild.pid"), "utf8"));
    expect(pid).toBeGreaterThan(0);
    await expect.poll(() => alive(pid), { timeout: 3_000 }).toBe(false);
  });

  it("stops when the attempt's signal aborts, and SIGKILLs what ignores SIGTERM", async () => {
    const workspace = tempDir();
    const abort = new AbortController();
    const command = "trap '' TERM; sleep 30 & echo $! > child.pid; while :; do sleep 0.1; done";
    const run = scriptExecutor(context({ type: "script", command }, { workspaceDir: workspace, signal: abort.signal }));
    await expect.poll(() => existsSync(join(workspace, "child.pid")), { timeout: 3_000 }).toBe(true);
    abort.abort(new Error("shutting down"));
    const error = await failure(run);
    expect(error.code).toBe("timeout");
    expect(error.message).toContain("shutting down");
    const pid = Number(readFileSync(join(workspace, "child.pid"), "utf8"));
    await expect.poll(() => alive(pid), { timeout: 5_000 }).toBe(false);
  });

  it("caps a large output with a marker", async () => {
    const { output } = await scriptExecutor(context({ type: "script", command: "head -c 200000 /dev/zero | tr '\\0' a" }));
    expect(Buffer.byteLength(output)).toBeLessThanOrEqual(64 * 1024);
    expect(output).toMatch(/\[… \d+ bytes cut\]/);
  });
});
