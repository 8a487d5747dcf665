import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Agent, request as undiciRequest } from 'undici';
import type { BYOKSystem } from '../create-byok.js';
import { BYOKError, isBYOKError } from '../errors/index.js';
import type { FallbackKeyResult } from '../fallback/types.js';
import { getProvider, type ProviderType, secretValues } from '../providers/index.js';
import { ProviderCallError } from '../providers/provider-call-error.js';
import { defaultPriceTable, priceUsage } from '../usage/pricing.js';
import type { UsageWriter } from '../usage/usage-writer.js';
import { type Dialect, errorResponse, GatewayProblem } from './errors.js';
import { type Admission, GatewayLimits, type LimitsRedis } from './limits.js';
import { gatewayMetrics } from './metrics.js';
import { checkAllowed, GATEWAY_PROVIDERS, type Route, routeModel } from './routing.js';
import { SecretScrubber } from './scrub.js';
import type { GatewayTokenService } from './token-service.js';
import type { GatewayToken } from './types.js';
import {
  ANTHROPIC_VERSION,
  openAIAuthHeaders,
  openAICompatibleBase,
  PASSED_RESPONSE_HEADERS,
} from './upstream.js';
import { UsageTap } from './usage-tap.js';

export interface GatewayHandlerOptions {
  system: BYOKSystem;
  /** Shares rate and budget counters between instances (an ioredis client). */
  redis?: unknown;
  /** Largest request body, in bytes. Default 10 MiB. */
  maxBodyBytes?: number;
  /** Upstream connect/headers timeout in ms. Default 60 s (a model can think before its first byte). */
  headersTimeoutMs?: number;
}

export interface GatewayHandler {
  (request: Request): Promise<Response>;
  /** Whether a path is the gateway's (`/v1/…`, `/anthropic/…`). */
  handles(path: string): boolean;
  /** Closes the upstream connection pool. The usage writer belongs to the system and is flushed by its `close()`. */
  close(): Promise<void>;
}

type Endpoint =
  | { dialect: 'openai'; kind: 'chat' | 'embeddings' | 'responses'; upstreamPath: string }
  | { dialect: 'openai'; kind: 'models' }
  | { dialect: 'anthropic'; kind: 'messages' | 'count_tokens'; upstreamPath: string };

const ENDPOINTS: Record<string, Endpoint> = {
  'POST /v1/chat/completions': { dialect: 'openai', kind: 'chat', upstreamPath: '/chat/completions' },
  'POST /v1/embeddings': { dialect: 'openai', kind: 'embeddings', upstreamPath: '/embeddings' },
  'POST /v1/responses': { dialect: 'openai', kind: 'responses', upstreamPath: '/responses' },
  'GET /v1/models': { dialect: 'openai', kind: 'models' },
  'POST /anthropic/v1/messages': { dialect: 'anthropic', kind: 'messages', upstreamPath: '/v1/messages' },
  'POST /anthropic/v1/messages/count_tokens': {
    dialect: 'anthropic',
    kind: 'count_tokens',
    upstreamPath: '/v1/messages/count_tokens',
  },
};

/** Upstream answers after which the next key is tried: refusals of this key, rate limits, outages. */
const FAILOVER_STATUSES = new Set([401, 402, 408, 409, 429]);
const isFailoverStatus = (status: number) => status >= 500 || FAILOVER_STATUSES.has(status);

const REQUEST_ID_PREFIX = `gw_${randomBytes(6).toString('hex')}`;
let requestCounter = 0;
const nextRequestId = () => `${REQUEST_ID_PREFIX}${(requestCounter++).toString(36)}`;

/** An upstream refusal that made us try the next key; its body is kept, scrubbed, for the final answer. */
class UpstreamFailure extends ProviderCallError {
  readonly upstreamStatus: number;
  readonly upstreamMessage: string | undefined;
  readonly upstreamHeaders: Record<string, string>;

  constructor(
    provider: ProviderType,
    status: number,
    body: unknown,
    headers: Record<string, string>,
    message: string | undefined,
  ) {
    const classification = getProvider(provider).classifyResponse(status, new Headers(headers), body);
    super(`${provider} answered ${status}`, {
      provider,
      statusCode: status,
      outcome: classification.outcome === 'valid' ? 'outage' : classification.outcome,
      retryAfterMs: classification.retryAfterMs,
    });
    this.upstreamStatus = status;
    this.upstreamMessage = message;
    this.upstreamHeaders = headers;
  }
}

