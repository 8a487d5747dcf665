import { inspect } from 'node:util';
import type { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { uniqueId } from '../../test/backends.js';
import { codeOf } from '../../test/error-code.js';
import { openFakeManager } from '../../test/fake-manager.js';
import { usageRowsOf } from '../../test/usage-rows.js';
import type { BYOKManager } from '../manager/byok-manager.js';
import { FAKE_USAGE, type FakeProviders } from '../testing/index.js';
import { createBYOKDeepgramIntegration, createBYOKTelephonyIntegration } from './index.js';

const DEEPGRAM_KEY = 'dgfake0123456789abcdef0123456789abcdef01';
const ACCOUNT_SID = `AC${'a1'.repeat(16)}`;
const AUTH_TOKEN = 'authtoken0123456789abcdef012345';

describe('Deepgram and telephony integrations', () => {
  let fake: FakeProviders;
  let db: PGlite;
  let manager: BYOKManager;
  let close: () => Promise<void>;

  const usageOf = (userId: string) => usageRowsOf(db, userId);

  beforeAll(async () => {
    ({ fake, db, manager, close } = await openFakeManager());
  });

  afterAll(async () => {
    await close();
  });

  beforeEach(() => fake.clear());

  describe('createBYOKDeepgramIntegration', () => {
    it('builds the voice agent config on the user key and transcribes with Token auth, recording the request', async () => {
      const userId = uniqueId();
      const keyId = await manager.addKey({ userId, provider: 'deepgram', keyData: { apiKey: DEEPGRAM_KEY } });
      const deepgram = createBYOKDeepgramIntegration(manager);
      const voice = await deepgram.config.createVoiceAgentConfig(userId, {
        listen: { model: 'nova-2-conversational' },
        speak: { model: 'aura-asteria-en' },
      });
      expect(voice).toMatchObject({
        apiKey: DEEPGRAM_KEY,
        baseUrl: fake.baseUrls.deepgram,
        keyId,
        listen: { model: 'nova-2-conversational' },
        speak: { model: 'aura-asteria-en' },
      });
      expect(JSON.stringify(voice)).not.toContain(DEEPGRAM_KEY);
      expect(inspect(voice)).not.toContain(DEEPGRAM_KEY);

      const fromUrl = await voice.transcribe({ url: 'https://example.com/call.wav' });
      expect(fromUrl).toMatchObject({
        transcript: 'hello from the fake provider',
        audioSeconds: FAKE_USAGE.deepgram.duration,
        channels: FAKE_USAGE.deepgram.channels,
        keyId,
        model: 'nova-2-conversational',
      });
      const fromBytes = await voice.transcribe(new Uint8Array([82, 73, 70, 70]), { mimeType: 'audio/wav' });
      expect(fromBytes.audioSeconds).toBe(FAKE_USAGE.deepgram.duration);

      expect(fake.requests.map((r) => [r.method, r.path])).toEqual([
        ['POST', '/deepgram/listen?model=nova-2-conversational'],
        ['POST', '/deepgram/listen?model=nova-2-conversational'],
      ]);
      expect(fake.requests.map((r) => r.headers.authorization)).toEqual([
        `Token ${DEEPGRAM_KEY}`,
        `Token ${DEEPGRAM_KEY}`,
      ]);
      expect(JSON.parse(fake.requests[0]?.body ?? '{}')).toEqual({ url: 'https://example.com/call.wav' });
      expect(fake.requests[1]?.headers['content-type']).toBe('audio/wav');
      const rows = await usageOf(userId);
      expect(rows.map((r) => [r.key_id, r.provider, r.model, r.requests, r.success])).toEqual([
        [keyId, 'deepgram', 'nova-2-conversational', 1, true],
        [keyId, 'deepgram', 'nova-2-conversational', 1, true],
      ]);
      expect(rows.map((r) => Number(r.audio_seconds))).toEqual([
        FAKE_USAGE.deepgram.duration,
        FAKE_USAGE.deepgram.duration,
      ]);
    });

    it('refuses a user without a Deepgram key and bad audio', async () => {
      const deepgram = createBYOKDeepgramIntegration(manager);
      expect(await codeOf(deepgram.config.createVoiceAgentConfig(uniqueId()))).toBe('NO_KEY_AVAILABLE');
      const userId = uniqueId();
      await manager.addKey({ userId, provider: 'deepgram', keyData: { apiKey: DEEPGRAM_KEY } });
      const voice = await deepgram.config.createVoiceAgentConfig(userId);
      expect(voice.listen.model).toBe('nova-3');
      expect(await codeOf(voice.transcribe({ url: 'file:///etc/passwd' }))).toBe('INVALID_INPUT');
      expect(await codeOf(voice.transcribe(new Uint8Array()))).toBe('INVALID_INPUT');
      expect(fake.requests).toHaveLength(0);
    });
  });

  describe('createBYOKTelephonyIntegration', () => {
    it('places calls and sends texts with HTTP Basic, form bodies, and records the USD price as a positive cost', async () => {
      const userId = uniqueId();
      const keyId = await manager.addKey({
        userId,
        provider: 'twilio',
        keyData: { accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN },
      });
      const telephony = createBYOKTelephonyIntegration(manager);
      const twilio = await telephony.config.createTelephonyClient(userId, 'twilio', {
        capabilities: ['voice', 'sms'],
      });
      expect(JSON.stringify(twilio)).not.toContain(AUTH_TOKEN);

      const call = await twilio.makeCall(
        '+14155550100',
        '+14155550199',
        'https://yourapp.example/voice-webhook',
      );
      expect(call).toMatchObject({ status: 'completed', priceUsd: 0.03, priceUnit: 'USD', keyId });
      expect(call.sid).toMatch(/^CA/);
      const sms = await twilio.sendSms('+14155550100', '+14155550199', 'Hello');
      expect(sms).toMatchObject({ priceUsd: 0.0079, keyId });

      const basic = `Basic ${Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString('base64')}`;
      expect(fake.requests.map((r) => [r.path, r.headers.authorization, r.headers['content-type']])).toEqual([
        [`/twilio/Accounts/${ACCOUNT_SID}/Calls.json`, basic, 'application/x-www-form-urlencoded'],
        [`/twilio/Accounts/${ACCOUNT_SID}/Messages.json`, basic, 'application/x-www-form-urlencoded'],
      ]);
      expect(Object.fromEntries(new URLSearchParams(fake.requests[0]?.body))).toEqual({
        From: '+14155550100',
        To: '+14155550199',
        Url: 'https://yourapp.example/voice-webhook',
      });
      expect(Object.fromEntries(new URLSearchParams(fake.requests[1]?.body))).toMatchObject({
        Body: 'Hello',
      });
      for (const request of fake.requests) expect(request.path).not.toContain(AUTH_TOKEN);

      const rows = await usageOf(userId);
      expect(rows.map((r) => [r.key_id, r.model, Number(r.cost_usd), r.priced, r.success])).toEqual([
        [keyId, 'voice', 0.03, true, true],
        [keyId, 'sms', 0.0079, true, true],
      ]);
    });

    it('validates numbers and webhook URLs first, and refuses capabilities that were not asked for', async () => {
      const userId = uniqueId();
      await manager.addKey({
        userId,
        provider: 'twilio',
        keyData: { accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN },
      });
      const telephony = createBYOKTelephonyIntegration(manager);
      const smsOnly = await telephony.config.createTelephonyClient(userId, 'twilio', {
        capabilities: ['sms'],
      });
      expect(await codeOf(smsOnly.makeCall('+14155550100', '+14155550199', 'https://a.example/x'))).toBe(
        'FORBIDDEN',
      );
      const both = await telephony.config.createTelephonyClient(userId, 'twilio', {
        capabilities: ['voice', 'sms'],
      });
      // One rule, the one the message states: + and 2 to 15 digits (the guide's '+0987654321' passes it).
      expect(await codeOf(both.makeCall('+1', '+14155550199', 'https://a.example/x'))).toBe('INVALID_INPUT');
      expect(await codeOf(both.makeCall('+1234567890123456', '+14155550199', 'https://a.example/x'))).toBe(
        'INVALID_INPUT',
      );
      expect(await codeOf(both.makeCall('14155550100', '+14155550199', 'https://a.example/x'))).toBe(
        'INVALID_INPUT',
      );
      expect(await codeOf(both.makeCall('+14155550100', '+14155550199', 'http://a.example/x'))).toBe(
        'INVALID_INPUT',
      );
      expect(await codeOf(both.sendSms('+14155550100', '+14155550199', ''))).toBe('INVALID_INPUT');
      expect(fake.requests).toHaveLength(0);
      expect(
        await codeOf(
          telephony.config.createTelephonyClient(userId, 'vonage' as 'twilio', { capabilities: ['sms'] }),
        ),
      ).toBe('UNKNOWN_PROVIDER');
      expect(await codeOf(telephony.config.createTelephonyClient(uniqueId(), 'twilio'))).toBe(
        'NO_KEY_AVAILABLE',
      );
    });

    it('moves to the next Twilio credential when the first is refused (401 / 20003)', async () => {
      const userId = uniqueId();
      const badToken = 'invalidtoken0123456789abcdef0123';
      const badId = await manager.addKey({
        userId,
        provider: 'twilio',
        keyData: { accountSid: ACCOUNT_SID, authToken: badToken },
      });
      const goodId = await manager.addKey({
        userId,
        provider: 'twilio',
        keyData: { accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN },
      });
      const twilio = await createBYOKTelephonyIntegration(manager).config.createTelephonyClient(
        userId,
        'twilio',
      );
      const sms = await twilio.sendSms('+14155550100', '+14155550199', 'Fallback');
      expect(sms.keyId).toBe(goodId);
      expect(sms.attempts.map((a) => [a.keyId, a.statusCode ?? null])).toEqual([
        [badId, 401],
        [goodId, null],
      ]);
      const rows = await usageOf(userId);
      expect(rows.map((r) => [r.key_id, r.success])).toEqual([
        [badId, false],
        [goodId, true],
      ]);
    });
  });
});
