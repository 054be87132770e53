// The built status page (npm run build) against the CSP of issue 14: no inline
// script or style, nothing from another origin, and the size goal.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";

const dist = new URL("../../dist/ui/", import.meta.url).pathname;

describe("the built status page", () => {
  it("is built (npm run build makes dist/ui)", () => {
    expect(existsSync(join(dist, "index.html")), "run npm run build first").toBe(true);
  });

  it("loads its script and style from files under /assets, none inline", () => {
    const html = readFileSync(join(dist, "index.html"), "utf8");
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attributes, body] of scripts) {
      expect(attributes).toMatch(/src="\/assets\/[^"]+\.js"/);
      expect(body?.trim()).toBe("");
    }
    expect(html).not.toMatch(/<style\b/i);
    expect(html).not.toMatch(/\sstyle=/i);
    expect(html).not.toMatch(/\son[a-z]+=/i);
    expect(html).toMatch(/<link rel="stylesheet"[^>]*href="\/assets\/[^"]+\.css"/);
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
  });

  it("stays well under 200 kB gzipped", () => {
    const files = ["index.html", ...readdirSync(join(dist, "assets")).map((f) => join("assets", f))];
    const gzipped = files.reduce((sum, f) => sum + gzipSync(readFileSync(join(dist, f)), { level: 9 }).length, 0);
    expect(gzipped).toBeLessThan(100_000);
  });
});
