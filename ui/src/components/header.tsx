import { useEffect, useState } from "preact/hooks";
import { api } from "../api.js";
import { navigate } from "../router.js";
import { Link } from "./link.js";

const pages: [href: string, label: string][] = [
  ["/", "Overview"],
  ["/events", "Events"],
  ["/runs", "Runs"],
  ["/usage", "Usage"],
  ["/revisions", "Reconcile history"],
];

const isCurrent = (href: string, path: string): boolean => (href === "/" ? path === "/" : path === href || path.startsWith(`${href}/`));

/** The site header: a skip link, the pages, who is signed in, and Logout. */
export function Header({ path }: { path: string }) {
  const [who, setWho] = useState<string>();
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    const controller = new AbortController();
    api.session(controller.signal).then(
      (s) => setWho(s.name),
      () => setWho(undefined),
    );
    return () => controller.abort();
  }, []);

  const logout = async () => {
    setBusy(true);
    try {
      await api.signOut();
    } catch {
      // The cookie may already be gone; the sign-in page is where to go either way.
    }
    setBusy(false);
    navigate("/login");
  };

  return (
    <header class="site-header">
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <Link href="/" class="brand">
        Nexaas
      </Link>
      <nav aria-label="Pages">
        <ul>
          {pages.map(([href, label]) => (
            <li key={href}>
              <Link href={href} aria-current={isCurrent(href, path) ? "page" : undefined}>
                {label}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <div class="session">
        {who !== undefined && <span class="muted">Signed in as {who}</span>}
        <button type="button" onClick={() => void logout()} disabled={busy}>
          Log out
        </button>
      </div>
    </header>
  );
}
