// @vitest-environment jsdom
/*
 * The "User Interface Integration" samples of spec/byok-implementation-guide.md, as written
 * (only `user`, `setShowForm` and `setSelectedKey` are supplied). No token is given: the host app's
 * cookie session authenticates, so the components must work without one.
 */
import { configure, render, screen, within } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';

// The charts load lazily; on a busy 2-core machine the first import can take a few seconds.
configure({ asyncUtilTimeout: 8000 });

import {
  AddKeyForm,
  BYOKProvider,
  type Key,
  KeyList,
  KeyManagementDashboard,
  UsageDashboard,
} from '../index.js';
import { createFakeApi, makeKey, sampleUsage } from '../test/fake-api.js';
import { DASHBOARD_TABS } from '../test/render.js';

// As in byok-core (`ProviderType.OPENAI === 'openai'`).
enum ProviderType {
  OPENAI = 'openai',
}

const user = { id: 'user_1' };

afterEach(() => vi.unstubAllGlobals());

describe('spec samples', () => {
  it('React Components: BYOKProvider + KeyManagementDashboard', async () => {
    const api = createFakeApi({ keys: [makeKey({ alias: 'Prod bot' })] });
    vi.stubGlobal('fetch', api.fetch);
    function App() {
      return (
        <BYOKProvider userId={user.id} apiUrl="/api/byok" enableAnalytics={true}>
          <div className="p-6">
            <h1 className="text-2xl font-bold mb-6">API Key Management</h1>
            <KeyManagementDashboard />
          </div>
        </BYOKProvider>
      );
    }
    render(<App />);
    expect(await screen.findByText('Prod bot')).toBeTruthy();
    expect(screen.getAllByRole('tab').map((t) => t.textContent)).toEqual(DASHBOARD_TABS);
    expect(api.calls.every((c) => c.authorization === null)).toBe(true);
  });

  it('Individual Components: AddKeyForm, KeyList, UsageDashboard', async () => {
    const keys = [makeKey({ id: 'key_1', alias: 'Prod bot' })];
    const api = createFakeApi({ keys, usage: sampleUsage({ openai: 'key_1', anthropic: 'key_2' }) });
    vi.stubGlobal('fetch', api.fetch);
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    let selected: Key | undefined;
    function Page() {
      const [showForm, setShowForm] = useState(true);
      const [selectedKey, setSelectedKey] = useState<Key>();
      selected = selectedKey;
      return (
        <BYOKProvider userId={user.id} apiUrl="/api/byok" enableAnalytics={true}>
          {showForm ? (
            <AddKeyForm
              provider={ProviderType.OPENAI}
              onKeyAdded={(keyId) => console.log('Added:', keyId)}
              onCancel={() => setShowForm(false)}
            />
          ) : null}
          <KeyList
            showHealthStatus={true}
            enableBulkActions={true}
            onKeySelect={(key) => setSelectedKey(key)}
          />
          <UsageDashboard timeRange="7d" showCostBreakdown={true} showProviderComparison={true} />
        </BYOKProvider>
      );
    }
    const { default: userEvent } = await import('@testing-library/user-event');
    const user_ = userEvent.setup();
    render(<Page />);
    const form = await screen.findByRole('form', { name: 'Add a key' });
    await user_.type(within(form).getByLabelText('API key'), 'sk-proj-SampleKey12345');
    await user_.click(within(form).getByRole('button', { name: 'Add key' }));
    await within(form).findByText(/Key added/);
    expect(log).toHaveBeenCalledWith('Added:', api.keys[1]?.id);
    await user_.click(within(form).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('form', { name: 'Add a key' })).toBeNull();

    await user_.click(await screen.findByRole('button', { name: 'Prod bot' }));
    expect(selected?.id).toBe('key_1');
    expect(screen.getByRole('checkbox', { name: 'Select all keys' })).toBeTruthy();
    expect(await screen.findByRole('heading', { name: 'Cost breakdown' })).toBeTruthy();
    expect(screen.getByRole('heading', { name: 'Provider comparison' })).toBeTruthy();
    expect(api.calls.some((c) => c.path === '/usage/analytics?timeRange=7d&groupBy=day')).toBe(true);
  });
});
