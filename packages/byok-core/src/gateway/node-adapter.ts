import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  ClientGone,
  type GatewayAnswer,
  type GatewayInput,
  type GatewayStream,
  pathOf,
  payloadTooLarge,
} from './exchange.js';

/** A `node:http` request as the gateway reads it: no Fetch API objects, the body read as a Buffer. */
export function nodeInput(req: IncomingMessage, res: ServerResponse): GatewayInput {
  const gone = new ClientGone();
  res.once('close', () => {
    if (!res.writableFinished) gone.abort();
  });
  return {
    method: req.method ?? 'GET',
    path: pathOf(req.url ?? '/'),
    header(name) {
      const value = req.headers[name];
      return value === undefined || typeof value === 'string' ? value : value.join(', ');
    },
    body: (limit) => readBody(req, limit),
    gone,
  };
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    const done = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    const onData = (part: Buffer) => {
      size += part.byteLength;
      if (size > limit) {
        done();
        reject(payloadTooLarge(limit));
        return;
      }
      parts.push(part);
    };
    const onEnd = () => {
      done();
      resolve(parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts, size));
    };
    const onError = (error: Error) => {
      done();
      reject(error);
    };
    // Closed before its end: the client went away while sending.
    const onClose = () => onError(new Error('The client closed the request'));
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}

/** Writes the gateway's answer: a whole body at once (with its length), a stream chunk by chunk. */
export function writeAnswer(res: ServerResponse, answer: GatewayAnswer): void {
  const { status, headers, stream } = answer;
  if (stream) {
    relay(res, status, headers, stream);
    return;
  }
  if (res.destroyed) return;
  const body = answer.body;
  if (body !== null)
    headers['content-length'] = String(typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength);
  res.writeHead(status, headers);
  if (body === null) res.end();
  else res.end(body);
}

/**
 * Relays the upstream body as it comes, pausing it while the client's socket is full (`write`
 * false until 'drain'). A client that goes away aborts the upstream through `gone` (see
 * {@link nodeInput}); an upstream that breaks cuts the client's connection, so a partial answer
 * never looks complete.
 */
function relay(res: ServerResponse, status: number, headers: Record<string, string>, stream: GatewayStream) {
  if (res.destroyed) {
    stream.fail();
    return;
  }
  res.writeHead(status, headers);
  // Nothing to send yet (the upstream sent its headers first): the client gets them now.
  if (stream.held() === 0) res.flushHeaders();
  let waiting = false;
  const resume = () => {
    waiting = false;
    stream.resume();
  };
  stream.start({
    data(chunk) {
      if (res.write(chunk)) return true;
      if (!waiting) {
        waiting = true;
        res.once('drain', resume);
      }
      return false;
    },
    end(last) {
      if (last.byteLength > 0) res.end(last);
      else res.end();
    },
    error: () => res.destroy(),
  });
}
