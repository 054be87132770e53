import { describe, expect, it } from "vitest";
import { apiFixture, auth } from "./fixture.js";

describe("events by state", () => {
  it("a paused event is listed under status=paused, shows its reason and no fire times; a flow's trigger event is found by its id", async () => {
    const { db, app, close } = await apiFixture();
    try {
      db.prepare("UPDATE events SET paused = 1, paused_reason = 'failed 3 times', consecutive_failures = 3 WHERE name = 'tick'").run();
      const paused = (await app.inject({ url: "/api/events?status=paused", headers: auth })).json<{ id: string; paused_reason: string }[]>();
      expect(paused.map((e) => [e.id, e.paused_reason])).toEqual([["tick", "failed 3 times"]]);
      const tick = (await app.inject({ url: "/api/events/tick", headers: auth })).json<{ status: string; consecutive_failures: number; next_fire_times: string[] }>();
      expect(tick).toMatchObject({ status: "paused", consecutive_failures: 3, next_fire_times: [] });
      const status = (await app.inject({ url: "/api/status", headers: auth })).json<{ events: object }>();
      expect(status.events).toEqual({ active: 2, paused: 1, disabled: 1, expired: 0 });
      const flow = await app.inject({ url: "/api/events/flow:fetch", headers: auth });
      expect(flow.statusCode).toBe(200);
      expect(flow.json()).toMatchObject({ id: "flow:fetch", origin: "flows", condition: { type: "interval", expr: "1h", timezone: null }, next_fire_times: expect.any(Array) as unknown });
      expect(flow.json<{ next_fire_times: string[] }>().next_fire_times).toHaveLength(5);
    } finally {
      await close();
    }
  });
});
