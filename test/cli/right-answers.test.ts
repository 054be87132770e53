import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../controller/store/open-database.js";
import { gitWorkspace } from "../support/git-workspace.js";
import { baseWorkspace } from "../support/tree.js";
import { cli, isolateGit, tempDir } from "./helpers.js";

beforeAll(() => isolateGit());

const ping = "condition: {type: interval, expr: 15m}\naction: {type: script, command: ./ping.sh}\n";
const off = "enabled: false\ncondition: {type: interval, expr: 15m}\naction: {type: script, command: ./off.sh}\n";

async function applied() {
  const ws = gitWorkspace({ ...baseWorkspace, "events/ping.yaml": ping, "events/off.yaml": off });
  const db = join(tempDir(), "n.db");
  expect((await cli(["apply", "--db", db], ws.dir)).code).toBe(0);
  return { ws, db };
}

describe("the CLI's answers and exit codes", () => {
  it("status exits 1 while the attempted revision is refused, and 0 again once one applies", async () => {
    const { ws, db } = await applied();
    expect((await cli(["status", "--db", db], ws.dir)).code).toBe(0);
    ws.commit({ "events/broken.yaml": "condition: {type: interval, expr: 1h}\naction: {type: flow, flow: missing}\n" });
    expect((await cli(["apply", "--db", db], ws.dir)).code).toBe(1);
    const degraded = await cli(["status", "--db", db], ws.dir);
    expect(degraded.code).toBe(1);
    expect(degraded.stdout).toContain("degraded: the last attempted revision was refused");
    const json = await cli(["status", "--db", db, "--json"], ws.dir);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ last_result: "invalid", degraded: [expect.stringContaining("refused")] });
    ws.commit({ "events/broken.yaml": null });
    expect((await cli(["apply", "--db", db], ws.dir)).code).toBe(0);
    expect((await cli(["status", "--db", db], ws.dir)).code).toBe(0);
  });

  it("validate of a path that does not exist is a usage error, not 'no problems'", async () => {
    const ws = gitWorkspace({ ...baseWorkspace, "events/ping.yaml": ping });
    const result = await cli(["validate", "events/nope.yaml"], ws.dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("no such file or folder: events/nope.yaml");
    expect((await cli(["validate", "events/ping.yaml"], ws.dir)).code).toBe(0);
  });

  it("validate reports a bad cron expression and a bad time zone of one event together", async () => {
    const ws = gitWorkspace({ ...baseWorkspace, "events/bad.yaml": "condition: {type: cron, expr: '0 25 * * *', timezone: Europe/Atlantis}\naction: {type: script, command: ls}\n" });
    const result = await cli(["validate", "--json"], ws.dir);
    expect(result.code).toBe(1);
    const rules = (JSON.parse(result.stdout) as { diagnostics: { file: string; rule: string }[] }).diagnostics.filter((d) => d.file === "events/bad.yaml").map((d) => d.rule);
    expect(rules.sort()).toEqual(["cron-expression", "timezone"]);
  });

  it("runs with a RUN that is not a number is a usage error", async () => {
    const { ws, db } = await applied();
    const result = await cli(["runs", "abc", "--db", db], ws.dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("nexaas runs --event abc");
    expect((await cli(["runs", "0", "--db", db], ws.dir)).code).toBe(2);
    expect((await cli(["runs", "999", "--db", db], ws.dir)).code).toBe(1);
  });

  it("a disabled event shows no next fire time, in the list and in its detail", async () => {
    const { ws, db } = await applied();
    const list = JSON.parse((await cli(["events", "--db", db, "--json"], ws.dir)).stdout) as { id: string; status: string; next_fire_at: string | null }[];
    expect(list.find((e) => e.id === "off")).toMatchObject({ status: "disabled", next_fire_at: null });
    expect(list.find((e) => e.id === "ping")?.next_fire_at).toEqual(expect.any(String));
    const detail = JSON.parse((await cli(["events", "off", "--db", db, "--json"], ws.dir)).stdout) as Record<string, unknown>;
    expect(detail).toMatchObject({ next_fire_at: null, next_fire_times: [] });
    const text = (await cli(["events", "--db", db], ws.dir)).stdout;
    expect(text).toMatch(/^off\s+disabled\s+.*-$/m);
  });

  it("resume of an event that is not paused says so and exits 1, changing nothing", async () => {
    const { ws, db } = await applied();
    const store = openDatabase(db);
    store.prepare("UPDATE events SET consecutive_failures = 2 WHERE name = 'ping'").run();
    store.close();
    const result = await cli(["resume", "ping", "--db", db], ws.dir);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain("ping is not paused: nothing to resume");
    expect(JSON.parse((await cli(["events", "ping", "--db", db, "--json"], ws.dir)).stdout)).toMatchObject({ consecutive_failures: 2 });
    expect((await cli(["pause", "ping", "--db", db], ws.dir)).code).toBe(0);
    expect((await cli(["resume", "ping", "--db", db], ws.dir)).stdout).toBe("resumed ping\n");
  });

  it("apply prints counts and the names of what changed; the whole plan only with --verbose", async () => {
    const ws = gitWorkspace({ ...baseWorkspace, "events/ping.yaml": ping });
    const db = join(tempDir(), "n.db");
    const quiet = await cli(["apply", "--db", db], ws.dir);
    expect(quiet.code).toBe(0);
    expect(quiet.stdout).toMatch(/^created \(\d+\): .*event\/ping/m);
    expect(quiet.stdout).toMatch(/agent\/ops-monitor \(framework\)/);
    expect(quiet.stdout).toMatch(/^Applied [0-9a-f]{12}: \d+ created, 0 updated, 0 deleted\.$/m);
    expect(quiet.stdout).not.toContain("node_modules");
    expect(quiet.stdout).not.toContain("../");
    expect(quiet.stdout.split("\n").length).toBeLessThan(6);
    ws.commit({ "events/ping.yaml": "description: Pings.\n" + ping });
    const verbose = await cli(["apply", "--db", db, "--verbose"], ws.dir);
    expect(verbose.stdout).toContain("~ event ping");
    expect(verbose.stdout).toContain("description");
  });
});
