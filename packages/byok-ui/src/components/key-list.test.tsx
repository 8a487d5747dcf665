// @vitest-environment jsdom
import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { createFakeApi, makeKey } from '../test/fake-api.js';
import { renderWithApi } from '../test/render.js';
import { KeyList } from './key-list.js';

const twoKeys = () => [
  makeKey({ id: 'key_a', alias: 'Prod bot', keyHint: 'sk-proj-…a1b2', healthScore: 96 }),
  makeKey({
    id: 'key_b',
    alias: 'Backup',
    provider: 'anthropic',
    environment: 'staging',
    status: 'disabled',
    isActive: false,
    keyHint: 'sk-ant-…z9y8',
    healthScore: 40,
    lastValidatedAt: null,
  }),
];

describe('KeyList', () => {
  it('shows a loading state, then the keys with masked hints, status and health', async () => {
    const api = createFakeApi({ keys: twoKeys() });
    const release = api.hold('GET /keys');
    renderWithApi(<KeyList showHealthStatus />, { api });
    expect(screen.getByRole('status').textContent).toMatch(/Loading keys/);
    release();
    const table = await screen.findByRole('table', { name: 'Stored keys' });
    const rows = within(table).getAllByRole('row');
    expect(rows).toHaveLength(3);
    const first = rows[1] as HTMLElement;
    expect(first.textContent).toContain('OpenAI');
    expect(first.textContent).toContain('Prod bot');
    expect(first.textContent).toContain('sk-proj-…a1b2');
    expect(first.textContent).toContain('Production');
    expect(first.textContent).toContain('active');
    expect(first.textContent).toContain('96/100');
    const second = rows[2] as HTMLElement;
    expect(second.textContent).toContain('disabled');
    expect(second.textContent).toContain('40/100');
    expect(second.textContent).toContain('(poor)');
    expect(second.textContent).toContain('Never');
    expect(within(table).getByRole('columnheader', { name: 'Last validated' })).toBeTruthy();
  });

  it('tells the user which keys a security incident marked compromised', async () => {
    renderWithApi(<KeyList />, {
      keys: [
        ...twoKeys(),
        makeKey({
          id: 'key_c',
          alias: 'Leaked',
          status: 'compromised',
          isActive: false,
          keyHint: 'sk-proj-…c3d4',
        }),
      ],
    });
    const banner = await screen.findByRole('alert');
    expect(banner.textContent).toContain('One key needs replacing after a security incident');
    expect(banner.textContent).toContain('OpenAI — Leaked');
    expect(banner.textContent).not.toContain('Prod bot');
  });

  it('shows no incident banner when no key is compromised', async () => {
    renderWithApi(<KeyList />, { keys: twoKeys() });
    await screen.findByRole('table');
    expect(screen.queryByText(/security incident/)).toBeNull();
  });

  it('hides health columns when showHealthStatus is false', async () => {
    renderWithApi(<KeyList showHealthStatus={false} />, { keys: twoKeys() });
    await screen.findByRole('table');
    expect(screen.queryByRole('columnheader', { name: 'Health' })).toBeNull();
    expect(screen.queryByText('96/100')).toBeNull();
  });

  it('shows an empty state with the given action', async () => {
    renderWithApi(<KeyList emptyAction={<button type="button">Add your first key</button>} />);
    expect(await screen.findByText('No keys yet')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Add your first key' })).toBeTruthy();
  });

  it('shows an error state and retries', async () => {
    const api = createFakeApi({ keys: twoKeys() });
    api.fail('GET /keys', {
      status: 503,
      code: 'ENCRYPTION_NOT_CONFIGURED',
      message: 'ENCRYPTION_MASTER_KEY not configured',
    });
    const { user } = renderWithApi(<KeyList />, { api });
    expect((await screen.findByRole('alert')).textContent).toMatch(/ENCRYPTION_MASTER_KEY not configured/);
    api.clear();
    await user.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByText('Prod bot')).toBeTruthy();
  });

  it('says so when the session has ended, and tells the provider', async () => {
    const api = createFakeApi();
    api.fail('GET /keys', { status: 401, code: 'UNAUTHENTICATED', message: 'Token expired' });
    const onUnauthorized = vi.fn();
    // A provider without an injected client builds its own, which reports 401s.
    const { BYOKProvider } = await import('./byok-provider.js');
    const { render } = await import('@testing-library/react');
    vi.stubGlobal('fetch', api.fetch);
    try {
      render(
        <BYOKProvider apiUrl="/api" token="expired" onUnauthorized={onUnauthorized}>
          <KeyList />
        </BYOKProvider>,
      );
      expect((await screen.findByRole('alert')).textContent).toMatch(/session has ended/);
      expect(onUnauthorized).toHaveBeenCalledWith(
        expect.objectContaining({ status: 401, code: 'UNAUTHENTICATED' }),
      );
      expect(api.calls[0]?.authorization).toBe('Bearer expired');
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('tests a key and shows the result and the new health', async () => {
    const keys = twoKeys();
    (keys[0] as { healthScore: number }).healthScore = 50;
    const { user, api } = renderWithApi(<KeyList />, { keys });
    await user.click(await screen.findByRole('button', { name: 'Test Prod bot' }));
    expect((await screen.findByText(/The key works/)).textContent).toMatch(/123 ms/);
    expect(api.calls.some((c) => c.method === 'POST' && c.path === '/keys/key_a/test')).toBe(true);
    await waitFor(() => expect(screen.getByText('100/100')).toBeTruthy());
  });

  it('shows a failed test as an error on the row', async () => {
    const keys = [makeKey({ id: 'key_x', alias: 'Broken' })];
    const { user } = renderWithApi(<KeyList />, { keys });
    await user.click(await screen.findByRole('button', { name: 'Test Broken' }));
    expect((await screen.findByText(/did not accept the key/)).textContent).toMatch(
      /Incorrect API key provided/,
    );
    await waitFor(() => expect(screen.getByText('invalid')).toBeTruthy());
  });

  it('disables and enables keys', async () => {
    const { user, api } = renderWithApi(<KeyList />, { keys: twoKeys() });
    await user.click(await screen.findByRole('button', { name: 'Disable Prod bot' }));
    await screen.findByRole('button', { name: 'Enable Prod bot' });
    expect(api.calls.find((c) => c.method === 'PATCH')?.body).toEqual({ enabled: false });
    await user.click(screen.getByRole('button', { name: 'Enable Backup' }));
    await screen.findByRole('button', { name: 'Disable Backup' });
    expect(api.keys.find((k) => k.id === 'key_b')?.status).toBe('active');
  });

  it('deletes a key only after confirmation, and Cancel or Escape keeps it', async () => {
    const { user, api } = renderWithApi(<KeyList />, { keys: twoKeys() });
    const deleteButton = await screen.findByRole('button', { name: 'Delete Prod bot' });
    await user.click(deleteButton);
    let dialog = screen.getByRole('dialog', { name: 'Delete Prod bot?' });
    expect(dialog.getAttribute('aria-modal')).toBe('true');
    expect(document.activeElement).toBe(within(dialog).getByRole('button', { name: 'Cancel' }));
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(document.activeElement).toBe(deleteButton);

    await user.click(deleteButton);
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(api.calls.some((c) => c.method === 'DELETE')).toBe(false);

    await user.click(deleteButton);
    dialog = screen.getByRole('dialog');
    await user.click(within(dialog).getByRole('button', { name: 'Delete key' }));
    await waitFor(() => expect(screen.queryByText('Prod bot')).toBeNull());
    expect(api.calls.filter((c) => c.method === 'DELETE').map((c) => c.path)).toEqual(['/keys/key_a']);
    expect(screen.getByText('Backup')).toBeTruthy();
  });

  it('edits alias, description and priority, sending only what changed', async () => {
    const { user, api } = renderWithApi(<KeyList />, { keys: twoKeys() });
    await user.click(await screen.findByRole('button', { name: 'Edit Prod bot' }));
    const dialog = screen.getByRole('dialog', { name: 'Edit Prod bot' });
    expect((within(dialog).getByLabelText(/Alias/) as HTMLInputElement).value).toBe('Prod bot');
    // It opens with the key's priority, as the server sends it.
    expect((within(dialog).getByLabelText(/Priority/) as HTMLInputElement).value).toBe('0');
    await user.clear(within(dialog).getByLabelText(/Priority/));
    await user.type(within(dialog).getByLabelText(/Description/), 'Nightly batch');
    await user.type(within(dialog).getByLabelText(/Priority/), '5000');
    await user.click(within(dialog).getByRole('button', { name: 'Save changes' }));
    // Out of the server's range: refused on the page, nothing sent.
    expect(within(dialog).getByText(/whole number from -1000 to 1000/)).toBeTruthy();
    expect(api.calls.some((c) => c.method === 'PATCH')).toBe(false);
    await user.clear(within(dialog).getByLabelText(/Priority/));
    await user.type(within(dialog).getByLabelText(/Priority/), '2');
    await user.click(within(dialog).getByRole('button', { name: 'Save changes' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(api.calls.filter((c) => c.method === 'PATCH').map((c) => [c.path, c.body])).toEqual([
      ['/keys/key_a', { description: 'Nightly batch', priority: 2 }],
    ]);
    const row = await screen.findByRole('row', { name: /Prod bot/ });
    await within(row).findByText('Nightly batch');
    expect(row.textContent).toContain('Priority 2');
  });

  it('revokes a key with a reason after confirming; a revoked key can only be deleted', async () => {
    const { user, api } = renderWithApi(<KeyList />, { keys: twoKeys() });
    await user.click(await screen.findByRole('button', { name: 'Revoke Prod bot' }));
    let dialog = screen.getByRole('dialog', { name: 'Revoke Prod bot?' });
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Revoke Prod bot' }));
    dialog = screen.getByRole('dialog', { name: 'Revoke Prod bot?' });
    // The reason field has focus: people type it straight away.
    expect(document.activeElement).toBe(within(dialog).getByLabelText(/Reason/));
    await user.keyboard('Leaked in a log');
    await user.click(within(dialog).getByRole('button', { name: 'Revoke key' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(api.calls.filter((c) => c.path.endsWith('/revoke')).map((c) => [c.path, c.body])).toEqual([
      ['/keys/key_a/revoke', { reason: 'Leaked in a log' }],
    ]);
    const row = await screen.findByRole('row', { name: /Prod bot/ });
    await within(row).findByText('revoked');
    expect(within(row).queryByRole('button', { name: /^(Test|Disable|Enable|Edit|Revoke) / })).toBeNull();
    expect(within(row).getByRole('button', { name: 'Delete Prod bot' })).toBeTruthy();
  });

  it('keeps Tab inside the confirmation dialog', async () => {
    const { user } = renderWithApi(<KeyList />, { keys: twoKeys() });
    await user.click(await screen.findByRole('button', { name: 'Delete Backup' }));
    const dialog = screen.getByRole('dialog');
    const [confirm, cancel] = within(dialog).getAllByRole('button');
    expect(document.activeElement).toBe(cancel);
    await user.tab();
    expect(document.activeElement).toBe(confirm);
    await user.tab({ shift: true });
    expect(document.activeElement).toBe(cancel);
  });

  it('replaces a secret with the provider fields, checking the format first', async () => {
    const { user, api } = renderWithApi(<KeyList />, { keys: twoKeys() });
    await user.click(await screen.findByRole('button', { name: 'Replace secret of Prod bot' }));
    const dialog = screen.getByRole('dialog', { name: /Replace the secret of Prod bot/ });
    const input = within(dialog).getByLabelText('API key');
    await user.type(input, 'nope');
    expect(within(dialog).getByText(/does not look like an OpenAI API key/)).toBeTruthy();
    await user.click(within(dialog).getByRole('button', { name: 'Save new secret' }));
    expect(api.calls.some((c) => c.method === 'PATCH')).toBe(false);
    await user.clear(input);
    await user.type(input, 'sk-proj-NEWsecret9999wxyz');
    await user.click(within(dialog).getByRole('button', { name: 'Save new secret' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(api.calls.find((c) => c.method === 'PATCH')?.body).toEqual({
      keyData: { apiKey: 'sk-proj-NEWsecret9999wxyz' },
    });
    expect(await screen.findByText(/Secret replaced/)).toBeTruthy();
    expect(await screen.findByText('sk-proj-…wxyz')).toBeTruthy();
    expect(document.body.innerHTML).not.toContain('NEWsecret9999');
  });

  it('selects keys in bulk and runs the same actions on all of them', async () => {
    const { user, api } = renderWithApi(<KeyList enableBulkActions />, { keys: twoKeys() });
    await user.click(await screen.findByRole('checkbox', { name: 'Select all keys' }));
    expect(screen.getByText('2 selected')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Test selected' }));
    expect(await screen.findByText('Test: done for 2 keys.')).toBeTruthy();
    expect(api.calls.filter((c) => c.path.endsWith('/test')).map((c) => c.path)).toEqual([
      '/keys/key_a/test',
      '/keys/key_b/test',
    ]);

    await user.click(screen.getByRole('checkbox', { name: 'Select all keys' }));
    expect(screen.queryByText(/selected$/)).toBeNull();
    await user.click(screen.getByRole('checkbox', { name: 'Select Backup' }));
    await user.click(screen.getByRole('button', { name: 'Delete selected' }));
    const dialog = screen.getByRole('dialog', { name: 'Delete Backup?' });
    await user.click(within(dialog).getByRole('button', { name: 'Delete key' }));
    expect(await screen.findByText('Deleted 1 key.')).toBeTruthy();
    await waitFor(() => expect(api.keys.map((k) => k.id)).toEqual(['key_a']));
  });

  it('bulk-disables only active keys', async () => {
    const { user, api } = renderWithApi(<KeyList enableBulkActions />, { keys: twoKeys() });
    await user.click(await screen.findByRole('checkbox', { name: 'Select all keys' }));
    await user.click(screen.getByRole('button', { name: 'Disable selected' }));
    await screen.findByText('Disable: done for 2 keys.');
    expect(api.calls.filter((c) => c.method === 'PATCH').map((c) => c.path)).toEqual(['/keys/key_a']);
  });

  it('calls onKeySelect with the chosen key', async () => {
    const onKeySelect = vi.fn();
    const { user } = renderWithApi(<KeyList onKeySelect={onKeySelect} />, { keys: twoKeys() });
    await user.click(await screen.findByRole('button', { name: 'Backup' }));
    expect(onKeySelect).toHaveBeenCalledWith(
      expect.objectContaining({ id: 'key_b', keyHint: 'sk-ant-…z9y8' }),
    );
  });

  it('lists a workspace’s keys when a workspace is selected', async () => {
    const keys = [
      ...twoKeys(),
      makeKey({
        id: 'key_ws',
        alias: 'Team key',
        workspaceId: 'ws_1',
        owner: { type: 'workspace', id: 'ws_1' },
      }),
    ];
    const { api } = renderWithApi(<KeyList />, { keys, provider: { workspaceId: 'ws_1' } });
    expect(await screen.findByText('Team key')).toBeTruthy();
    expect(screen.queryByText('Prod bot')).toBeNull();
    expect(api.calls.map((c) => c.path)).toContain('/workspaces/ws_1/ai-providers');
    expect(api.calls.map((c) => c.path)).not.toContain('/keys');
  });
});