function headerRecord(raw: Record<string, string | string[] | undefined>, scrubber: SecretScrubber) {
  const out: Record<string, string> = {};
  for (const name of PASSED_RESPONSE_HEADERS) {
    const value = raw[name];
    if (value === undefined) continue;
    out[name] = scrubber.text(Array.isArray(value) ? value.join(', ') : value);
  }
  return out;
}

/** The path of a request URL (`http://host/path?query` → `/path`), without building a `URL`. */
function pathOf(url: string): string {
  const scheme = url.indexOf('://');
  const slash = url.indexOf('/', scheme === -1 ? 0 : scheme + 3);
  if (slash === -1) return '/';
  const query = url.indexOf('?', slash);
  const hash = url.indexOf('#', slash);
  const end = query === -1 ? hash : hash === -1 ? query : Math.min(query, hash);
  return end === -1 ? url.slice(slash) : url.slice(slash, end);
}

function errorMessageOf(body: unknown): string | undefined {
  const root = body as { error?: unknown; message?: unknown } | undefined;
  const error = root?.error as { message?: unknown } | string | undefined;
  const message = typeof error === 'string' ? error : (error?.message ?? root?.message);
  return typeof message === 'string' ? message.slice(0, 500) : undefined;
}

/**
 * The gateway as one Web-standard handler: OpenAI-compatible endpoints under `/v1` (Bearer gateway
 * token) and Anthropic's Messages API under `/anthropic/v1` (`x-api-key` gateway token). The owner's
 * key is picked through the fallback chain, put on the upstream request and never leaves: answers
 * and their headers are scrubbed of it byte by byte, even when an upstream echoes it back.
 *
 * The answer streams through chunk by chunk, pulled only as fast as the client reads
 * (backpressure); a client that goes away aborts the upstream request. Another key is tried on a
 * connection error, 401/402/408/409/429 or 5xx — only before the first byte reached the client.
 * Usage (what the provider reported) goes to the batched usage writer off the response path.
 *
 * @example
 * const gateway = createGatewayHandler({ system, redis });
 * serve({ fetch: (req) => (gateway.handles(new URL(req.url).pathname) ? gateway(req) : api(req)) });
 */
