import { mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { cacheFile, cacheKey } from "../../controller/definitions/validate-cache.js";
import { decodeCache, encodeCache } from "../../controller/definitions/validate-cache-file.js";
import { baseWorkspace, writeTree } from "../support/tree.js";
import { cli, git, gitIdentity, isolateGit, listFiles, tempDir } from "./helpers.js";

beforeAll(() => isolateGit());

/** Every kind of finding the cache must give back as it was: per-file ones kept in it, cross-file ones found again. */
const findings = {
  "events/broken.yaml": "condition: {type: interval, expr: 15m\naction: {type: script, command: ls}\n", // YAML syntax
  "events/ghost.yaml": "condition: {type: interval, expr: 15m}\naction: {type: skill, skill: ghost}\n", // cross-file: unknown skill
  "events/typo.yaml": "condition: {type: interval, expr: 15m}\naction: {type: script, comand: ls}\n", // schema
  "events/anchored.yaml": "condition: &every {type: interval, expr: 15m}\naction: {type: script, command: ./a.sh}\n", // an anchor: the yaml path
  "skills/summary/SKILL.md": "---\nname: summary\ndescription: Sums up.\nauthor: someone\n---\n\nSum it up.\n", // front matter: a warning with a position
};

function stagedRepo(extra: Record<string, string> = findings): string {
  const dir = tempDir();
  writeTree(dir, { ...baseWorkspace, ...extra });
  git(dir, "init", "-q", "-b", "main");
  gitIdentity(dir);
  git(dir, "add", "-A");
  return dir;
}

const validate = async (dir: string, ...flags: string[]) => {
  const r = await cli(["validate", "--staged", ...flags], dir);
  return { code: r.code, stdout: r.stdout };
};

const fileState = (file: string) => {
  const s = statSync(file);
  return { ino: s.ino, mtime: s.mtimeMs };
};

describe("validate --staged keeps blobs and parse results under .git/nexaas/", () => {
  it("reports the same findings, at the same line:col, cold, warm and with --no-cache", async () => {
    const dir = stagedRepo();
    const cold = await validate(dir);
    expect(cold.code).toBe(1);
    expect(cold.stdout).toMatch(/^events\/broken\.yaml:\d+:\d+ +error +yaml-syntax/m);
    expect(cold.stdout).toMatch(/^events\/ghost\.yaml:2:\d+ +error +unknown-reference/m);
    expect(cold.stdout).toMatch(/^events\/typo\.yaml:2:\d+ +error +schema/m);
    expect(cold.stdout).toMatch(/^skills\/summary\/SKILL\.md:4:1 +warning +skill-field-ignored/m);
    const file = await cacheFile(dir);
    const written = fileState(file);

    const warm = await validate(dir);
    expect(warm).toEqual(cold);
    // Nothing missed, so nothing to write: the warm run answered every file from the cache.
    expect(fileState(file)).toEqual(written);
    expect(await validate(dir, "--no-cache")).toEqual(cold);
    expect(await validate(dir, "--json")).toEqual(await validate(dir, "--json", "--no-cache"));
  });

  it("judges a staged change by its new content, not the kept result of the old one", async () => {
    const check = (action: string) => ({ "events/check.yaml": `condition: {type: interval, expr: 15m}\naction: ${action}\n` });
    const dir = stagedRepo(check("{type: script, command: ./check.sh}"));
    const stage = async (tree: Record<string, string>) => {
      writeTree(dir, tree);
      git(dir, "add", "-A");
      return validate(dir);
    };
    expect(await validate(dir)).toEqual({ code: 0, stdout: "no problems\n" });
    // Same length, same path: only the content (its oid) tells them apart.
    expect((await stage(check("{type: script, comand: ./check.shh}"))).stdout).toMatch(/^events\/check\.yaml:2:\d+ +error +schema/m);
    expect((await stage(check("{type: script, command: ./check.sh "))).stdout).toMatch(/^events\/check\.yaml:\d+:\d+ +error +yaml-syntax/m);
    expect(await stage(check("{type: script, command: ./check.sh}"))).toEqual({ code: 0, stdout: "no problems\n" });
    const changed = await stage(check("{type: skill, skill: ghost}"));
    expect(changed.code).toBe(1);
    expect(changed.stdout).toMatch(/^events\/check\.yaml:2:\d+ +error +unknown-reference/m);
  });

  it("rewrites the file once changes add up, not for every changed file", async () => {
    const event = (n: number, command = `./check-${n}.sh`): [string, string] => [`events/e${n}.yaml`, `condition: {type: interval, expr: 15m}\naction: {type: script, command: ${command}}\n`];
    const dir = stagedRepo(Object.fromEntries(Array.from({ length: 80 }, (_, n) => event(n))));
    await validate(dir);
    const file = await cacheFile(dir);
    const written = fileState(file);
    writeTree(dir, Object.fromEntries([event(0, "./other.sh")]));
    git(dir, "add", "-A");
    expect(await validate(dir)).toEqual({ code: 0, stdout: "no problems\n" });
    expect(fileState(file)).toEqual(written); // one file of 80: parsed again next time, not worth a write
    writeTree(dir, { "events/e1.yaml": "condition: {type: interval, expr: 15m\n" });
    git(dir, "add", "-A");
    expect((await validate(dir)).stdout).toMatch(/^events\/e1\.yaml:\d+:\d+ +error +yaml-syntax/m);
    writeTree(dir, Object.fromEntries(Array.from({ length: 10 }, (_, n) => event(n + 10, "./other.sh"))));
    git(dir, "add", "-A");
    await validate(dir);
    expect(fileState(file)).not.toEqual(written);
    expect(await validate(dir)).toEqual(await validate(dir, "--no-cache"));
  });

  it("ignores a damaged or foreign cache file and writes a good one in its place", async () => {
    const dir = stagedRepo();
    const expected = await validate(dir, "--no-cache");
    await validate(dir);
    const file = await cacheFile(dir);
    const good = readFileSync(file);
    const contents = decodeCache(good, cacheKey());
    if (!contents) throw new Error("the first run wrote no readable cache");
    const damaged = [
      Buffer.from("not a cache at all"),
      good.subarray(0, Math.floor(good.length / 2)), // a torn write
      encodeCache({ ...contents, key: "format 0; an older nexaas" }), // whole, but another version's
      Buffer.concat([good.subarray(0, good.length - 3), Buffer.from("xyz")]), // bytes changed under the digest
    ];
    for (const bytes of damaged) {
      writeFileSync(file, bytes);
      expect(await validate(dir)).toEqual(expected);
      expect(decodeCache(readFileSync(file), cacheKey())).toBeDefined();
    }
  });

  it("leaves one whole cache file when two runs write at once", async () => {
    const dir = stagedRepo();
    const expected = await validate(dir, "--no-cache");
    const file = await cacheFile(dir);
    mkdirSync(dirname(file));
    writeFileSync(file, "stale");
    const runs = await Promise.all([validate(dir), validate(dir), validate(dir)]);
    expect(runs).toEqual([expected, expected, expected]);
    expect(decodeCache(readFileSync(file), cacheKey())).toBeDefined();
  });

  it("writes nothing into the working tree, and --revision shares the cache", async () => {
    const dir = stagedRepo();
    const before = listFiles(dir);
    await validate(dir);
    await validate(dir, "--scan");
    git(dir, "commit", "-qm", "with findings");
    const revision = await cli(["validate", "--revision", "HEAD"], dir);
    expect(revision.stdout).toBe((await cli(["validate", "--revision", "HEAD", "--no-cache"], dir)).stdout);
    expect(listFiles(dir)).toEqual(before);
    expect(git(dir, "status", "--porcelain")).toBe("");
  });

  it("keeps definitions, not a skill's large files", async () => {
    const data = `${"row,value\n".repeat(10_000)}`;
    const dir = stagedRepo({ ...findings, "skills/summary/data.csv": data });
    const expected = await validate(dir, "--no-cache");
    expect(await validate(dir)).toEqual(expected);
    expect(await validate(dir)).toEqual(expected);
    const kept = decodeCache(readFileSync(await cacheFile(dir)), cacheKey());
    expect(kept?.blobs.size).toBeGreaterThan(5);
    expect(Math.max(...[...(kept?.blobs.values() ?? [])].map((b) => b.length))).toBeLessThan(data.length);
  });

  it("keeps one cache per workspace folder of a repository", async () => {
    const dir = tempDir();
    writeTree(dir, Object.fromEntries(Object.entries({ ...baseWorkspace, ...findings }).map(([path, text]) => [`ops/${path}`, text])));
    git(dir, "init", "-q", "-b", "main");
    gitIdentity(dir);
    git(dir, "add", "-A");
    const top = await cacheFile(dir);
    const sub = await cacheFile(`${dir}/ops`);
    expect(sub).not.toBe(top);
    expect(sub.startsWith(`${dir}/.git/nexaas/`)).toBe(true);
    const expected = await cli(["validate", "--staged", "--no-cache", "--workspace", "ops"], dir);
    await cli(["validate", "--staged", "--workspace", "ops"], dir);
    expect(await cli(["validate", "--staged", "--workspace", "ops"], dir)).toEqual(expected);
    expect(statSync(sub).isFile()).toBe(true);
  });
});
