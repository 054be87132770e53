// A router on the History API, small enough to read in one go: the server
// answers index.html for every page path, so /runs/12 loads the app and this
// picks the page. Query strings hold the filters, so a filtered page is a link.
import { useEffect, useState } from "preact/hooks";

export { matchPath } from "./match-path.js";

export interface Location {
  path: string;
  query: URLSearchParams;
}

const listeners = new Set<() => void>();
const notify = () => {
  for (const listener of listeners) listener();
};
window.addEventListener("popstate", notify);

const current = (): Location => ({ path: window.location.pathname, query: new URLSearchParams(window.location.search) });

/** Go to `to` (a path with an optional query); `replace` for a filter change that should not add a history entry. */
export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (to === window.location.pathname + window.location.search) return;
  if (options.replace) window.history.replaceState(null, "", to);
  else window.history.pushState(null, "", to);
  if (!options.replace) window.scrollTo(0, 0);
  notify();
}

/** The current location; the component renders again when it changes. */
export function useLocation(): Location {
  const [location, setLocation] = useState(current);
  useEffect(() => {
    const update = () => setLocation(current());
    listeners.add(update);
    return () => void listeners.delete(update);
  }, []);
  return location;
}
