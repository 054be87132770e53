import { Link } from "../components/link.js";

export function NotFound({ path }: { path: string }) {
  return (
    <main id="main">
      <h1>No such page</h1>
      <p>
        Nothing lives at <code>{path}</code>. <Link href="/">Go to the overview</Link>
      </p>
    </main>
  );
}
