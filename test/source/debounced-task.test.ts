import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { DebouncedTask } from "../../controller/source/debounced-task.js";

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

/** A task that stays running until `finish()` is called, counting its runs. */
function controlledTask(): { run: () => Promise<void>; runs: () => number; finish: () => void } {
  let runs = 0;
  let finish: () => void = () => undefined;
  return {
    run: () => {
      runs++;
      return new Promise<void>((resolve) => (finish = resolve));
    },
    runs: () => runs,
    finish: () => finish(),
  };
}

describe("DebouncedTask", () => {
  it("runs once per burst, counted from the first signal", async () => {
    const t = controlledTask();
    const task = new DebouncedTask(t.run, 10);
    task.signal();
    await vi.advanceTimersByTimeAsync(6);
    task.signal(); // within the burst: no second timer, no later run
    expect(t.runs()).toBe(0);
    await vi.advanceTimersByTimeAsync(4);
    expect(t.runs()).toBe(1);
    t.finish();
    await vi.advanceTimersByTimeAsync(50);
    expect(t.runs()).toBe(1);
  });

  it("runs once more after a signal that arrives during a run, never two at a time", async () => {
    const t = controlledTask();
    const task = new DebouncedTask(t.run, 10);
    task.signal();
    await vi.advanceTimersByTimeAsync(10);
    expect(t.runs()).toBe(1);
    task.signal();
    task.signal();
    await vi.advanceTimersByTimeAsync(50);
    expect(t.runs()).toBe(1); // the first run is still going
    t.finish();
    await vi.advanceTimersByTimeAsync(0);
    expect(t.runs()).toBe(2);
    t.finish();
    await vi.advanceTimersByTimeAsync(50);
    expect(t.runs()).toBe(2);
  });

  it("flush runs without the delay; stop waits for the run and prevents the next", async () => {
    const t = controlledTask();
    const task = new DebouncedTask(t.run, 10);
    task.signal();
    const flushed = task.flush();
    await vi.advanceTimersByTimeAsync(0);
    expect(t.runs()).toBe(1);
    t.finish();
    await flushed;
    await vi.advanceTimersByTimeAsync(50);
    expect(t.runs()).toBe(1); // the signal's timer was taken over by the flush

    task.signal();
    await vi.advanceTimersByTimeAsync(10);
    task.signal();
    let stopped = false;
    const stopping = task.stop().then(() => (stopped = true));
    await vi.advanceTimersByTimeAsync(0);
    expect(stopped).toBe(false);
    t.finish();
    await stopping;
    await vi.advanceTimersByTimeAsync(50);
    expect(t.runs()).toBe(2);
    expect(vi.getTimerCount()).toBe(0);
  });
});
