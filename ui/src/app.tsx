import { useEffect } from "preact/hooks";
import type { ComponentChildren } from "preact";
import { setUnauthorizedHandler } from "./api.js";
import { Header } from "./components/header.js";
import { EventDetail } from "./pages/event-detail.js";
import { Events } from "./pages/events.js";
import { Login } from "./pages/login.js";
import { NotFound } from "./pages/not-found.js";
import { Overview } from "./pages/overview.js";
import { RunDetail } from "./pages/run-detail.js";
import { Runs } from "./pages/runs.js";
import { Revisions } from "./pages/revisions.js";
import { Usage } from "./pages/usage.js";
import { type Location, matchPath, navigate, useLocation } from "./router.js";

type Route = [pattern: string, title: string, render: (params: Record<string, string>, location: Location) => ComponentChildren];

const routes: Route[] = [
  ["/", "Overview", () => <Overview />],
  ["/events", "Events", (_, l) => <Events params={l.query} />],
  ["/events/:id", "Event", (p) => <EventDetail key={p.id} id={p.id ?? ""} />],
  ["/runs", "Runs", (_, l) => <Runs params={l.query} />],
  ["/runs/:id", "Run", (p) => <RunDetail key={p.id} id={p.id ?? ""} />],
  ["/usage", "Usage", (_, l) => <Usage params={l.query} />],
  ["/revisions", "Reconcile history", (_, l) => <Revisions params={l.query} />],
];

// Any API call answering 401 means the session is gone: sign in again, then come back here.
setUnauthorizedHandler(() => {
  const here = window.location.pathname + window.location.search;
  if (window.location.pathname !== "/login") navigate(`/login?next=${encodeURIComponent(here)}`, { replace: true });
});

export function App() {
  const location = useLocation();
  const found = routes.map(([pattern, title, render]) => ({ title, render, params: matchPath(pattern, location.path) })).find((r) => r.params !== null);
  const title = location.path === "/login" ? "Sign in" : (found?.title ?? "Not found");
  useEffect(() => {
    document.title = `${title} · Nexaas`;
  }, [title]);

  if (location.path === "/login") return <Login next={location.query.get("next")} />;
  return (
    <>
      <Header path={location.path} />
      {found?.params ? found.render(found.params, location) : <NotFound path={location.path} />}
    </>
  );
}
