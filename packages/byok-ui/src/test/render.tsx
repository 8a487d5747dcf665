import { cleanup, configure, type RenderResult, render } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { ReactElement } from 'react';
import { afterEach } from 'vitest';
import { createBYOKClient } from '../api/client.js';
import { BYOKProvider, type BYOKProviderProps } from '../components/byok-provider.js';
import { createFakeApi, type FakeApi, type FakeApiOptions } from './fake-api.js';

// The charts load lazily; on a busy 2-core machine the first import can take a few seconds.
configure({ asyncUtilTimeout: 8000 });

afterEach(() => cleanup());

/** The dashboard's tabs, in order. */
export const DASHBOARD_TABS = ['Keys', 'Usage', 'Fallback', 'Alerts', 'Gateway', 'Workspaces', 'Audit'];

export interface Rendered extends RenderResult {
  api: FakeApi;
  user: ReturnType<typeof userEvent.setup>;
}

/** Renders `ui` inside a BYOKProvider whose client talks to a fresh fake API. */
export function renderWithApi(
  ui: ReactElement,
  options: FakeApiOptions & { provider?: Partial<BYOKProviderProps>; api?: FakeApi } = {},
): Rendered {
  const api = options.api ?? createFakeApi(options);
  const client = createBYOKClient({ apiUrl: '/api', token: 'test-token', fetch: api.fetch });
  const user = userEvent.setup();
  const result = render(
    <BYOKProvider userId="user_1" client={client} {...options.provider}>
      {ui}
    </BYOKProvider>,
  );
  return { ...result, api, user };
}
