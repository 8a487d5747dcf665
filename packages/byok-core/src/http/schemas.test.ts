import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { createAlertSchema } from '../alerts/schemas.js';
import { fallbackChainSchema } from '../fallback/schemas.js';
import { addKeySchema, updateKeySchema } from '../keys/schemas.js';
import { addMemberSchema, createWorkspaceSchema } from '../owners/schemas.js';
import { recordUsageSchema } from '../usage/schemas.js';
import {
  AddMemberBody,
  CreateAlertBody,
  CreateKeyBody,
  CreateWorkspaceBody,
  FallbackChainBody,
  RecordUsageBody,
  UpdateKeyBody,
} from './schemas.js';

const key = { provider: 'openai', keyData: { apiKey: 'sk-proj-abcdefghijklmnop' } };
const alert = {
  alertType: 'cost',
  thresholdValue: 5,
  thresholdPeriod: 'daily',
  notificationChannels: ['email'],
};
const usage = { keyId: 'key_1', provider: 'openai' };

/** Inputs on both sides of each limit: the HTTP body and the library must agree on every one. */
const CASES: [string, z.ZodType, z.ZodType, unknown[]][] = [
  [
    'create key',
    CreateKeyBody,
    addKeySchema,
    [
      key,
      { ...key, alias: 'a'.repeat(100) },
      { ...key, alias: 'a'.repeat(101) },
      { ...key, description: 'd'.repeat(500) },
      { ...key, description: 'd'.repeat(501) },
      { ...key, priority: 1000 },
      { ...key, priority: 1001 },
      { ...key, priority: -1001 },
      { ...key, priority: 1.5 },
      { ...key, environment: 'qa' },
      { ...key, provider: 'acme' },
      { ...key, extra: true },
    ],
  ],
  [
    'update key',
    UpdateKeyBody,
    updateKeySchema,
    [{ alias: null }, { alias: 'a'.repeat(101) }, { priority: 1000 }, { priority: 1001 }, { enabled: 'yes' }],
  ],
  [
    'workspace',
    CreateWorkspaceBody,
    createWorkspaceSchema.pick({ name: true }),
    [{ name: 'Acme' }, { name: '' }, { name: ' ' }, { name: 'n'.repeat(100) }, { name: 'n'.repeat(101) }],
  ],
  [
    'member',
    AddMemberBody,
    addMemberSchema,
    [
      { userId: 'u1', role: 'member' },
      { userId: 'u 1', role: 'member' },
      { userId: 'u'.repeat(256), role: 'admin' },
      { userId: 'u1', role: 'root' },
    ],
  ],
  [
    'fallback chain',
    FallbackChainBody,
    fallbackChainSchema,
    [
      { fallbackSequence: Array.from({ length: 20 }, (_, i) => `key_${i}`) },
      { fallbackSequence: Array.from({ length: 21 }, (_, i) => `key_${i}`) },
      { maxRetries: 10 },
      { maxRetries: 11 },
      { retryDelayMs: 60_000 },
      { retryDelayMs: 60_001 },
      { primaryKeyId: '' },
    ],
  ],
  [
    'alert',
    CreateAlertBody,
    createAlertSchema,
    [
      alert,
      { ...alert, thresholdValue: 0 },
      { ...alert, thresholdValue: 1e12 },
      { ...alert, thresholdValue: 1e12 + 1 },
      { ...alert, notificationChannels: [] },
      { ...alert, notificationChannels: ['email', 'email'] },
      { ...alert, webhookUrl: 'ftp://example.com/x' },
      { ...alert, webhookUrl: `https://example.com/${'p'.repeat(2048)}` },
      { ...alert, email: 'not-an-address' },
    ],
  ],
  [
    'usage',
    RecordUsageBody,
    recordUsageSchema,
    [
      usage,
      { ...usage, inputTokens: 1e12 },
      { ...usage, inputTokens: 1e12 + 1 },
      { ...usage, requests: 0 },
      { ...usage, requests: 1_000_000 },
      { ...usage, requests: 1_000_001 },
      { ...usage, costUsd: -1 },
      { ...usage, latencyMs: 86_400_001 },
      { ...usage, model: '' },
      { ...usage, model: 'm'.repeat(201) },
    ],
  ],
];

describe('HTTP request schemas', () => {
  it.each(CASES)(
    '%s: the HTTP body and the library accept and refuse the same inputs',
    (_, http, domain, inputs) => {
      let refused = 0;
      for (const input of inputs) {
        const verdict = http.safeParse(input).success;
        expect(verdict, JSON.stringify(input).slice(0, 120)).toBe(domain.safeParse(input).success);
        if (!verdict) refused++;
      }
      // Each list holds inputs on both sides of the limits.
      expect(refused).toBeGreaterThan(0);
      expect(refused).toBeLessThan(inputs.length);
    },
  );

  it('restate no limit of a domain input: every number limit in http/schemas.ts belongs to an HTTP-only input', async () => {
    const source = await readFile(new URL('./schemas.ts', import.meta.url), 'utf8');
    const limits = [...source.matchAll(/\.(min|max|positive)\(([^)]*)\)/g)].map((match) => match[0]);
    // The audit page size and the comma-separated query strings exist only over HTTP.
    expect(limits.sort()).toEqual(['.max(100)', '.max(1000)', '.max(500)', '.min(1)'].sort());
  });
});
