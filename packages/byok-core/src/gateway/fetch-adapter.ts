import { ClientGone, type GatewayAnswer, type GatewayInput, pathOf, payloadTooLarge } from './exchange.js';

/** A Fetch API `Request` as the gateway reads it. */
export function fetchInput(request: Request): GatewayInput {
  const gone = new ClientGone();
  request.signal?.addEventListener('abort', () => gone.abort(), { once: true });
  return {
    method: request.method,
    path: pathOf(request.url),
    header: (name) => request.headers.get(name) ?? undefined,
    async body(limit) {
      const bytes = Buffer.from(await request.arrayBuffer());
      if (bytes.byteLength > limit) throw payloadTooLarge(limit);
      return bytes;
    },
    gone,
  };
}

/** The gateway's answer as a `Response`; a stream is pulled from the upstream only as fast as the client reads. */
export function toResponse(answer: GatewayAnswer): Response {
  const { status, headers, stream } = answer;
  if (!stream) return new Response(answer.body, { status, headers });
  const body = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        stream.start({
          data(chunk) {
            try {
              controller.enqueue(chunk);
            } catch {
              return false; // cancelled meanwhile: the upstream is being stopped
            }
            // Pulled one chunk at a time: the upstream waits until the client reads again.
            return (controller.desiredSize ?? 0) > 0;
          },
          end(last) {
            try {
              if (last.byteLength > 0) controller.enqueue(last);
              controller.close();
            } catch {
              // cancelled meanwhile
            }
          },
          // After the current event: a client that went away cancels the stream within the same
          // 'close' event, and a cancelled stream stays quiet (erroring it first gets it logged).
          error: (error) => queueMicrotask(() => controller.error(error)),
        });
      },
      pull() {
        stream.resume();
      },
      cancel() {
        stream.fail();
      },
    },
    { highWaterMark: 0 },
  );
  return new Response(body, { status, headers });
}
