import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import type { ResolvedAddress } from './resolve-destination.js';

export interface PinnedPostInput {
  url: URL;
  /** The checked addresses: the connection goes to one of these, whatever DNS says now. */
  addresses: ResolvedAddress[];
  headers: Record<string, string>;
  body: string;
  signal: AbortSignal;
}

/**
 * A `lookup` that answers with the given addresses only. Node calls it instead of DNS, so the name
 * stays in the Host header and TLS SNI (certificates still match) while the socket can only reach
 * an address that was checked.
 */
export function pinnedLookup(addresses: ResolvedAddress[]): LookupFunction {
  return ((
    _hostname: string,
    options: { all?: boolean; family?: number },
    callback: (...args: unknown[]) => void,
  ) => {
    const family = options.family === 4 || options.family === 6 ? options.family : undefined;
    const usable = family ? addresses.filter((entry) => entry.family === family) : addresses;
    if (usable.length === 0) {
      const error = Object.assign(new Error('no checked address of the requested family'), {
        code: 'ENOTFOUND',
      });
      return options.all ? callback(error, []) : callback(error, '', 0);
    }
    if (options.all) return callback(null, usable);
    const [first] = usable as [ResolvedAddress];
    return callback(null, first.address, first.family);
  }) as LookupFunction;
}

/**
 * POSTs `body` to `url` over a fresh connection to a pinned address. No redirect is followed (Node's
 * client never does); the response body is discarded. Resolves with the status code.
 */
export function pinnedPost(input: PinnedPostInput): Promise<{ status: number }> {
  const { url } = input;
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const request = send(url, {
      method: 'POST',
      headers: { ...input.headers, 'content-length': String(Buffer.byteLength(input.body)) },
      lookup: pinnedLookup(input.addresses),
      // One connection per delivery: a pooled socket could outlive the check that allowed it.
      agent: false,
      signal: input.signal,
    });
    request.once('error', reject);
    request.once('response', (response) => {
      response.resume();
      response.once('end', () => resolve({ status: response.statusCode ?? 0 }));
      response.once('error', reject);
    });
    request.end(input.body);
  });
}
