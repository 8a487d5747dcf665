import { z } from 'zod';
import { BYOKError, invalidInput, parseInput } from '../errors/index.js';
import type { BYOKManager } from '../manager/byok-manager.js';
import { Environment, ProviderType } from '../providers/index.js';
import { type CallUsage, callWithFallback, unexpectedAnswer, userIdOf } from './call.js';
import { type IntegrationServices, integrationServices, usableKey } from './services.js';
import type {
  BYOKTelephonyClient,
  TelephonyCapability,
  TelephonyClientOptions,
  TelephonyResult,
} from './types.js';

const DEFAULT_TIMEOUT_MS = 30_000;
/**
 * A phone number as this library checks it: `+` and 2 to 15 digits — E.164's length, and the one
 * rule the error message states. Whether the number exists (or its country code does) is
 * Twilio's to say: its refusal comes back as a provider error with Twilio's own message.
 */
const PHONE_NUMBER = /^\+\d{2,15}$/;
/** Twilio's limit for one message body (it splits it into segments). */
const MAX_SMS_CHARS = 1600;

const optionsSchema = z.strictObject({
  capabilities: z
    .array(z.enum(['voice', 'sms']))
    .min(1)
    .max(2)
    .optional(),
  fallbackToSystem: z.boolean().optional(),
  environment: z.enum(Environment).optional(),
  timeoutMs: z.number().int().min(1).max(600_000).optional(),
});

/**
 * Telephony clients on each user's own Twilio credential.
 *
 * @example
 * const telephony = createBYOKTelephonyIntegration(byokManager);
 * const twilio = await telephony.config.createTelephonyClient('user_123', 'twilio', { capabilities: ['sms'] });
 * await twilio.sendSms('+14155550100', '+14155550199', 'Your code is 123456');
 */
export function createBYOKTelephonyIntegration(manager: BYOKManager): {
  config: {
    createTelephonyClient(
      userId: string,
      provider: 'twilio' | ProviderType.TWILIO,
      options?: TelephonyClientOptions,
    ): Promise<BYOKTelephonyClient>;
  };
} {
  const services = integrationServices(manager);
  return {
    config: {
      async createTelephonyClient(userId, provider, options = {}) {
        const user = userIdOf(userId);
        if (provider !== ProviderType.TWILIO) {
          throw new BYOKError('UNKNOWN_PROVIDER', 'The telephony integration supports "twilio" only', {
            details: { field: 'provider' },
          });
        }
        const parsed = parseInput(optionsSchema, options, 'telephony options');
        const environment = parsed.environment ?? Environment.PRODUCTION;
        const allowSystemKey = parsed.fallbackToSystem === true;
        const capabilities = [...new Set<TelephonyCapability>(parsed.capabilities ?? ['voice', 'sms'])];
        // Fails now, not at the first call, when the user has no Twilio credential.
        const key = await usableKey(services, user, ProviderType.TWILIO, environment, allowSystemKey);
        if (!key) {
          throw new BYOKError('NO_KEY_AVAILABLE', 'No usable Twilio credential for this user', {
            details: { provider: ProviderType.TWILIO },
          });
        }
        const send = sender(
          services,
          user,
          environment,
          allowSystemKey,
          parsed.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        );
        const require = (capability: TelephonyCapability): void => {
          if (!capabilities.includes(capability)) {
            throw new BYOKError(
              'FORBIDDEN',
              `This telephony client was created without the "${capability}" capability`,
              { details: { capability } },
            );
          }
        };
        return {
          provider: ProviderType.TWILIO,
          accountSid: key.keyData.accountSid ?? '',
          capabilities,
          async makeCall(from, to, webhookUrl) {
            require('voice');
            checkNumber(from, 'from');
            checkNumber(to, 'to');
            checkWebhookUrl(webhookUrl);
            return send('Calls.json', { From: from, To: to, Url: webhookUrl });
          },
          async sendSms(from, to, body) {
            require('sms');
            checkNumber(from, 'from');
            checkNumber(to, 'to');
            if (typeof body !== 'string' || body.trim() === '' || body.length > MAX_SMS_CHARS) {
              throw invalidInput(`body must be 1 to ${MAX_SMS_CHARS} characters`, { field: 'body' });
            }
            return send('Messages.json', { From: from, To: to, Body: body });
          },
        };
      },
    },
  };
}

