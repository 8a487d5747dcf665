import { type FormEvent, useEffect, useState } from 'react';
import { createBYOKClient } from '../src/index.js';
import type { Session } from './session.js';

interface SignInProps {
  apiUrl: string;
  onSignedIn(session: Session): void;
  notice: string | undefined;
}

/** Sign in with a JWT or the service token; outside production, also as the demo user. */
export function SignIn({ apiUrl, onSignedIn, notice }: SignInProps) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const [demoAvailable, setDemoAvailable] = useState(false);

  useEffect(() => {
    let active = true;
    // The server answers 200 { available: true } only outside production.
    fetch(`${apiUrl}/auth/demo`, { headers: { accept: 'application/json' }, cache: 'no-store' })
      .then(async (response) => {
        if (!response.ok) return;
        const body = (await response.json()) as { available?: unknown };
        if (active && body.available === true) setDemoAvailable(true);
      })
      .catch(() => undefined);
    return () => {
      active = false;
    };
  }, [apiUrl]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const value = token.trim();
    if (!value) {
      setError('Enter an access token.');
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      const me = await createBYOKClient({ apiUrl, token: value }).me();
      setToken('');
      onSignedIn({ token: value, userId: me.userId ?? undefined });
    } catch (err) {
      setError(
        err instanceof Error && 'status' in err && err.status === 401
          ? 'This token was not accepted. Check that it is current and signed for this server.'
          : err instanceof Error
            ? err.message
            : String(err),
      );
    } finally {
      setBusy(false);
    }
  };

  const demo = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const response = await fetch(`${apiUrl}/auth/demo`, {
        method: 'POST',
        headers: { accept: 'application/json', 'content-type': 'application/json' },
        body: '{}',
      });
      if (!response.ok) throw new Error(`Demo sign-in failed (${response.status})`);
      const body = (await response.json()) as { token: string; userId?: string };
      onSignedIn({ token: body.token, userId: body.userId });
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="byok-signin">
      <h1 className="byok-app__brand">API key management</h1>
      <form className="byok-card" onSubmit={submit} aria-labelledby="byok-signin-title" noValidate>
        <h2 id="byok-signin-title" className="byok-card__title">
          Sign in
        </h2>
        {notice ? (
          <div className="byok-notice byok-notice--info" role="status">
            {notice}
          </div>
        ) : null}
        <div className="byok-field">
          <label htmlFor="byok-token" className="byok-label">
            Access token
          </label>
          <input
            id="byok-token"
            className="byok-input byok-input--mono"
            type="password"
            value={token}
            onChange={(event) => setToken(event.target.value)}
            autoComplete="off"
            spellCheck={false}
            aria-describedby="byok-token-help"
            aria-invalid={error ? true : undefined}
          />
          <p id="byok-token-help" className="byok-muted" style={{ margin: 0 }}>
            A JWT from your app, or the service token. Kept for this tab only.
          </p>
        </div>
        {error ? (
          <div className="byok-notice byok-notice--error" role="alert">
            {error}
          </div>
        ) : null}
        <button type="submit" className="byok-button byok-button--primary" disabled={busy}>
          Sign in
        </button>
        {demoAvailable ? (
          <>
            <div className="byok-divider">or</div>
            <button type="button" className="byok-button" onClick={demo} disabled={busy}>
              Continue as demo user
            </button>
          </>
        ) : null}
      </form>
    </main>
  );
}
