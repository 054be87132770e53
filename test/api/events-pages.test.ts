import { describe, expect, it } from "vitest";
import { apiFixture, auth } from "./fixture.js";

describe("events in pages", () => {
  it("walks every event with limit and the x-next-after cursor, in id order, with nothing lost or repeated", async () => {
    const { app, close } = await apiFixture();
    try {
      const all = (await app.inject({ url: "/api/events", headers: auth })).json<{ id: string }[]>().map((e) => e.id);
      expect(all.length).toBeGreaterThan(2);
      const seen: string[] = [];
      let after: string | undefined;
      for (let guard = 0; guard < 20; guard++) {
        const page = await app.inject({ url: `/api/events?limit=2${after ? `&after=${encodeURIComponent(after)}` : ""}`, headers: auth });
        seen.push(...page.json<{ id: string }[]>().map((e) => e.id));
        after = page.headers["x-next-after"] as string | undefined;
        if (!after) break;
      }
      expect(seen).toEqual(all);
      expect((await app.inject({ url: "/api/events?limit=0", headers: auth })).statusCode).toBe(400);
    } finally {
      await close();
    }
  });
});
