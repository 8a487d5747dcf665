import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { getProvider, isProviderType } from '../../providers/index.js';
import { ProviderType } from '../../providers/types.js';
import { FAKES } from './registry.js';
import {
  type Answer,
  FAKE_WORDS,
  type Failure,
  type FakeBehavior,
  type FakeProviders,
  type FakeProvidersOptions,
  type RecordedRequest,
  type RequestContext,
} from './shared.js';

const DEFAULT_RETRY_AFTER_SECONDS = 2;

const MARKERS: readonly [string, Failure | 'hang'][] = [
  ['invalid', 'invalid'],
  ['revoked', 'revoked'],
  ['forbidden', 'forbidden'],
  ['billing', 'billing'],
  ['ratelimit', 'rate_limited'],
  ['outage', 'outage'],
  ['hang', 'hang'],
];
function flattenHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req)
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

function send(
  res: ServerResponse,
  answer: Answer,
  requestId: string,
  timers?: Set<NodeJS.Timeout>,
  recorded?: RecordedRequest,
): void {
  if (res.destroyed || res.headersSent) return;
  if (answer.sse) {
    res.writeHead(answer.status, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      'x-request-id': requestId,
      'request-id': requestId,
      ...answer.headers,
    });
    res.flushHeaders();
    const { events, intervalMs, breakAfter } = answer.sse;
    let sent = 0;
    const next = () => {
      if (res.destroyed) return;
      if (breakAfter !== undefined && sent >= breakAfter) {
        res.socket?.destroy();
        return;
      }
      const event = events[sent++];
      if (event === undefined) {
        res.end();
        return;
      }
      res.write(event);
      if (recorded) {
        recorded.writtenAt ??= [];
        recorded.writtenAt.push(performance.now());
      }
      if (intervalMs > 0) {
        const timer = setTimeout(() => {
          timers?.delete(timer);
          next();
        }, intervalMs);
        timers?.add(timer);
      } else next();
    };
    next();
    return;
  }
  const body = JSON.stringify(answer.body);
  res.writeHead(answer.status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    'x-request-id': requestId,
    'request-id': requestId,
    ...answer.headers,
  });
  res.end(body);
}

/**
 * Starts one local HTTP server on 127.0.0.1 (random port) that answers like every supported
 * provider, each under its own path prefix (`<url>/openai/models`, `<url>/anthropic/v1/models`, …):
 * same auth headers, status codes, error bodies and rate-limit hints as the real APIs
 * (see shared/provider-facts.md). Every request is recorded.
 * @example
 * const fake = await startFakeProviders();
 * fake.setBehavior('sk-test-abc123456', { kind: 'rate_limited', retryAfterSeconds: 7 });
 * await probeKey(ProviderType.OPENAI, { apiKey: 'sk-test-abc123456' }, { baseUrl: fake.baseUrls.openai, timeoutMs: 1000 });
 * await fake.close();
 */
export async function startFakeProviders(options: FakeProvidersOptions = {}): Promise<FakeProviders> {
  const behaviors = new Map<string, FakeBehavior>(Object.entries(options.behaviors ?? {}));
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();

  const behaviorFor = (secrets: readonly string[]): FakeBehavior => {
    for (const secret of secrets) {
      const behavior = behaviors.get(secret);
      if (behavior !== undefined) return behavior;
    }
    for (const secret of secrets) {
      const lower = secret.toLowerCase();
      const marker = MARKERS.find(([text]) => lower.includes(text));
      if (marker) return marker[1];
    }
    return 'ok';
  };

  const delay = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const requestId = `req_${randomUUID().replaceAll('-', '')}`;
    const rawPath = req.url ?? '/';
    const url = new URL(rawPath, 'http://fake.invalid');
    const [, prefix = '', ...rest] = url.pathname.split('/');
    const provider = isProviderType(prefix) ? prefix : undefined;
    const headers = flattenHeaders(req);
    const body = await readBody(req);
    const method = req.method ?? 'GET';
    const recorded: RecordedRequest = { provider, method, path: rawPath, headers, body };
    requests.push(recorded);
    res.on('close', () => {
      if (!res.writableFinished) recorded.closedEarly = true;
    });
    if (provider === undefined) {
      send(res, { status: 404, body: { error: `Unknown provider prefix "/${prefix}"` } }, requestId);
      return;
    }
    const fake = FAKES[provider];
    const ctx: RequestContext = {
      method,
      path: `/${rest.join('/')}`,
      query: url.searchParams,
      headers,
      body,
      requestId,
      stream: { intervalMs: 0, chunks: FAKE_WORDS.length },
    };
    const auth = fake.authenticate(ctx);
    if (!auth.ok) {
      send(res, auth.answer, requestId);
      return;
    }
    // A key that cannot be one of this provider's is unknown to the real provider too.
    const wellFormed = getProvider(provider).credentialSchema.safeParse(auth.credentials.keyData).success;
    const behavior = wellFormed ? behaviorFor(auth.credentials.secrets) : 'invalid';
    if (behavior === 'hang') return;
    if (behavior === 'drop') {
      req.socket.destroy();
      return;
    }
    if (behavior === 'echo') {
      // A misbehaving upstream that reflects the credentials it received, in the body and a header.
      const echoed = JSON.stringify(headers);
      send(
        res,
        { status: 200, body: { echoed: headers }, headers: { 'x-request-id': echoed.slice(0, 4000) } },
        requestId,
      );
      return;
    }
    if (typeof behavior === 'object' && behavior.kind === 'stream') {
      ctx.stream = {
        intervalMs: behavior.intervalMs,
        chunks: behavior.chunks ?? FAKE_WORDS.length,
        breakAfter: behavior.breakAfter,
      };
    }
    let answer: Answer;
    if (behavior === 'ok' || typeof behavior === 'object') {
      if (typeof behavior === 'object' && behavior.kind === 'slow') await delay(behavior.delayMs);
      answer =
        typeof behavior === 'object' && behavior.kind === 'rate_limited'
          ? fake.failure('rate_limited', ctx, auth.credentials, {
              seconds: behavior.retryAfterSeconds,
              explicit: true,
            })
          : fake.route(ctx, auth.credentials);
    } else {
      answer = fake.failure(behavior, ctx, auth.credentials, {
        seconds: DEFAULT_RETRY_AFTER_SECONDS,
        explicit: false,
      });
    }
    send(res, answer, requestId, timers, recorded);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      const message = error instanceof Error ? error.message : 'internal error';
      send(res, { status: 500, body: { error: `fake provider failure: ${message}` } }, 'req_error');
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  const baseUrls = Object.fromEntries(
    Object.values(ProviderType).map((id) => [id, `${url}/${id}`]),
  ) as Record<ProviderType, string>;

  let closing: Promise<void> | undefined;
  return {
    url,
    baseUrls,
    requests,
    clear() {
      requests.length = 0;
    },
    setBehavior(secret, behavior) {
      behaviors.set(secret, behavior);
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        server.close(() => resolve());
        // Hanging requests and keep-alive connections would otherwise hold the server open.
        for (const socket of sockets) socket.destroy();
      });
      return closing;
    },
  };
}
