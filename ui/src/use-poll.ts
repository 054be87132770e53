// Live refresh by polling, bounded: one request in flight per page, every
// `intervalMs` while the tab is visible (none while hidden, one at once when
// it shows again), backing off to a minute while requests fail.
import { useEffect, useRef, useState } from "preact/hooks";

export interface Polled<T> {
  data: T | undefined;
  error: Error | undefined;
  /** A request is in flight (the first one, or a refresh). */
  loading: boolean;
  /** When data last arrived. */
  updatedAt: Date | undefined;
}

const maxIntervalMs = 60_000;

/** Loads with `load` now and then every `intervalMs`; a new `key` (the page's inputs) starts over. */
export function usePoll<T>(load: (signal: AbortSignal) => Promise<T>, key: string, intervalMs = 10_000): Polled<T> {
  const [state, setState] = useState<Polled<T>>({ data: undefined, error: undefined, loading: true, updatedAt: undefined });
  const latestLoad = useRef(load);
  latestLoad.current = load;

  useEffect(() => {
    let stopped = false;
    let failures = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let inFlight: AbortController | undefined;
    setState({ data: undefined, error: undefined, loading: true, updatedAt: undefined });

    const schedule = () => {
      clearTimeout(timer);
      if (stopped || document.hidden) return;
      timer = setTimeout(() => void tick(), Math.min(intervalMs * 2 ** failures, maxIntervalMs));
    };
    const tick = async () => {
      if (inFlight || stopped) return;
      const controller = new AbortController();
      inFlight = controller;
      setState((s) => ({ ...s, loading: true }));
      try {
        const data = await latestLoad.current(controller.signal);
        failures = 0;
        if (!stopped) setState({ data, error: undefined, loading: false, updatedAt: new Date() });
      } catch (error) {
        failures++;
        if (!stopped) setState((s) => ({ ...s, error: error instanceof Error ? error : new Error(String(error)), loading: false }));
      } finally {
        inFlight = undefined;
        schedule();
      }
    };
    const onVisibility = () => {
      if (document.hidden) clearTimeout(timer);
      else void tick();
    };

    document.addEventListener("visibilitychange", onVisibility);
    void tick();
    return () => {
      stopped = true;
      clearTimeout(timer);
      inFlight?.abort();
      document.removeEventListener("visibilitychange", onVisibility);
    };
  }, [key, intervalMs]);

  return state;
}
