// @vitest-environment jsdom
import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { createFakeApi, makeKey, sampleUsage } from '../test/fake-api.js';
import { renderWithApi } from '../test/render.js';
import { UsageDashboard } from './usage-dashboard.js';

const keys = [
  makeKey({ id: 'key_openai', alias: 'Prod bot' }),
  makeKey({ id: 'key_claude', alias: 'Claude main', provider: 'anthropic', keyHint: 'sk-ant-…0000' }),
];
const usage = sampleUsage({ openai: 'key_openai', anthropic: 'key_claude' });

describe('UsageDashboard', () => {
  it('shows a loading state, then totals, charts and breakdowns', async () => {
    const api = createFakeApi({ keys, usage });
    const release = api.hold('GET /usage/analytics');
    renderWithApi(<UsageDashboard timeRange="7d" showCostBreakdown showProviderComparison />, { api });
    expect(screen.getByRole('status').textContent).toMatch(/Loading usage/);
    release();
    const requests = await screen.findByText('Requests', { selector: 'dt' });
    expect(requests.nextElementSibling?.textContent).toContain('140');
    expect(requests.nextElementSibling?.textContent).toContain('3 failed');
    expect(screen.getByText('Tokens', { selector: 'dt' }).nextElementSibling?.textContent).toContain('16K');
    for (const title of ['Requests over time', 'Tokens over time', 'Cost over time (USD)']) {
      expect(screen.getByText(title)).toBeTruthy();
    }
    expect(screen.getByRole('heading', { name: 'Cost breakdown' })).toBeTruthy();
    expect(screen.getByRole('heading', { name: 'Provider comparison' })).toBeTruthy();
    const call = api.calls.find((c) => c.path.startsWith('/usage/analytics'));
    expect(call?.path).toBe('/usage/analytics?timeRange=7d&groupBy=day');
  });

  it('shows voice minutes beside tokens', async () => {
    const voice = { ...usage, totals: { ...usage.totals, audioSeconds: 754.2, minutes: 12.57 } };
    renderWithApi(<UsageDashboard />, { keys, usage: voice });
    const minutes = await screen.findByText('Voice minutes', { selector: 'dt' });
    expect(minutes.nextElementSibling?.textContent).toContain('12.6');
    const labels = screen.getAllByRole('term').map((dt) => dt.textContent);
    expect(labels.indexOf('Voice minutes')).toBe(labels.indexOf('Tokens') + 1);
  });

  it('shows unpriced usage as "unpriced", never as $0', async () => {
    renderWithApi(<UsageDashboard />, { keys, usage });
    const cost = await screen.findByText('Cost', { selector: 'dt' });
    expect(cost.nextElementSibling?.textContent).toBe('$1.25 + 40 unpriced requests');
    expect(screen.getByText(/used models without a known price/).textContent).toMatch(/40 requests/);

    const byProvider = screen.getByRole('table', { name: 'By provider' });
    const anthropic = within(byProvider).getByRole('row', { name: /Anthropic/ });
    expect(anthropic.textContent).toContain('unpriced');
    expect(anthropic.textContent).not.toContain('$0');
    const byKey = screen.getByRole('table', { name: 'By key' });
    expect((await within(byKey).findByRole('row', { name: /Claude main/ })).textContent).toContain(
      'unpriced',
    );
    expect(within(byKey).getByRole('row', { name: /Prod bot/ }).textContent).toContain('$1.25');

    // The last day's requests were all unpriced: the data table says so instead of $0.00.
    const rows = screen.getAllByRole('row', { name: /Mar 10/ });
    expect(rows[0]?.textContent).toContain('unpriced');
    expect(rows[0]?.textContent).not.toMatch(/\$0\.00/);
  });

  it('says so instead of drawing a $0 cost line when nothing is priced', async () => {
    const unpriced = {
      ...usage,
      totals: { ...usage.totals, costUsd: null, unpricedRequests: usage.totals.requests },
      series: usage.series.map((point) => ({ ...point, costUsd: null, unpricedRequests: point.requests })),
    };
    renderWithApi(<UsageDashboard />, { keys, usage: unpriced });
    expect((await screen.findByText('Cost', { selector: 'dt' })).nextElementSibling?.textContent).toBe(
      'unpriced',
    );
    expect(screen.getByText(/All usage in this period is/).textContent).toMatch(/unpriced/);
  });

  it('switches the time range with the radio group', async () => {
    const { user, api } = renderWithApi(<UsageDashboard timeRange="7d" />, { keys, usage });
    await screen.findByText('Requests over time');
    const group = screen.getByRole('group', { name: 'Time range' });
    expect((within(group).getByRole('radio', { name: '7 days' }) as HTMLInputElement).checked).toBe(true);
    await user.click(within(group).getByRole('radio', { name: '24 hours' }));
    await waitFor(() =>
      expect(api.calls.map((c) => c.path)).toContain('/usage/analytics?timeRange=24h&groupBy=hour'),
    );
    await user.click(within(group).getByRole('radio', { name: '90 days' }));
    await waitFor(() =>
      expect(api.calls.map((c) => c.path)).toContain('/usage/analytics?timeRange=90d&groupBy=week'),
    );
  });

  it('hides the breakdown and comparison when asked', async () => {
    renderWithApi(<UsageDashboard showCostBreakdown={false} showProviderComparison={false} />, {
      keys,
      usage,
    });
    await screen.findByText('Requests over time');
    expect(screen.queryByRole('heading', { name: 'Cost breakdown' })).toBeNull();
    expect(screen.queryByRole('heading', { name: 'Provider comparison' })).toBeNull();
  });

  it('shows an empty state when nothing was used', async () => {
    renderWithApi(<UsageDashboard />, { keys });
    expect(await screen.findByText('No usage in this period')).toBeTruthy();
  });

  it('shows an error state', async () => {
    const api = createFakeApi({ keys, usage });
    api.fail('GET /usage/analytics', { status: 500, code: 'INTERNAL', message: 'Analytics query failed' });
    renderWithApi(<UsageDashboard />, { api });
    expect((await screen.findByRole('alert')).textContent).toMatch(
      /Could not load usage.*Analytics query failed/,
    );
  });

  it('says analytics are off when the provider turns them off', async () => {
    const { api } = renderWithApi(<UsageDashboard />, { keys, usage, provider: { enableAnalytics: false } });
    expect(screen.getByText('Usage analytics are turned off')).toBeTruthy();
    expect(api.calls).toHaveLength(0);
  });
});
