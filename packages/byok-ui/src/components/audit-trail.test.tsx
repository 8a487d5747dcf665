// @vitest-environment jsdom
import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { AuditEntry } from '../api/types.js';
import { createFakeApi } from '../test/fake-api.js';
import { renderWithApi } from '../test/render.js';
import { AuditTrail } from './audit-trail.js';

const entries: AuditEntry[] = Array.from({ length: 5 }, (_, i) => ({
  id: String(100 - i),
  actor: i === 4 ? { type: 'service', id: 'service', onBehalfOf: 'user_1' } : { type: 'user', id: 'user_1' },
  action: i % 2 ? 'key.disabled' : 'key.created',
  targetType: 'key',
  targetId: `key_${i}`,
  createdAt: `2026-03-0${i + 1}T10:00:00.000Z`,
  details: { provider: 'openai', environment: 'production', nested: { skip: true } },
  context: {},
  owner: { type: 'user', id: 'user_1' },
  hash: `hash_${i}`,
}));

describe('AuditTrail', () => {
  it('shows a loading state, then entries, and pages back', async () => {
    const api = createFakeApi({ audit: entries });
    const release = api.hold('GET /audit');
    const { user } = renderWithApi(<AuditTrail pageSize={3} />, { api });
    expect(screen.getByRole('status').textContent).toMatch(/Loading the audit trail/);
    release();
    const table = await screen.findByRole('table');
    expect(within(table).getAllByRole('row')).toHaveLength(4);
    const first = within(table).getAllByRole('row')[1] as HTMLElement;
    expect(first.textContent).toContain('Key created');
    expect(first.textContent).toContain('key_0');
    expect(first.textContent).toContain('provider: openai · environment: production');
    expect(first.textContent).not.toContain('nested');
    await user.click(screen.getByRole('button', { name: 'Load older entries' }));
    expect(await within(table).findByText('key_4', { exact: false })).toBeTruthy();
    expect(within(table).getAllByRole('row')).toHaveLength(6);
    expect(within(table).getAllByRole('row')[5]?.textContent).toContain('Service (for user_1)');
    expect(screen.queryByRole('button', { name: 'Load older entries' })).toBeNull();
    expect(api.calls.map((c) => c.path)).toEqual(['/audit?limit=3', '/audit?limit=3&before=98']);
  });

  it('shows an empty state', async () => {
    renderWithApi(<AuditTrail />);
    expect(await screen.findByText('No activity yet')).toBeTruthy();
  });

  it('shows an error state, and asks for the workspace’s entries in a workspace', async () => {
    const api = createFakeApi();
    api.fail('GET /audit', { status: 403, code: 'FORBIDDEN', message: 'Workspace admins only' });
    renderWithApi(<AuditTrail />, { api, provider: { workspaceId: 'ws_9' } });
    expect((await screen.findByRole('alert')).textContent).toMatch(/permission.*Workspace admins only/);
    expect(api.calls[0]?.path).toBe('/audit?limit=50&workspaceId=ws_9');
  });
});