function checkNumber(value: unknown, field: string): void {
  if (typeof value !== 'string' || !PHONE_NUMBER.test(value)) {
    throw invalidInput(`${field} must be a phone number: + and 2 to 15 digits`, { field });
  }
}

function checkWebhookUrl(value: unknown): void {
  // Twilio fetches TwiML from this URL; plain http would let anyone on the path rewrite the call.
  if (typeof value !== 'string' || value.length > 2048 || !URL.canParse(value)) {
    throw invalidInput('webhookUrl must be an https URL', { field: 'webhookUrl' });
  }
  const url = new URL(value);
  if (url.protocol !== 'https:' || url.username !== '' || url.password !== '') {
    throw invalidInput('webhookUrl must be an https URL without credentials', { field: 'webhookUrl' });
  }
}

/** Twilio prices as negative strings (`"-0.03000"`); null until the call is priced. */
function priceOf(value: unknown): number | null {
  if (typeof value !== 'string' && typeof value !== 'number') return null;
  const amount = Math.abs(Number(value));
  return Number.isFinite(amount) ? amount : null;
}

function sender(
  services: IntegrationServices,
  userId: string,
  environment: Environment,
  allowSystemKey: boolean,
  timeoutMs: number,
) {
  const baseUrl = services.baseUrl(ProviderType.TWILIO);
  return async (
    resource: 'Calls.json' | 'Messages.json',
    form: Record<string, string>,
  ): Promise<TelephonyResult> => {
    // Recorded as the usage's model, so that analytics tell calls from messages.
    const model = resource === 'Calls.json' ? 'voice' : 'sms';
    const outcome = await callWithFallback({
      services,
      owner: userId,
      provider: ProviderType.TWILIO,
      environment,
      allowSystemKey,
      build: (key) => {
        const accountSid = key.keyData.accountSid ?? '';
        const username = key.keyData.apiKeySid || accountSid;
        const password = key.keyData.apiKeySid ? key.keyData.apiKeySecret : key.keyData.authToken;
        return {
          url: `${baseUrl}/Accounts/${encodeURIComponent(accountSid)}/${resource}`,
          headers: {
            authorization: `Basic ${Buffer.from(`${username}:${password ?? ''}`).toString('base64')}`,
            'content-type': 'application/x-www-form-urlencoded',
            accept: 'application/json',
          },
          body: new URLSearchParams(form).toString(),
        };
      },
      parse: (body) => {
        const raw = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : undefined;
        if (!raw || typeof raw.sid !== 'string') throw unexpectedAnswer(ProviderType.TWILIO, 'a sid');
        const priceUsd = priceOf(raw.price);
        const priceUnit = typeof raw.price_unit === 'string' ? raw.price_unit : null;
        // Only a USD price is a cost in USD; anything else stays unpriced rather than wrong.
        const usage: CallUsage = {
          model,
          ...(priceUsd !== null && priceUnit?.toUpperCase() === 'USD' ? { costUsd: priceUsd } : {}),
        };
        return {
          result: {
            sid: raw.sid,
            status: typeof raw.status === 'string' ? raw.status : 'unknown',
            priceUsd,
            priceUnit,
            raw,
          },
          usage,
        };
      },
      failureUsage: { model },
      timeoutMs,
    });
    return {
      ...outcome.result,
      keyId: outcome.keyId,
      wasSystemFallback: outcome.wasSystemFallback,
      attempts: outcome.attempts,
    };
  };
}
