import type { IncomingMessage, ServerResponse } from 'node:http';
import { createGatewayCore, type GatewayHandlerOptions } from './core.js';
import { isGatewayPath } from './exchange.js';
import { fetchInput, toResponse } from './fetch-adapter.js';
import { nodeInput, writeAnswer } from './node-adapter.js';

export type { GatewayHandlerOptions } from './core.js';

export interface GatewayHandler {
  (request: Request): Promise<Response>;
  /**
   * The same gateway for a `node:http` server, without Fetch API objects on the way: the body is
   * read as a Buffer and the upstream's answer written straight into `res`. Never rejects.
   */
  node(req: IncomingMessage, res: ServerResponse): Promise<void>;
  /** Whether a path is the gateway's (`/v1/…`, `/anthropic/…`). */
  handles(path: string): boolean;
  /** Closes the upstream connection pool. The usage writer belongs to the system and is flushed by its `close()`. */
  close(): Promise<void>;
}

/**
 * The gateway as a Web-standard handler, and as a `node:http` one (`handler.node`): OpenAI-compatible
 * endpoints under `/v1` (Bearer gateway token) and Anthropic's Messages API under `/anthropic/v1`
 * (`x-api-key` gateway token). The owner's key is picked through the fallback chain, put on the
 * upstream request and never leaves: answers and their headers are scrubbed of it byte by byte,
 * even when an upstream echoes it back.
 *
 * The answer streams through chunk by chunk, only as fast as the client reads (backpressure); a
 * client that goes away aborts the upstream request. Another key is tried on a connection error,
 * 401/402/408/409/429 or 5xx — only before the first byte reached the client. Usage (what the
 * provider reported) goes to the batched usage writer off the response path.
 *
 * @example
 * const gateway = createGatewayHandler({ system, redis });
 * serve({ fetch: (req) => (gateway.handles(new URL(req.url).pathname) ? gateway(req) : api(req)) });
 * // or, on a node:http server:
 * createServer((req, res) => (gateway.handles(pathOf(req.url ?? '/')) ? gateway.node(req, res) : other(req, res)));
 */
export function createGatewayHandler(options: GatewayHandlerOptions): GatewayHandler {
  const core = createGatewayCore(options);
  const handler = (async (request: Request) =>
    toResponse(await core.serve(fetchInput(request)))) as GatewayHandler;
  handler.node = async (req, res) => {
    try {
      writeAnswer(res, await core.serve(nodeInput(req, res)));
    } catch {
      // Only writing can fail here (the core answers every error): the client gets a cut connection.
      res.destroy();
    }
  };
  handler.handles = isGatewayPath;
  handler.close = core.close;
  return handler;
}
