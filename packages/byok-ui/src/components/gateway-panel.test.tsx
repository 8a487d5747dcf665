// @vitest-environment jsdom
import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { makeGatewayToken } from '../test/fake-api.js';
import { renderWithApi } from '../test/render.js';
import { GatewayPanel } from './gateway-panel.js';

const usage = (requests: number, costUsd: number, budgetRemainingUsd: number | null = null) => ({
  month: '2026-03',
  requests,
  costUsd,
  budgetRemainingUsd,
});

describe('GatewayPanel usage by token', () => {
  it('shows each token’s requests and cost this month, and the share of its budget used', async () => {
    renderWithApi(<GatewayPanel gatewayUrl="https://byok.test" />, {
      gatewayTokens: [
        makeGatewayToken({ name: 'chat app', monthlyBudgetUsd: 10, usage: usage(1234, 4.5, 5.5) }),
        makeGatewayToken({ name: 'batch job', usage: usage(1, 0.003) }),
        makeGatewayToken({ name: 'over budget', monthlyBudgetUsd: 2, usage: usage(80, 2.5, 0) }),
        makeGatewayToken({ name: 'barely used', monthlyBudgetUsd: 100, usage: usage(2, 0.004, 99.996) }),
      ],
    });
    const table = await screen.findByRole('table', { name: 'Gateway tokens' });
    expect(within(table).getByRole('columnheader', { name: 'Usage' })).toBeTruthy();
    const cellOf = (name: string) => {
      const row = within(table).getByRole('row', { name: new RegExp(name) });
      return row.querySelector('td[data-label="Usage"]') as HTMLElement;
    };
    const widthOf = (cell: HTMLElement) =>
      (cell.querySelector('.byok-health__fill') as HTMLElement | null)?.style.width;

    const chat = cellOf('chat app');
    expect(chat.textContent).toBe('1,234 requests, $4.50 this month45% of budget $10.00/month');
    expect(widthOf(chat)).toBe('45%');
    // The bar only decorates the text, which says the same to a screen reader.
    expect(chat.querySelector('.byok-health__bar')?.getAttribute('aria-hidden')).toBe('true');
    expect(chat.querySelector('.byok-health--good')).toBeTruthy();

    const batch = cellOf('batch job');
    expect(batch.textContent).toBe('1 request, $0.0030 this monthNo budget');
    expect(widthOf(batch)).toBeUndefined();

    const over = cellOf('over budget');
    expect(over.textContent).toBe('80 requests, $2.50 this month100% of budget $2.00/month');
    expect(widthOf(over)).toBe('100%');
    expect(over.querySelector('.byok-health--poor')).toBeTruthy();

    expect(cellOf('barely used').textContent).toContain('under 1% of budget $100.00/month');
  });
});
