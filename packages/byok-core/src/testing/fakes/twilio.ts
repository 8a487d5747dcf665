import { randomUUID } from 'node:crypto';
import type { KeyData } from '../../providers/types.js';
import { type Answer, FAKE_USAGE, type FakeProvider, retryHeaders, schemeToken } from './shared.js';

function twilioError(
  status: number,
  code: number,
  message: string,
  headers?: Record<string, string>,
): Answer {
  const body = { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status };
  return { status, body, ...(headers && { headers }) };
}

const TWILIO_UNAUTHENTICATED = twilioError(401, 20003, 'Authenticate', {
  'www-authenticate': 'Basic realm="Twilio API"',
});

export const twilioFake: FakeProvider = {
  authenticate(ctx) {
    const encoded = schemeToken(ctx, 'Basic');
    const decoded = encoded === undefined ? '' : Buffer.from(encoded, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon <= 0) return { ok: false, answer: TWILIO_UNAUTHENTICATED };
    const username = decoded.slice(0, colon);
    const password = decoded.slice(colon + 1);
    const pathSid = /^\/Accounts\/(AC[0-9a-fA-F]{32})(?:[./]|$)/.exec(ctx.path)?.[1];
    const accountSid = pathSid ?? (username.startsWith('AC') ? username : undefined);
    // An Auth Token only opens its own account.
    if (accountSid === undefined || (username.startsWith('AC') && username !== accountSid)) {
      return { ok: false, answer: TWILIO_UNAUTHENTICATED };
    }
    const keyData: KeyData = username.startsWith('SK')
      ? { accountSid, apiKeySid: username, apiKeySecret: password }
      : { accountSid: username, authToken: password };
    return { ok: true, credentials: { keyData, secrets: [password, username, accountSid] } };
  },
  failure(kind, _ctx, _credentials, rate) {
    switch (kind) {
      case 'invalid':
      case 'revoked':
        return TWILIO_UNAUTHENTICATED;
      case 'forbidden':
        return twilioError(403, 20403, 'Forbidden');
      case 'billing':
        return twilioError(401, 20005, 'Account not active');
      case 'rate_limited':
        return twilioError(429, 20429, 'Too Many Requests', rate.explicit ? retryHeaders(rate) : undefined);
      case 'outage':
        return twilioError(503, 20503, 'Service Unavailable');
    }
  },
  route(ctx, { keyData }) {
    const accountSid = keyData.accountSid ?? '';
    const prefix = `/Accounts/${accountSid}`;
    const created = new Date().toUTCString();
    if (ctx.method === 'GET' && ctx.path === `${prefix}.json`) {
      return {
        status: 200,
        body: {
          sid: accountSid,
          owner_account_sid: accountSid,
          friendly_name: 'Fake account',
          status: 'active',
          type: 'Full',
          date_created: created,
          date_updated: created,
          uri: `/2010-04-01${prefix}.json`,
        },
      };
    }
    if (ctx.method === 'GET' && ctx.path === `${prefix}/Balance.json`) {
      return { status: 200, body: { account_sid: accountSid, balance: '12.34', currency: 'USD' } };
    }
    // Real Twilio fills price and duration only after the call ends (and may lag); the fake
    // answers with them at once so usage code has something to read.
    const sent = (
      resource: 'Calls' | 'Messages',
      status: string,
      { price, priceUnit }: { price: string; priceUnit: string },
      counts: Record<string, string>,
    ): Answer => {
      const sid = `${resource === 'Calls' ? 'CA' : 'SM'}${randomUUID().replaceAll('-', '')}`;
      const body = {
        sid,
        account_sid: accountSid,
        status,
        direction: 'outbound-api',
        price,
        price_unit: priceUnit,
        ...counts,
        date_created: created,
        uri: `/2010-04-01${prefix}/${resource}/${sid}.json`,
      };
      return { status: 201, body };
    };
    if (ctx.method === 'POST' && ctx.path === `${prefix}/Calls.json`) {
      const call = FAKE_USAGE.twilioCall;
      return sent('Calls', 'completed', call, { duration: call.duration });
    }
    if (ctx.method === 'POST' && ctx.path === `${prefix}/Messages.json`) {
      const message = FAKE_USAGE.twilioMessage;
      return sent('Messages', 'sent', message, { num_segments: message.numSegments });
    }
    return twilioError(404, 20404, `The requested resource ${ctx.path} was not found`);
  },
};
