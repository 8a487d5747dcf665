// @vitest-environment jsdom
import { screen, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { createFakeApi, type FakeApi } from '../test/fake-api.js';
import { renderWithApi } from '../test/render.js';
import { AddKeyForm } from './add-key-form.js';

const SECRET = 'sk-proj-Zx81QmTESTsecret0042abcd';

/** The OpenAI form with SECRET typed in: `button` clicked while the server refuses `route`; the alert's text. */
async function refusedOn(
  button: string,
  route: string,
  error: Parameters<FakeApi['fail']>[1],
): Promise<string | null> {
  const { user, api } = renderWithApi(<AddKeyForm provider="openai" />);
  api.fail(route, error);
  await user.type(await screen.findByLabelText('API key'), SECRET);
  await user.click(screen.getByRole('button', { name: button }));
  return (await screen.findByRole('alert')).textContent;
}

describe('AddKeyForm', () => {
  it('shows a loading state, then the provider fields', async () => {
    renderWithApi(<AddKeyForm provider="openai" />);
    expect(screen.getByRole('status').textContent).toMatch(/loading providers/i);
    expect(await screen.findByLabelText('API key')).toBeTruthy();
    expect((screen.getByLabelText('Provider') as HTMLSelectElement).value).toBe('openai');
    expect(screen.getByLabelText(/Alias/)).toBeTruthy();
    expect(screen.getByLabelText('Environment')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Add key' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Test key' })).toBeTruthy();
  });

  it('shows an error state with a retry when the providers cannot be loaded', async () => {
    const api = createFakeApi();
    api.fail('GET /providers', { status: 500, code: 'INTERNAL', message: 'Database unreachable' });
    const { user } = renderWithApi(<AddKeyForm />, { api });
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toMatch(/Could not load the providers/);
    expect(alert.textContent).toMatch(/Database unreachable/);
    expect(alert.textContent).toMatch(/Reference: req_test/);
    api.clear();
    await user.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByLabelText('API key')).toBeTruthy();
  });

  it('asks Twilio for "Account SID" and "Auth Token", and checks their format while typing', async () => {
    const { user } = renderWithApi(<AddKeyForm provider="twilio" />);
    const sid = await screen.findByLabelText('Account SID');
    const token = screen.getByLabelText('Auth Token');
    expect(screen.queryByLabelText('API key')).toBeNull();
    expect((token as HTMLInputElement).type).toBe('password');
    expect((sid as HTMLInputElement).type).toBe('text');

    await user.type(sid, 'XY123');
    expect(
      screen.getByText(/does not look like a Twilio Account SID \(expected it to start with AC\)/),
    ).toBeTruthy();
    expect(sid.getAttribute('aria-invalid')).toBe('true');

    await user.clear(sid);
    await user.type(sid, `AC${'a1'.repeat(16)}`);
    expect(sid.getAttribute('aria-invalid')).toBeNull();
    expect(screen.getAllByText('Format looks right')).toHaveLength(1);

    await user.type(token, 'short');
    expect(screen.getByText(/expected at least 16 letters or digits/)).toBeTruthy();
  });

  it('switches fields with the provider and never carries a secret over', async () => {
    const { user } = renderWithApi(<AddKeyForm provider="openai" />);
    await user.type(await screen.findByLabelText('API key'), SECRET);
    await user.selectOptions(screen.getByLabelText('Provider'), 'anthropic');
    const input = screen.getByLabelText('API key') as HTMLInputElement;
    expect(input.value).toBe('');
    await user.type(input, 'sk-proj-abcdefgh');
    expect(
      screen.getByText(/does not look like an Anthropic API key \(expected it to start with sk-ant-\)/),
    ).toBeTruthy();
    await user.clear(input);
    await user.type(input, 'sk-ant-admin01-xyz');
    expect(screen.getByText(/Admin API key/)).toBeTruthy();
  });

  it('refuses to submit with a missing or malformed key, and focuses the field', async () => {
    const { user, api } = renderWithApi(<AddKeyForm provider="openai" />);
    await screen.findByLabelText('API key');
    await user.click(screen.getByRole('button', { name: 'Add key' }));
    expect(screen.getByText('API key is required')).toBeTruthy();
    expect(document.activeElement).toBe(screen.getByLabelText('API key'));
    expect(api.calls.some((c) => c.method === 'POST')).toBe(false);
  });

  it('tests a credential before saving, without storing it', async () => {
    const { user, api } = renderWithApi(<AddKeyForm provider="openai" />);
    await user.type(await screen.findByLabelText('API key'), SECRET);
    await user.click(screen.getByRole('button', { name: 'Test key' }));
    expect((await screen.findByText(/The key works/)).textContent).toMatch(/health 100\/100, 123 ms/);
    const call = api.calls.find((c) => c.path === '/keys/test-credential');
    expect(call?.body).toEqual({ provider: 'openai', keyData: { apiKey: SECRET } });
    expect(api.keys).toHaveLength(0);

    await user.clear(screen.getByLabelText('API key'));
    await user.type(screen.getByLabelText('API key'), 'sk-proj-bad0000000');
    await user.click(screen.getByRole('button', { name: 'Test key' }));
    expect((await screen.findByRole('alert')).textContent).toMatch(
      /did not accept the key: Incorrect API key provided/,
    );
  });

  it('explains when the server cannot test before saving', async () => {
    const alert = await refusedOn('Test key', 'POST /keys/test-credential', {
      status: 404,
      code: 'NOT_FOUND',
      message: 'No route for POST /api/keys/test-credential',
    });
    expect(alert).toMatch(/cannot test a key before it is saved/);
  });

  it('adds the key, reports its masked hint, and clears the secret from the form', async () => {
    const onKeyAdded = vi.fn();
    const { user, api, container } = renderWithApi(<AddKeyForm provider="openai" onKeyAdded={onKeyAdded} />);
    await user.type(await screen.findByLabelText('API key'), `  ${SECRET} `);
    await user.type(screen.getByLabelText(/Alias/), 'Prod bot');
    await user.selectOptions(screen.getByLabelText('Environment'), 'staging');
    await user.click(screen.getByRole('button', { name: 'Add key' }));

    const notice = await screen.findByText(/Key added/);
    expect(notice.textContent).toMatch(/sk-proj-…abcd/);
    expect(onKeyAdded).toHaveBeenCalledWith(api.keys[0]?.id, expect.objectContaining({ alias: 'Prod bot' }));
    expect(api.secrets.get(api.keys[0]?.id ?? '')).toEqual({ apiKey: SECRET });
    expect(api.calls.find((c) => c.method === 'POST' && c.path === '/keys')?.body).toEqual({
      provider: 'openai',
      keyData: { apiKey: SECRET },
      environment: 'staging',
      alias: 'Prod bot',
    });
    expect((screen.getByLabelText('API key') as HTMLInputElement).value).toBe('');
    expect(container.innerHTML).not.toContain(SECRET.slice(8));
  });

  it('shows the server refusal and keeps the typed values', async () => {
    const alert = await refusedOn('Add key', 'POST /keys', {
      status: 400,
      code: 'INVALID_KEY_FORMAT',
      message: 'This does not look like an OpenAI API key',
    });
    expect(alert).toMatch(/does not look like an OpenAI API key/);
    expect((screen.getByLabelText('API key') as HTMLInputElement).value).toBe(SECRET);
  });

  it('sends a Twilio credential with both fields and a Cancel button calls onCancel', async () => {
    const onCancel = vi.fn();
    const { user, api } = renderWithApi(<AddKeyForm provider="twilio" onCancel={onCancel} />);
    const sid = `AC${'0123456789abcdef'.repeat(2)}`;
    const token = 'f'.repeat(32);
    await user.type(await screen.findByLabelText('Account SID'), sid);
    await user.type(screen.getByLabelText('Auth Token'), token);
    await user.click(screen.getByRole('button', { name: 'Add key' }));
    await screen.findByText(/Key added/);
    expect(api.secrets.get(api.keys[0]?.id ?? '')).toEqual({ accountSid: sid, authToken: token });
    await user.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(onCancel).toHaveBeenCalled();
  });

  it('reveals a secret only on request', async () => {
    const { user } = renderWithApi(<AddKeyForm provider="openai" />);
    const input = (await screen.findByLabelText('API key')) as HTMLInputElement;
    const show = screen.getByRole('button', { name: 'Show API key' });
    await user.click(show);
    expect(input.type).toBe('text');
    expect(show.getAttribute('aria-pressed')).toBe('true');
    await user.click(within(show.parentElement as HTMLElement).getByRole('button', { name: 'Hide API key' }));
    expect(input.type).toBe('password');
  });
});
