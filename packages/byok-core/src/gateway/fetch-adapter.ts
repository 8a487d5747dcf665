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
  const iterator = (stream.source as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
  const body = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const { value, done } = await iterator.next();
          if (done) {
            const rest = stream.end();
            if (rest.byteLength > 0) controller.enqueue(rest);
            controller.close();
            return;
          }
          const out = stream.chunk(value);
          if (out.byteLength > 0) controller.enqueue(out);
        } catch (error) {
          stream.fail();
          controller.error(error);
        }
      },
      async cancel() {
        stream.fail();
        await iterator.return?.().catch(() => undefined);
      },
    },
    { highWaterMark: 0 },
  );
  return new Response(body, { status, headers });
}
