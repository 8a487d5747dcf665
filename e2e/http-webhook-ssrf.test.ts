/**
 * `POST /api/alerts` with the server's default (private hosts not allowed): a webhook whose host is
 * a non-public literal, a `localhost` name, or a name resolving to any non-public address is
 * refused with 400 and nothing is stored; a public one is accepted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createHttpFixture,
  expectError,
  type HttpFixture,
  tokenFor,
  uid,
} from '../apps/byok-server/test/helpers.js';

const ZONE: Record<string, string[]> = {
  'metadata.example.test': ['169.254.169.254'],
  'mapped.example.test': ['::ffff:127.0.0.1'],
  'nat64.example.test': ['64:ff9b::a00:1'],
  'split.example.test': ['93.184.215.14', '10.0.0.7'],
  'ula.example.test': ['2606:4700::1', 'fd00::1'],
  'public.example.test': ['93.184.215.14', '2606:4700::1'],
};

let fx: HttpFixture;
beforeAll(async () => {
  fx = await createHttpFixture({
    rateLimit: false,
    alerts: {
      resolveHost: async (host) => {
        const addresses = ZONE[host];
        if (!addresses) throw Object.assign(new Error(`ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
        return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }) as const);
      },
    },
  });
});
afterAll(() => fx?.close());

const alert = (webhookUrl: string) => ({
  alertType: 'cost',
  thresholdValue: 5,
  thresholdPeriod: 'monthly',
  notificationChannels: ['webhook'],
  webhookUrl,
});

describe('webhook URLs at creation', () => {
  it.each([
    'http://[::ffff:127.0.0.1]:9931/',
    'http://[::ffff:169.254.169.254]/latest',
    'http://[::ffff:10.0.0.1]/',
    'http://[64:ff9b::7f00:1]/',
    'http://[fec0::1]/',
    'http://198.18.0.1/',
    'http://LOCALHOST./',
    'http://0x7f.1/',
    'http://2130706433/',
    'https://metadata.example.test/latest',
    'https://mapped.example.test/hook',
    'https://nat64.example.test/hook',
    'https://split.example.test/hook',
    'https://ula.example.test/hook',
  ])('refuses %s with 400 and stores nothing', async (url) => {
    const token = await tokenFor(uid());
    expectError(await fx.call('POST', '/api/alerts', { token, body: alert(url) }), 400, 'INVALID_INPUT');
    expect((await fx.call('GET', '/api/alerts', { token })).json.alerts).toEqual([]);
  });

  it.each([
    'https://public.example.test/hook',
    'https://not-resolving-yet.example.test/hook',
    'https://93.184.215.14/',
  ])('accepts %s', async (url) => {
    const res = await fx.call('POST', '/api/alerts', { token: await tokenFor(uid()), body: alert(url) });
    expect(res.status, res.text).toBe(201);
  });
});
