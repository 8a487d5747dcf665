import { createContext } from 'react';
import type { BYOKClient } from './api/client.js';

/** What `<BYOKProvider>` gives the components below it. */
export interface BYOKContextValue {
  client: BYOKClient;
  apiUrl: string;
  /** The signed-in user, as the host app knows them (display and cache key only; the token decides). */
  userId: string | undefined;
  enableAnalytics: boolean;
  /** The workspace whose keys are shown; undefined for the user's own keys. */
  workspaceId: string | undefined;
  setWorkspaceId(workspaceId: string | undefined): void;
  /** Bumped after every change, so that every list re-reads. */
  revision: number;
  /** Tells every component that data changed (after a write). */
  invalidate(): void;
}

export const BYOKContext = createContext<BYOKContextValue | null>(null);
