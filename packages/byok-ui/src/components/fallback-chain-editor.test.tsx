// @vitest-environment jsdom
import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { createFakeApi, makeKey } from '../test/fake-api.js';
import { renderWithApi } from '../test/render.js';
import { FallbackChainEditor } from './fallback-chain-editor.js';

const keys = [
  makeKey({ id: 'key_1', alias: 'Primary', priority: 0 }),
  makeKey({ id: 'key_2', alias: 'Backup one', priority: 1 }),
  makeKey({ id: 'key_3', alias: 'Backup two', priority: 2 }),
  makeKey({ id: 'key_s', alias: 'Staging', environment: 'staging' }),
];

const names = () =>
  within(screen.getByRole('list', { name: 'Keys in the order they are tried' }))
    .getAllByRole('listitem')
    .map((item) => within(item).getByRole('checkbox').parentElement?.textContent?.split(' ')[0]);

describe('FallbackChainEditor', () => {
  it('shows a loading state, then the saved chain in order', async () => {
    const api = createFakeApi({
      keys,
      chains: {
        'openai:production': {
          primaryKeyId: 'key_3',
          fallbackSequence: ['key_1'],
          useSystemFallback: true,
          maxRetries: 2,
          retryDelayMs: 500,
        },
      },
    });
    const release = api.hold('GET /fallback-chains/openai');
    renderWithApi(<FallbackChainEditor provider="openai" environment="production" />, { api });
    expect((await screen.findByRole('status')).textContent).toMatch(/Loading the fallback chain/);
    release();
    await screen.findByRole('list', { name: 'Keys in the order they are tried' });
    expect(names()).toEqual(['Backup', 'Primary', 'Backup']);
    const items = screen.getAllByRole('listitem');
    expect(within(items[0] as HTMLElement).getByText('Primary', { selector: '.byok-badge' })).toBeTruthy();
    expect((within(items[2] as HTMLElement).getByRole('checkbox') as HTMLInputElement).checked).toBe(false);
    expect((screen.getByRole('switch', { name: /system key/ }) as HTMLInputElement).checked).toBe(true);
    expect((screen.getByLabelText('Retries per key') as HTMLInputElement).value).toBe('2');
    expect(api.calls.find((c) => c.path.startsWith('/fallback-chains'))?.path).toBe(
      '/fallback-chains/openai?environment=production',
    );
  });

  it('reorders with keyboard-accessible Up/Down buttons, keeps focus on the moved key, and saves', async () => {
    const onSaved = vi.fn();
    const { user, api } = renderWithApi(<FallbackChainEditor onSaved={onSaved} />, { keys });
    expect(await screen.findByText(/No chain saved yet/)).toBeTruthy();
    const down = screen.getByRole('button', { name: 'Move Primary down' });
    expect((screen.getByRole('button', { name: 'Move Primary up' }) as HTMLButtonElement).disabled).toBe(
      true,
    );
    down.focus();
    await user.keyboard('{Enter}');
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Move Primary down' }));
    expect(screen.getByText(/Primary moved to position 2 of 3/)).toBeTruthy();
    await user.keyboard('{Enter}');
    // At the bottom "Down" is disabled: focus moves to "Up" of the same key.
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Move Primary up' }));

    await user.click(screen.getByRole('checkbox', { name: /Backup two/ }));
    await user.click(screen.getByRole('switch', { name: /system key/ }));
    await user.clear(screen.getByLabelText('Delay between retries (ms)'));
    await user.type(screen.getByLabelText('Delay between retries (ms)'), '250');
    await user.click(screen.getByRole('button', { name: 'Save chain' }));
    expect(await screen.findByText('Fallback chain saved.')).toBeTruthy();
    const put = api.calls.find((c) => c.method === 'PUT');
    expect(put?.path).toBe('/fallback-chains/openai?environment=production');
    expect(put?.body).toEqual({
      primaryKeyId: 'key_2',
      fallbackSequence: ['key_1'],
      useSystemFallback: true,
      maxRetries: 3,
      retryDelayMs: 250,
    });
    expect(onSaved).toHaveBeenCalled();
  });

  it('loads the chosen environment and says when there are no keys', async () => {
    const { user } = renderWithApi(<FallbackChainEditor />, { keys });
    await screen.findByRole('list');
    await user.selectOptions(screen.getByLabelText('Environment'), 'staging');
    await waitFor(() => expect(names()).toEqual(['Staging']));
    await user.selectOptions(screen.getByLabelText('Provider'), 'deepgram');
    expect(await screen.findByText('No keys for this provider and environment')).toBeTruthy();
  });

  it('refuses to save an empty chain', async () => {
    const { user, api } = renderWithApi(<FallbackChainEditor environment="staging" />, { keys });
    await user.click(await screen.findByRole('checkbox', { name: /Staging/ }));
    await user.click(screen.getByRole('button', { name: 'Save chain' }));
    expect((await screen.findByRole('alert')).textContent).toMatch(/at least one key/);
    expect(api.calls.some((c) => c.method === 'PUT')).toBe(false);
  });

  it('shows an error state, and a plain message when the server has no fallback routes', async () => {
    const api = createFakeApi({ keys });
    api.fail('GET /fallback-chains/openai', { status: 500, code: 'INTERNAL', message: 'boom' });
    renderWithApi(<FallbackChainEditor />, { api });
    expect((await screen.findByRole('alert')).textContent).toMatch(/Could not load the fallback chain/);

    const old = createFakeApi({ keys });
    old.fail('GET /fallback-chains/openai', {
      status: 404,
      code: 'NOT_FOUND',
      message: 'No route for GET /api/fallback-chains/openai',
    });
    renderWithApi(<FallbackChainEditor />, { api: old });
    expect(await screen.findByText('Fallback chains are not available on this server')).toBeTruthy();
  });
});