export function createGatewayHandler(options: GatewayHandlerOptions): GatewayHandler {
  const { system } = options;
  const ctx = system.manager.context;
  const tokens: GatewayTokenService = ctx.gatewayTokens;
  const writer: UsageWriter = ctx.usageWriter;
  const logger = ctx.logger.child({ component: 'gateway' });
  const overrides = ctx.options.providers;
  const maxBodyBytes = options.maxBodyBytes ?? 10 * 1024 * 1024;
  const priceTable = defaultPriceTable();
  const redis = (options.redis ?? system.redis) as LimitsRedis | undefined;
  const limits = new GatewayLimits({
    redis: redis && typeof redis.incr === 'function' ? redis : undefined,
    committedSpend: (tokenId) => tokens.spendThisMonth(tokenId),
    pendingSpend: (tokenId) => writer.pendingCost(tokenId),
    committedLocally: (tokenId) => writer.committedCost(tokenId),
  });
  const metrics = gatewayMetrics(system.metrics.registry, writer);
  const dispatcher = new Agent({
    keepAliveTimeout: 30_000,
    connections: 256,
    headersTimeout: options.headersTimeoutMs ?? 60_000,
    bodyTimeout: 300_000,
  });

  // Upstream bases depend only on the provider (the overrides are fixed): resolved once each.
  const openAIBases = new Map<ProviderType, string>();
  const openAIBase = (provider: ProviderType): string => {
    let base = openAIBases.get(provider);
    if (base === undefined) {
      base = openAICompatibleBase(provider, overrides);
      openAIBases.set(provider, base);
    }
    return base;
  };

  const authenticate = async (request: Request, dialect: Dialect): Promise<GatewayToken> => {
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.get('authorization') ?? '')?.[1];
    const presented =
      dialect === 'anthropic'
        ? (request.headers.get('x-api-key') ?? bearer)
        : (bearer ?? request.headers.get('x-api-key'));
    if (!presented) throw new GatewayProblem('UNAUTHENTICATED', 'Missing gateway token');
    const token = await tokens.authenticate(presented.trim());
    if (!token) throw new GatewayProblem('UNAUTHENTICATED', 'Invalid, expired or revoked gateway token');
    return token;
  };

  const readJson = async (request: Request): Promise<Record<string, unknown>> => {
    const declared = Number(request.headers.get('content-length') ?? '0');
    if (declared > maxBodyBytes)
      throw new GatewayProblem('PAYLOAD_TOO_LARGE', `Request body is larger than ${maxBodyBytes} bytes`);
    const text = await request.text();
    if (Buffer.byteLength(text) > maxBodyBytes) {
      throw new GatewayProblem('PAYLOAD_TOO_LARGE', `Request body is larger than ${maxBodyBytes} bytes`);
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new GatewayProblem('INVALID_INPUT', 'Request body must be JSON');
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new GatewayProblem('INVALID_INPUT', 'Request body must be a JSON object');
    }
    return body as Record<string, unknown>;
  };

  const listModels = (token: GatewayToken): Response => {
    const providers = GATEWAY_PROVIDERS.filter(
      (p) => !token.allowedProviders || token.allowedProviders.includes(p),
    );
    const data: { id: string; object: 'model'; created: number; owned_by: string }[] = [];
    for (const provider of providers) {
      const models = Object.keys(priceTable.providers[provider]?.models ?? {});
      for (const model of models) {
        const route: Route = { provider, model, requested: `${provider}/${model}` };
        try {
          checkAllowed(token, route);
        } catch {
          continue;
        }
        data.push({ id: route.requested, object: 'model', created: 0, owned_by: provider });
      }
    }
    return Response.json({ object: 'list', data });
  };

  const handler = (async (request: Request): Promise<Response> => {
    const started = performance.now();
    const pathname = pathOf(request.url);
    const endpoint = ENDPOINTS[`${request.method} ${pathname}`];
    const dialect: Dialect = pathname.startsWith('/anthropic/') ? 'anthropic' : 'openai';
    const incomingId = request.headers.get('x-request-id');
    const requestId =
      incomingId && /^[A-Za-z0-9._:-]{1,128}$/.test(incomingId) ? incomingId : nextRequestId();
    let admission: Admission | undefined;
    try {
      if (!endpoint)
        throw new GatewayProblem(
          'NOT_FOUND',
          `No gateway route for ${request.method} ${pathname.slice(0, 200)}`,
        );
      const token = await authenticate(request, endpoint.dialect);
      if (endpoint.kind === 'models') return listModels(token);
      const body = await readJson(request);
      const route = endpoint.dialect === 'anthropic' ? anthropicRoute(body.model) : routeModel(body.model);
      checkAllowed(token, route);
      await limits.checkRate(token);
      admission = await limits.admit(token);

      const streaming = body.stream === true;
      body.model = route.model;
      if (streaming && endpoint.kind === 'chat') {
        // Ask for the final usage chunk; everything else the caller set stays as it was.
        const streamOptions =
          typeof body.stream_options === 'object' && body.stream_options !== null ? body.stream_options : {};
        body.stream_options = { ...(streamOptions as object), include_usage: true };
      }
      const payload = JSON.stringify(body);
      const anthropicVersion = request.headers.get('anthropic-version') ?? ANTHROPIC_VERSION;
      const anthropicBeta = request.headers.get('anthropic-beta');
      const accept = request.headers.get('accept');

      const abort = new AbortController();
      // One listener on the client's signal: it aborts the upstream call and, once an answer
      // streams, records what was seen so far (`onStreamAbort`).
      let onStreamAbort: (() => void) | undefined;
      const onClientAbort = () => {
        abort.abort();
        onStreamAbort?.();
      };
      request.signal?.addEventListener('abort', onClientAbort, { once: true });
      let lastFailure: UpstreamFailure | undefined;
      let lastKeyId: string | undefined;
      let ttfbMs = 0;
      let overheadMs: number | null = null;

      const call = async (key: FallbackKeyResult) => {
        if (key.wasSystemFallback && !token.allowSystemKeys) {
          throw new BYOKError(
            'NO_KEY_AVAILABLE',
            'This gateway token may not use the application’s own keys',
          );
        }
        lastKeyId = key.keyId;
        const scrubber = new SecretScrubber(secretValues(route.provider, key.keyData));
        let target: string;
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        if (accept) headers.accept = accept;
        if (endpoint.dialect === 'anthropic') {
          target = `${getProviderBase(route.provider)}${endpoint.upstreamPath}`;
          headers['x-api-key'] = key.keyData.apiKey ?? '';
          headers['anthropic-version'] = anthropicVersion;
          if (anthropicBeta) headers['anthropic-beta'] = anthropicBeta;
        } else {
          target = `${openAIBase(route.provider)}${endpoint.upstreamPath}`;
          Object.assign(headers, openAIAuthHeaders(route.provider, key.keyData));
        }
        const sent = performance.now();
        overheadMs ??= sent - started;
        let answer: Awaited<ReturnType<typeof undiciRequest>>;
        try {
          answer = await undiciRequest(target, {
            method: 'POST',
            headers,
            body: payload,
            signal: abort.signal,
            dispatcher,
          });
        } catch (error) {
          if (abort.signal.aborted) throw error;
          const code = (error as { code?: string }).code;
          throw new ProviderCallError(`${route.provider} could not be reached`, {
            provider: route.provider,
            outcome:
              code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT'
                ? 'timeout'
                : 'network_error',
          });
        }
        ttfbMs = performance.now() - sent;
        const passed = headerRecord(answer.headers, scrubber);
        if (isFailoverStatus(answer.statusCode)) {
          const text = scrubber.text(await answer.body.text().catch(() => ''));
          let parsed: unknown;
          try {
            parsed = JSON.parse(text);
          } catch {
            parsed = undefined;
          }
          lastFailure = new UpstreamFailure(
            route.provider,
            answer.statusCode,
            parsed,
            passed,
            errorMessageOf(parsed),
          );
          throw lastFailure;
        }
        return { answer, scrubber, passed, keyId: key.keyId };
      };

      let served: Awaited<ReturnType<typeof call>>;
      try {
        ({ result: served } = await system.fallback.executeWithFallback(
          token.owner.type === 'user' ? { userId: token.owner.id } : { workspaceId: token.owner.id },
          route.provider,
          token.environment,
          call,
        ));
      } catch (error) {
        request.signal?.removeEventListener('abort', onClientAbort);
        if (abort.signal.aborted) throw new GatewayProblem('CLIENT_CLOSED', 'The client closed the request');
        const failure = lastFailure;
        // A provider failure is answered as the gateway's own UPSTREAM_ERROR; other BYOKErrors as they are.
        const ours = isBYOKError(error) && !ProviderCallError.isInstance(error);
        const status = failure?.upstreamStatus ?? (ours ? error.status : 502);
        const code = ours ? error.code : 'UPSTREAM_ERROR';
        const base = ours ? error.message : `${route.provider} call failed`;
        const message = failure?.upstreamMessage ? `${base}. Last answer: ${failure.upstreamMessage}` : base;
        if (lastKeyId)
          recordUsage(token, route, lastKeyId, status, false, ttfbMs, started, undefined, overheadMs);
        admission.release(0);
        admission = undefined;
        const headers: Record<string, string> = {};
        if (failure?.upstreamHeaders['retry-after'])
          headers['retry-after'] = failure.upstreamHeaders['retry-after'];
        if (lastKeyId) headers['x-byok-key-id'] = lastKeyId;
        headers['x-byok-provider'] = route.provider;
        return errorResponse(dialect, { status, code, message }, requestId, headers);
      }

      const { answer, scrubber, passed, keyId } = served;
      const tap = new UsageTap(passed['content-type']);
      // `passed` is this request's own object: ours are added to it rather than copied.
      const responseHeaders = passed;
      responseHeaders['x-request-id'] = requestId;
      responseHeaders['x-byok-key-id'] = keyId;
      responseHeaders['x-byok-provider'] = route.provider;
      responseHeaders['cache-control'] = 'no-store';
      const isEventStream = (passed['content-type'] ?? '').includes('text/event-stream');
      if (!streaming && !isEventStream) {
        // A JSON answer is only useful whole: read it at once (one write to the client, with its
        // length) instead of relaying it chunk by chunk. Streams always go chunk by chunk.
        const held = admission;
        admission = undefined;
        let bytes: Uint8Array;
        try {
          bytes = new Uint8Array(await answer.body.arrayBuffer());
        } catch (error) {
          request.signal?.removeEventListener('abort', onClientAbort);
          const cost = recordUsage(
            token,
            route,
            keyId,
            answer.statusCode,
            false,
            ttfbMs,
            started,
            tap.end(),
            overheadMs,
          );
          held.release(cost ?? 0);
          if (abort.signal.aborted)
            throw new GatewayProblem('CLIENT_CLOSED', 'The client closed the request');
          throw error;
        }
        request.signal?.removeEventListener('abort', onClientAbort);
        tap.write(bytes);
        const out = scrubber.whole(bytes);
        const cost = recordUsage(
          token,
          route,
          keyId,
          answer.statusCode,
          answer.statusCode < 400,
          ttfbMs,
          started,
          tap.end(),
          overheadMs,
        );
        held.release(cost ?? 0);
        return new Response(answer.statusCode === 204 ? null : out, {
          status: answer.statusCode,
          headers: responseHeaders,
        });
      }
      const iterator = (answer.body as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
      const held = admission;
      admission = undefined;
      let finished = false;
      const finish = (success: boolean) => {
        if (finished) return;
        finished = true;
        request.signal?.removeEventListener('abort', onClientAbort);
        const usage = tap.end();
        const cost = recordUsage(
          token,
          route,
          keyId,
          answer.statusCode,
          success,
          ttfbMs,
          started,
          usage,
          overheadMs,
        );
        held.release(cost ?? 0);
      };
      const ok = answer.statusCode < 400;
      const stream = new ReadableStream<Uint8Array>(
        {
          async pull(controller) {
            try {
              const { value, done } = await iterator.next();
              if (done) {
                const rest = scrubber.end();
                if (rest.byteLength > 0) controller.enqueue(rest);
                controller.close();
                finish(ok);
                return;
              }
              tap.write(value);
              const out = scrubber.push(value);
              if (out.byteLength > 0) controller.enqueue(out);
            } catch (error) {
              // A failure after the first byte: never retried (the client already has part of an answer).
              finish(false);
              controller.error(error);
            }
          },
          async cancel() {
            // The client went away: stop the upstream request; what was seen so far is recorded.
            abort.abort();
            finish(false);
            await iterator.return?.().catch(() => undefined);
          },
        },
        { highWaterMark: 0 },
      );
      onStreamAbort = () => finish(false);
      return new Response(answer.statusCode === 204 ? null : stream, {
        status: answer.statusCode,
        headers: responseHeaders,
      });
    } catch (error) {
      admission?.release(0);
      if (error instanceof GatewayProblem) return errorResponse(dialect, error, requestId);
      if (isBYOKError(error)) {
        if (error.code === 'INTERNAL_ERROR') logger.error({ requestId }, 'gateway internal error');
        return errorResponse(dialect, error, requestId);
      }
      logger.error(
        { requestId, err: { name: (error as Error)?.name, message: (error as Error)?.message } },
        'gateway error',
      );
      return errorResponse(
        dialect,
        new GatewayProblem('INTERNAL_ERROR', 'Internal gateway error'),
        requestId,
      );
    }
  }) as GatewayHandler;

  function getProviderBase(provider: ProviderType): string {
    return openAIBase(provider).replace(/\/v1$/, '');
  }

  function anthropicRoute(model: unknown): Route {
    const route = routeModel(model, 'anthropic' as ProviderType);
    if (route.provider !== 'anthropic') {
      throw new GatewayProblem('INVALID_INPUT', 'The Anthropic endpoint serves Anthropic models only');
    }
    return route;
  }

  /** Prices and queues one request's usage; returns its cost (null: unpriced). */
  function recordUsage(
    token: GatewayToken,
    route: Route,
    keyId: string | null,
    status: number,
    success: boolean,
    ttfbMs: number,
    started: number,
    usage: ReturnType<UsageTap['end']> | undefined,
    overheadMs: number | null = null,
  ): number | null {
    metrics.request(
      route.provider,
      status,
      ttfbMs ? ttfbMs / 1000 : null,
      overheadMs === null ? null : overheadMs / 1000,
    );
    const inputTokens = usage?.inputTokens ?? 0;
    const outputTokens = usage?.outputTokens ?? 0;
    const cachedTokens = usage?.cachedTokens ?? 0;
    const model = usage?.model ?? route.model;
    let costUsd: number | null = null;
    let priced = false;
    if (usage?.costUsd !== undefined) {
      costUsd = usage.costUsd;
      priced = true;
    } else if (usage?.seen) {
      const price = priceUsage(
        { provider: route.provider, model, inputTokens, outputTokens, cachedTokens },
        priceTable,
      );
      costUsd = price.costUsd;
      priced = price.priced;
    } else if (!success || status >= 400) {
      // A refused request costs nothing.
      costUsd = 0;
      priced = true;
    }
    writer.enqueue({
      keyId: keyId === 'system' ? null : keyId,
      owner: token.owner,
      provider: route.provider,
      model,
      requests: 1,
      inputTokens,
      outputTokens,
      cachedTokens,
      costUsd,
      priced,
      latencyMs: performance.now() - started,
      ttfbMs: ttfbMs || null,
      statusCode: status,
      success: success && status < 400,
      at: new Date(),
      gatewayTokenId: token.id,
    });
    return costUsd;
  }

  handler.handles = (path: string) =>
    path.startsWith('/v1/') || path === '/v1' || path.startsWith('/anthropic/');
  handler.close = () => dispatcher.close();
  return handler;
}
