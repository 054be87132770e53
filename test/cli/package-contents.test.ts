import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { packageRoot } from "../../controller/package-root.js";
import { tempDir } from "./helpers.js";

/**
 * What `npm pack` would publish, from a copy of the package in which a user ran the
 * example: its .env (with the generated API_KEY), its database and an export. None of
 * them may ship; the code, the schemas and the framework must.
 */
describe("npm pack", () => {
  it("ships dist, bin, schemas and the example, never .env, data/, *.db or exports/", () => {
    const copy = tempDir("nexaas-pack-");
    for (const entry of ["package.json", "README.md", "bin", "dist", "schemas", "framework", "workspace.example", "hooks", "controller/store/migrations"]) {
      cpSync(join(packageRoot, entry), join(copy, entry), { recursive: true, filter: (src) => !src.includes(".cache") });
    }
    writeFileSync(join(copy, "workspace.example/.env"), "API_KEY=do-not-ship\n");
    mkdirSync(join(copy, "workspace.example/data"), { recursive: true }); // npm start may have made it already
    writeFileSync(join(copy, "workspace.example/data/nexaas.db"), "");
    writeFileSync(join(copy, "workspace.example/data/nexaas.db-wal"), "");
    mkdirSync(join(copy, "workspace.example/exports"));
    writeFileSync(join(copy, "workspace.example/exports/0001.patch"), "");
    writeFileSync(join(copy, "framework/stray.db"), "");

    const out = execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: copy, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    const [pack] = JSON.parse(out) as [{ files: { path: string }[] }];
    const files = pack.files.map((f) => f.path);

    expect(files.filter((f) => /(^|\/)\.env$/.test(f))).toEqual([]);
    expect(files.filter((f) => /(^|\/)data\//.test(f))).toEqual([]);
    expect(files.filter((f) => /\.db($|-)/.test(f))).toEqual([]);
    expect(files.filter((f) => /(^|\/)exports\//.test(f))).toEqual([]);
    expect(files).toContain("workspace.example/.env.example");
    expect(files).toContain("bin/nexaas.js");
    expect(files).toContain("dist/nexaas.cjs");
    expect(files).toContain("dist/cli/main.js");
    expect(files).toContain("schemas/event.schema.json");
    expect(files).toContain("controller/store/migrations/000001.sql");
    expect(files.some((f) => f.startsWith("framework/playbooks/"))).toBe(true);
  }, 60_000);
});
