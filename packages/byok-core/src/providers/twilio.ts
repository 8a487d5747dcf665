import { z } from 'zod';
import { asNumber, asString, classifyAs, classifyByStatus, pick } from './classify-common.js';
import { credentialString, field, joinUrl, type KeyShape } from './key-format.js';
import { type ProviderDefinition, ProviderType } from './types.js';

const NAME = 'Twilio';
const DEFAULT_BASE_URL = 'https://api.twilio.com/2010-04-01';

/** Patterns from Twilio's official OpenAPI spec. */
export const TWILIO_ACCOUNT_SID_SHAPE: KeyShape = {
  label: 'a Twilio Account SID',
  prefixes: ['AC'],
  pattern: /^AC[0-9a-fA-F]{32}$/,
  expected: 'AC followed by 32 hexadecimal characters',
};

export const TWILIO_API_KEY_SID_SHAPE: KeyShape = {
  label: 'a Twilio API Key SID',
  prefixes: ['SK'],
  pattern: /^SK[0-9a-fA-F]{32}$/,
  expected: 'SK followed by 32 hexadecimal characters',
};

/** Auth Tokens are 32 hex and API key secrets 32 alphanumerics today (community sources only): kept lenient. */
const tokenShape = (label: string): KeyShape => ({
  label,
  prefixes: [],
  pattern: /^[A-Za-z0-9]{16,}$/,
  expected: 'at least 16 letters or digits, without spaces',
});

const region = z
  .string()
  .trim()
  .regex(/^[a-z0-9-]{2,32}$/, { message: 'must be a Twilio region or edge name such as us1, ie1 or dublin' })
  .optional();

const credentialSchema = z
  .strictObject({
    accountSid: credentialString(TWILIO_ACCOUNT_SID_SHAPE),
    authToken: credentialString(tokenShape('a Twilio Auth Token')).optional(),
    apiKeySid: credentialString(TWILIO_API_KEY_SID_SHAPE).optional(),
    apiKeySecret: credentialString(tokenShape('a Twilio API key secret')).optional(),
    region,
    edge: region,
  })
  .superRefine((value, ctx) => {
    const hasToken = value.authToken !== undefined;
    const hasKey = value.apiKeySid !== undefined || value.apiKeySecret !== undefined;
    if (hasToken && hasKey) {
      ctx.addIssue({
        code: 'custom',
        path: [],
        message: 'Give either authToken or apiKeySid + apiKeySecret, not both',
      });
    } else if (!hasToken && !hasKey) {
      ctx.addIssue({
        code: 'custom',
        path: ['authToken'],
        message: 'Give authToken, or apiKeySid + apiKeySecret',
      });
    } else if (hasKey && value.apiKeySid === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['apiKeySid'],
        message: 'apiKeySid is required with apiKeySecret',
      });
    } else if (hasKey && value.apiKeySecret === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['apiKeySecret'],
        message: 'apiKeySecret is required with apiKeySid',
      });
    }
  });

/**
 * Twilio credentials are region-specific: with the default base URL, `region`/`edge` pick the regional
 * host (`api.{edge}.{region}.twilio.com`; an edge alone implies region us1). An explicit base URL wins.
 */
function regionalBaseUrl(keyData: Readonly<Record<string, string>>, baseUrl: string): string {
  const { region: regionName, edge } = keyData;
  if (baseUrl.replace(/\/+$/, '') !== DEFAULT_BASE_URL || (!regionName && !edge)) return baseUrl;
  const host = edge ? `api.${edge}.${regionName ?? 'us1'}.twilio.com` : `api.${regionName}.twilio.com`;
  return `https://${host}/2010-04-01`;
}

export const twilioProvider: ProviderDefinition = {
  id: ProviderType.TWILIO,
  displayName: NAME,
  category: 'telephony',
  secretFields: ['authToken', 'apiKeySecret'],
  // The hint shows the Account SID tail: the token is never shown, not even its last characters.
  maskField: 'accountSid',
  keyPrefixes: ['AC'],
  credentialSchema,
  envVars: {
    accountSid: 'TWILIO_ACCOUNT_SID',
    authToken: 'TWILIO_AUTH_TOKEN',
    apiKeySid: 'TWILIO_API_KEY',
    apiKeySecret: 'TWILIO_API_SECRET',
    region: 'TWILIO_REGION',
    edge: 'TWILIO_EDGE',
  },
  defaultBaseUrl: DEFAULT_BASE_URL,
  systemKeyEnv: { accountSid: 'SYSTEM_TWILIO_ACCOUNT_SID', authToken: 'SYSTEM_TWILIO_AUTH_TOKEN' },
  modelPrefixes: [],

  buildValidationRequest(keyData, baseUrl) {
    const accountSid = field(keyData, 'accountSid');
    const username = keyData.apiKeySid || accountSid;
    const password = keyData.apiKeySid ? field(keyData, 'apiKeySecret') : field(keyData, 'authToken');
    const url = joinUrl(
      regionalBaseUrl(keyData, baseUrl),
      `/Accounts/${encodeURIComponent(accountSid)}.json`,
    );
    const basic = Buffer.from(`${username}:${password}`, 'utf8').toString('base64');
    return { method: 'GET', url, headers: { authorization: `Basic ${basic}`, accept: 'application/json' } };
  },

  classifyResponse(status, headers, body) {
    if (status >= 200 && status < 300) {
      // The account call succeeds for suspended/closed accounts too; its `status` tells.
      const accountStatus = asString(pick(body, 'status'));
      const outcome =
        accountStatus === 'suspended' ? 'billing' : accountStatus === 'closed' ? 'revoked' : 'valid';
      return classifyAs(
        NAME,
        outcome,
        status,
        headers,
        outcome === 'valid' ? {} : { providerCode: accountStatus },
      );
    }
    const code = asNumber(pick(body, 'code'));
    const info = { providerCode: code?.toString(), providerMessage: asString(pick(body, 'message')) };
    if (code === 20003) return classifyAs(NAME, 'invalid_key', status, headers, info);
    // Account suspended (balance ≤ 0) or not active.
    if (code === 10001 || code === 20005) return classifyAs(NAME, 'billing', status, headers, info);
    if (code === 20429) return classifyAs(NAME, 'rate_limited', status, headers, info);
    if (code === 20503) return classifyAs(NAME, 'outage', status, headers, info);
    return classifyByStatus(NAME, status, headers, info);
  },
};
