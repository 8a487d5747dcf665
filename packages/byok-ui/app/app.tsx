import { useCallback, useEffect, useState } from 'react';
import { BYOKProvider, type DashboardTab, KeyManagementDashboard } from '../src/index.js';
import { clearSession, loadSession, type Session, saveSession } from './session.js';
import { SignIn } from './sign-in.js';

export const API_URL = '/api';
const TABS: readonly DashboardTab[] = [
  'keys',
  'usage',
  'fallback',
  'alerts',
  'gateway',
  'workspaces',
  'audit',
];

function tabFromHash(): DashboardTab {
  const name = window.location.hash.replace(/^#\/?/, '');
  return (TABS as readonly string[]).includes(name) ? (name as DashboardTab) : 'keys';
}

/** The standalone dashboard: sign in, then manage keys. The tab is kept in the URL hash. */
export function App() {
  const [session, setSession] = useState<Session | undefined>(loadSession);
  const [notice, setNotice] = useState<string | undefined>();
  const [tab, setTab] = useState<DashboardTab>(tabFromHash);

  useEffect(() => {
    const onHash = () => setTab(tabFromHash());
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);

  const signIn = (next: Session) => {
    saveSession(next);
    setNotice(undefined);
    setSession(next);
  };
  const signOut = useCallback((message?: string) => {
    clearSession();
    setSession(undefined);
    setNotice(message);
  }, []);
  const onTabChange = (next: DashboardTab) => {
    setTab(next);
    window.history.replaceState(null, '', `#${next}`);
  };

  if (!session) return <SignIn apiUrl={API_URL} onSignedIn={signIn} notice={notice} />;

  return (
    <>
      <header className="byok-app__header">
        <h1 className="byok-app__brand">API key management</h1>
        <div className="byok-actions">
          {session.userId ? <span className="byok-muted">Signed in as {session.userId}</span> : null}
          <button type="button" className="byok-button" onClick={() => signOut()}>
            Sign out
          </button>
        </div>
      </header>
      <main className="byok-app__main">
        <BYOKProvider
          userId={session.userId}
          apiUrl={API_URL}
          enableAnalytics={true}
          token={session.token}
          onUnauthorized={() => signOut('Your session has ended. Sign in again.')}
        >
          <KeyManagementDashboard tab={tab} onTabChange={onTabChange} />
        </BYOKProvider>
      </main>
    </>
  );
}
