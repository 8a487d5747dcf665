/*
 * The sign-in token lives in sessionStorage only: it is gone when the tab closes, and it is never
 * written to localStorage or a cookie. Provider secrets are never stored in the browser at all.
 */
const TOKEN = 'byok.token';
const USER = 'byok.userId';

export interface Session {
  token: string;
  userId: string | undefined;
}

export function loadSession(): Session | undefined {
  try {
    const token = sessionStorage.getItem(TOKEN);
    if (!token) return undefined;
    return { token, userId: sessionStorage.getItem(USER) ?? undefined };
  } catch {
    return undefined;
  }
}

export function saveSession(session: Session): void {
  sessionStorage.setItem(TOKEN, session.token);
  if (session.userId) sessionStorage.setItem(USER, session.userId);
  else sessionStorage.removeItem(USER);
}

export function clearSession(): void {
  sessionStorage.removeItem(TOKEN);
  sessionStorage.removeItem(USER);
}
