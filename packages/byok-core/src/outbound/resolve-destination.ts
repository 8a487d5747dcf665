import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { BYOKError } from '../errors/index.js';
import { addressRestriction } from './address-policy.js';

/** One address a host name resolves to, as `dns.lookup(…, { all: true })` gives it. */
export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves a host name to every address it has. Injected in tests; default `dns.lookup` with `all`. */
export type HostResolver = (hostname: string) => Promise<ResolvedAddress[]>;

export const systemResolver: HostResolver = async (hostname) =>
  (await lookup(hostname, { all: true, verbatim: true })).map(({ address, family }) => ({
    address,
    family: family === 6 ? 6 : 4,
  }));

export interface DestinationPolicy {
  /** Accept addresses of this machine and private networks (development, or where every user is trusted). */
  allowPrivate: boolean;
  resolve?: HostResolver;
}

/** A destination refused by the policy; `reason` names the range, never the URL. */
export class DestinationRefusedError extends BYOKError {
  constructor(reason: string) {
    super('INVALID_INPUT', `Destination refused: it is not a public internet host (${reason})`, {
      details: { field: 'webhookUrl' },
    });
    this.name = 'DestinationRefusedError';
  }
}

/** `LOCALHOST.` → `localhost`, `[::1]` → `::1`: the form names and literals are judged in. */
export function normalizeHost(hostname: string): string {
  return hostname
    .replace(/^\[|\]$/g, '')
    .toLowerCase()
    .replace(/\.+$/, '');
}

/**
 * Whether a host names this machine or a private network without any lookup: a literal address
 * that is not public, or a `localhost` name (RFC 6761: those never leave the machine). Returns the
 * reason, or null when only DNS can tell.
 */
export function literalHostRestriction(hostname: string): string | null {
  const host = normalizeHost(hostname);
  if (host === '' || host === 'localhost' || host.endsWith('.localhost')) return 'localhost';
  return isIP(host) ? addressRestriction(host) : null;
}

/**
 * The addresses to connect to for `hostname`, every one of them checked: a name is refused when ANY
 * address it resolves to is not public (a resolver that answers with one public and one private
 * address must not get the private one through by chance). The caller connects only to these
 * addresses (pinned), so a second, rebinding lookup never happens.
 *
 * @throws DestinationRefusedError when the host is not public and the policy does not allow it.
 */
export async function resolveDestination(
  hostname: string,
  policy: DestinationPolicy,
): Promise<ResolvedAddress[]> {
  const host = normalizeHost(hostname);
  const literal = isIP(host);
  if (!policy.allowPrivate) {
    const restriction = literalHostRestriction(host);
    if (restriction) throw new DestinationRefusedError(restriction);
  }
  if (literal) return [{ address: host, family: literal === 6 ? 6 : 4 }];
  const addresses = await (policy.resolve ?? systemResolver)(host);
  if (addresses.length === 0) throw new DestinationRefusedError('no address');
  if (!policy.allowPrivate) {
    for (const { address } of addresses) {
      const restriction = addressRestriction(address);
      if (restriction) throw new DestinationRefusedError(restriction);
    }
  }
  return addresses;
}
