import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { Logger } from './index.js';

function capture(): { stream: Writable; lines: () => Record<string, unknown>[]; raw: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk, _encoding, done) {
      text += String(chunk);
      done();
    },
  });
  return {
    stream,
    raw: () => text,
    lines: () =>
      text
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

describe('Logger', () => {
  it('writes the message and fields as one JSON line under its name', () => {
    const out = capture();
    const logger = Logger.create('byok', { destination: out.stream });
    logger.info('Key added', { userId: 'user_123', provider: 'openai', keyId: 'key_456' });
    logger.warn('Key validation failed', { keyId: 'key_456', error: 'API key expired' });
    const [added, failed] = out.lines();
    expect(added).toMatchObject({
      name: 'byok',
      level: 30,
      msg: 'Key added',
      userId: 'user_123',
      keyId: 'key_456',
    });
    expect(failed).toMatchObject({ level: 40, msg: 'Key validation failed', error: 'API key expired' });
  });

  it('has every level and drops the ones below the configured level', () => {
    const out = capture();
    const logger = Logger.create('levels', { destination: out.stream, level: 'debug' });
    for (const level of ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const) logger[level](level);
    expect(out.lines().map((line) => line.msg)).toEqual(['debug', 'info', 'warn', 'error', 'fatal']);
    logger.level = 'error';
    logger.info('hidden');
    expect(out.lines().at(-1)?.msg).toBe('fatal');
  });

  it('never writes a credential given in fields, by name or by shape', () => {
    const out = capture();
    const secret = 'sk-proj-abcdefghijklmnop1234567890';
    const logger = Logger.create('byok', { destination: out.stream }).child({ component: 'keys' });
    logger.info('adding', { apiKey: secret, keyData: { apiKey: secret, organization: 'org-1' } });
    logger.error('provider said', {
      note: `Incorrect API key provided: ${secret}.`,
      headers: { authorization: `Bearer ${secret}` },
    });
    logger.warn(`message with ${secret}`, { nested: { deeper: { list: [secret] } } });
    logger.info('gemini', { key: 'AIzaSyA1234567890abcdefghijklmnopqrstu' });
    expect(out.raw()).not.toContain(secret);
    expect(out.raw()).not.toContain('AIzaSyA1234567890');
    const [first, second] = out.lines();
    expect(first).toMatchObject({ component: 'keys', apiKey: '[redacted]', keyData: '[redacted]' });
    expect(second?.note).toBe('Incorrect API key provided: [redacted].');
  });
});
