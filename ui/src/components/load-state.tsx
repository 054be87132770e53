import type { ComponentChildren } from "preact";
import type { Polled } from "../use-poll.js";

/** A polled page's body: loading at first, the error when one came (above stale data), then `children(data)`. */
export function LoadState<T>({ state, children }: { state: Polled<T>; children: (data: T) => ComponentChildren }) {
  return (
    <>
      {state.error && (
        <p class="error-box" role="alert">
          {state.data === undefined ? "Could not load: " : "Refresh failed (showing older data): "}
          {state.error.message}
        </p>
      )}
      {state.data === undefined ? !state.error && <p class="muted" aria-busy="true">Loading…</p> : children(state.data)}
    </>
  );
}
