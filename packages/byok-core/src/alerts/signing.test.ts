import { describe, expect, it } from 'vitest';
import { alertSignatureHeader, generateSigningSecret, verifyAlertWebhook } from './signing.js';

const secret = generateSigningSecret();
const body = JSON.stringify({ type: 'usage_alert.fired', id: 'alert_x:2026-11', value: 12.5 });
const now = new Date('2026-11-30T01:00:00Z');
const t = Math.floor(now.getTime() / 1000);
const signed = (overrides: { secret?: string; t?: number; body?: string } = {}) => ({
  'byok-signature': alertSignatureHeader(
    overrides.secret ?? secret,
    overrides.t ?? t,
    overrides.body ?? body,
  ),
});

describe('verifyAlertWebhook', () => {
  it('generates distinct whsec_ secrets of 32 random bytes', () => {
    expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(generateSigningSecret()).not.toBe(secret);
  });

  it('accepts a delivery signed with the secret, from node headers, Fetch headers and raw bytes', () => {
    expect(signed()['byok-signature']).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(verifyAlertWebhook(secret, signed(), body, { now })).toBe(true);
    expect(verifyAlertWebhook(secret, new Headers(signed()), body, { now })).toBe(true);
    expect(verifyAlertWebhook(secret, { 'BYOK-Signature': signed()['byok-signature'] }, body, { now })).toBe(
      true,
    );
    expect(verifyAlertWebhook(secret, signed(), Buffer.from(body, 'utf8'), { now })).toBe(true);
  });

  it('refuses a tampered body, a wrong secret, a missing or malformed header', () => {
    expect(verifyAlertWebhook(secret, signed(), body.replace('12.5', '1.5'), { now })).toBe(false);
    expect(verifyAlertWebhook(`${secret}x`, signed(), body, { now })).toBe(false);
    expect(verifyAlertWebhook(generateSigningSecret(), signed(), body, { now })).toBe(false);
    expect(verifyAlertWebhook('', signed({ secret: '' }), body, { now })).toBe(false);
    expect(verifyAlertWebhook(secret, {}, body, { now })).toBe(false);
    const v1 = signed()['byok-signature'].split(',')[1] as string;
    for (const header of [v1, `t=${t}`, `t=abc,${v1}`, `t=${t},v1=`, `t=${t},v0=${v1.slice(3)}`]) {
      expect(verifyAlertWebhook(secret, { 'byok-signature': header }, body, { now }), header).toBe(false);
    }
  });

  it('refuses a replay: a timestamp older (or further ahead) than the tolerance, even with a valid signature', () => {
    const stale = signed({ t: t - 301 });
    expect(verifyAlertWebhook(secret, stale, body, { now })).toBe(false);
    expect(verifyAlertWebhook(secret, signed({ t: t + 301 }), body, { now })).toBe(false);
    expect(verifyAlertWebhook(secret, signed({ t: t - 299 }), body, { now })).toBe(true);
    expect(verifyAlertWebhook(secret, stale, body, { now, toleranceSeconds: 600 })).toBe(true);
    expect(verifyAlertWebhook(secret, signed({ t: t - 61 }), body, { now, toleranceSeconds: 60 })).toBe(
      false,
    );
  });

  it('accepts when any of several v1 signatures matches', () => {
    const good = signed()['byok-signature'];
    const other = alertSignatureHeader(generateSigningSecret(), t, body).split(',')[1];
    expect(verifyAlertWebhook(secret, { 'byok-signature': `${good},${other}` }, body, { now })).toBe(true);
    expect(verifyAlertWebhook(secret, { 'byok-signature': `t=${t},${other}` }, body, { now })).toBe(false);
  });
});
