import { useState } from "preact/hooks";
import { ApiError, api } from "../api.js";
import { safeNext } from "../safe-next.js";
import { navigate } from "../router.js";

/** Sign in with a read token (from `nexaas tokens create`), exchanged for a session cookie. */
export function Login({ next }: { next: string | null }) {
  const [token, setToken] = useState("");
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await api.signIn(token.trim());
      setToken("");
      navigate(safeNext(next));
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) setError("That token was not accepted: it is wrong, expired or revoked.");
      else if (e instanceof ApiError && e.status === 429) setError("Too many failed sign-ins. Wait a minute and try again.");
      else setError(`Could not sign in: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      setBusy(false);
    }
  };

  return (
    <main id="main" class="login">
      <h1>Sign in to Nexaas</h1>
      <form onSubmit={(e) => void submit(e)}>
        <label for="token">Access token</label>
        <input
          id="token"
          name="token"
          type="password"
          autoComplete="off"
          spellcheck={false}
          required
          value={token}
          onInput={(e) => setToken(e.currentTarget.value)}
          aria-describedby={error ? "login-error token-help" : "token-help"}
          aria-invalid={error ? true : undefined}
        />
        <p id="token-help" class="muted">
          A read token from <code>nexaas tokens create NAME</code>, or the API key.
        </p>
        {error && (
          <p id="login-error" class="error-box" role="alert">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy || token.trim() === ""}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
      </form>
    </main>
  );
}
