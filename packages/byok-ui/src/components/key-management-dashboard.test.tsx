// @vitest-environment jsdom
import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { createFakeApi, makeKey, sampleUsage } from '../test/fake-api.js';
import { DASHBOARD_TABS, renderWithApi } from '../test/render.js';
import { KeyManagementDashboard } from './key-management-dashboard.js';

const SECRET = 'sk-proj-DashSecret7788zzqq';

describe('KeyManagementDashboard', () => {
  it('has Keys, Usage, Fallback, Alerts, Gateway, Workspaces and Audit tabs that work with arrow keys', async () => {
    const onTabChange = vi.fn();
    const { user } = renderWithApi(<KeyManagementDashboard onTabChange={onTabChange} />, {
      keys: [makeKey({ alias: 'Prod bot' })],
      usage: sampleUsage({ openai: 'a', anthropic: 'b' }),
    });
    const tabs = screen.getAllByRole('tab');
    expect(tabs.map((t) => t.textContent)).toEqual(DASHBOARD_TABS);
    expect(tabs[0]?.getAttribute('aria-selected')).toBe('true');
    expect(await screen.findByText('Prod bot')).toBeTruthy();

    (tabs[0] as HTMLElement).focus();
    await user.keyboard('{ArrowRight}');
    expect(document.activeElement).toBe(screen.getByRole('tab', { name: 'Usage' }));
    expect(screen.getByRole('tabpanel', { name: 'Usage' })).toBeTruthy();
    expect(await screen.findByText('Requests over time')).toBeTruthy();
    await user.keyboard('{End}');
    expect(screen.getByRole('tab', { name: 'Audit', selected: true })).toBeTruthy();
    await user.keyboard('{ArrowRight}');
    expect(screen.getByRole('tab', { name: 'Keys', selected: true })).toBeTruthy();
    expect(onTabChange.mock.calls.map((c) => c[0])).toEqual(['usage', 'audit', 'keys']);
  });

  it('adds a key from the Keys tab and shows it masked in the list', async () => {
    const { user, api, container } = renderWithApi(<KeyManagementDashboard />);
    expect(await screen.findByText('No keys yet')).toBeTruthy();
    const add = screen.getByRole('button', { name: 'Add key' });
    expect(add.getAttribute('aria-expanded')).toBe('false');
    await user.click(add);
    const form = await screen.findByRole('form', { name: 'Add a key' });
    await user.type(await within(form).findByLabelText('API key'), SECRET);
    await user.type(within(form).getByLabelText(/Alias/), 'Dash key');
    await user.click(within(form).getByRole('button', { name: 'Add key' }));
    const table = await screen.findByRole('table', { name: 'Stored keys' });
    expect(within(table).getByText('Dash key')).toBeTruthy();
    expect(within(table).getByText('sk-proj-…zzqq')).toBeTruthy();
    expect(container.innerHTML).not.toContain('DashSecret7788');
    expect(api.keys).toHaveLength(1);
  });

  it('tests every key at once', async () => {
    const { user, api } = renderWithApi(<KeyManagementDashboard />, {
      keys: [makeKey({ alias: 'One' }), makeKey({ alias: 'Broken' })],
    });
    await screen.findByText('One');
    await user.click(screen.getByRole('button', { name: 'Test all keys' }));
    expect((await screen.findByText(/1 of 2 keys failed/)).textContent).toBeTruthy();
    expect(api.calls.some((c) => c.path === '/keys/validate-all')).toBe(true);
  });

  it('falls back to one test per key on a server without validate-all', async () => {
    const api = createFakeApi({ keys: [makeKey({ id: 'key_1', alias: 'One' })] });
    api.fail('POST /keys/validate-all', {
      status: 404,
      code: 'NOT_FOUND',
      message: 'No route for POST /api/keys/validate-all',
    });
    const { user } = renderWithApi(<KeyManagementDashboard />, { api });
    await screen.findByText('One');
    await user.click(screen.getByRole('button', { name: 'Test all keys' }));
    expect(await screen.findByText('All 1 key work.')).toBeTruthy();
    expect(api.calls.some((c) => c.path === '/keys/key_1/test')).toBe(true);
  });

  it('shows a key’s details when it is selected', async () => {
    const { user } = renderWithApi(<KeyManagementDashboard />, {
      keys: [makeKey({ alias: 'Prod bot', fingerprint: 'fp_abc123', description: 'Chat backend' })],
    });
    await user.click(await screen.findByRole('button', { name: 'Prod bot' }));
    const details = screen.getByRole('region', { name: 'Prod bot details' });
    expect(details.textContent).toContain('fp_abc123');
    expect(details.textContent).toContain('Chat backend');
    await user.click(within(details).getByRole('button', { name: 'Close details' }));
    expect(screen.queryByRole('region', { name: 'Prod bot details' })).toBeNull();
  });

  it('switches between the user’s own keys and a workspace’s', async () => {
    const onWorkspaceChange = vi.fn();
    const { user, api } = renderWithApi(<KeyManagementDashboard />, {
      me: {
        userId: 'user_1',
        isServiceToken: false,
        workspaces: [{ id: 'ws_1', name: 'Acme', role: 'admin' }],
      },
      keys: [
        makeKey({ alias: 'Mine' }),
        makeKey({ alias: 'Team key', workspaceId: 'ws_1', owner: { type: 'workspace', id: 'ws_1' } }),
      ],
      provider: { onWorkspaceChange },
    });
    expect(await screen.findByText('Mine')).toBeTruthy();
    await user.selectOptions(await screen.findByLabelText('Workspace'), 'ws_1');
    expect(await screen.findByText('Team key')).toBeTruthy();
    expect(screen.queryByText('Mine')).toBeNull();
    expect(onWorkspaceChange).toHaveBeenCalledWith('ws_1');
    expect(api.calls.map((c) => c.path)).toContain('/workspaces/ws_1/ai-providers');
  });

  it('shows no workspace switcher to users without workspaces, and no Usage tab without analytics', async () => {
    const { api } = renderWithApi(<KeyManagementDashboard />, { provider: { enableAnalytics: false } });
    await waitFor(() => expect(api.calls.some((c) => c.path === '/me')).toBe(true));
    await screen.findByText('No keys yet');
    expect(screen.queryByLabelText('Workspace')).toBeNull();
    expect(screen.getAllByRole('tab').map((t) => t.textContent)).toEqual([
      'Keys',
      'Fallback',
      'Alerts',
      'Gateway',
      'Workspaces',
      'Audit',
    ]);
  });
});
