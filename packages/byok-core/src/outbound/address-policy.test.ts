/**
 * The SSRF table: every address form that reaches this machine, a private network, the cloud
 * metadata service or a special-purpose range is refused — as a literal in the URL and as what a
 * host name resolves to — and public addresses are not.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebhookSender } from '../alerts/webhook-sender.js';
import { addressRestriction, isPublicAddress } from './address-policy.js';
import {
  DestinationRefusedError,
  type HostResolver,
  literalHostRestriction,
  resolveDestination,
} from './resolve-destination.js';

/** [URL host form, what it is]. Each must be refused. */
const REFUSED: [string, string][] = [
  ['127.0.0.1', 'IPv4 loopback'],
  ['127.255.255.254', 'IPv4 loopback, end of range'],
  ['0.0.0.0', 'this host'],
  ['0.1.2.3', '0/8'],
  ['10.0.0.1', 'RFC 1918 10/8'],
  ['172.16.0.1', 'RFC 1918 172.16/12'],
  ['172.31.255.255', 'RFC 1918 172.16/12, end'],
  ['192.168.1.1', 'RFC 1918 192.168/16'],
  ['169.254.169.254', 'link-local (cloud metadata)'],
  ['100.64.0.1', 'CGNAT 100.64/10'],
  ['100.127.255.254', 'CGNAT, end'],
  ['198.18.0.1', 'benchmarking 198.18/15'],
  ['198.19.255.1', 'benchmarking, second /16'],
  ['192.0.0.8', 'IETF protocol assignments'],
  ['192.0.2.10', 'documentation TEST-NET-1'],
  ['198.51.100.7', 'documentation TEST-NET-2'],
  ['203.0.113.9', 'documentation TEST-NET-3'],
  ['224.0.0.1', 'multicast'],
  ['239.255.255.250', 'multicast SSDP'],
  ['240.0.0.1', 'reserved 240/4'],
  ['255.255.255.255', 'broadcast'],
  ['[::1]', 'IPv6 loopback'],
  ['[::]', 'IPv6 unspecified'],
  ['[::ffff:127.0.0.1]', 'IPv4-mapped loopback'],
  ['[::ffff:7f00:1]', 'IPv4-mapped loopback, hex'],
  ['[::ffff:169.254.169.254]', 'IPv4-mapped metadata'],
  ['[::ffff:10.0.0.1]', 'IPv4-mapped private'],
  ['[::127.0.0.1]', 'IPv4-compatible loopback'],
  ['[::a9fe:a9fe]', 'IPv4-compatible metadata'],
  ['[::ffff:0:127.0.0.1]', 'IPv4-translated (RFC 6145)'],
  ['[64:ff9b::7f00:1]', 'NAT64 to loopback'],
  ['[64:ff9b::a9fe:a9fe]', 'NAT64 to metadata'],
  ['[64:ff9b:1::808:808]', 'NAT64 local-use /48'],
  ['[2002:7f00:1::]', '6to4 of loopback'],
  ['[2002:a00:1::1]', '6to4 of 10.0.0.1'],
  ['[2002:a9fe:a9fe::1]', '6to4 of metadata'],
  ['[2001:0:4136:e378:8000:63bf:3fff:fdd2]', 'Teredo'],
  ['[fc00::1]', 'ULA fc00::/7'],
  ['[fd12:3456:789a::1]', 'ULA fd00::/8'],
  ['[fe80::1]', 'link-local'],
  ['[febf::1]', 'link-local, end'],
  ['[fec0::1]', 'site-local fec0::/10'],
  ['[ff02::1]', 'IPv6 multicast'],
  ['[2001:db8::1]', 'IPv6 documentation'],
  ['[100::1]', 'discard-only 100::/64'],
  ['[3fff::1]', 'IPv6 documentation 3fff::/20'],
  ['[4000::1]', 'outside 2000::/3'],
  ['2130706433', 'decimal 127.0.0.1 (URL normalises it)'],
  ['0x7f.1', 'hex/short 127.0.0.1'],
  ['017700000001', 'octal 127.0.0.1'],
  ['127.1', 'short 127.0.0.1'],
  ['0xa9fea9fe', 'hex metadata'],
];

/** Host names that never leave the machine, refused before any lookup. */
const LOCAL_NAMES = ['localhost', 'LOCALHOST', 'LOCALHOST.', 'localhost..', 'api.localhost', 'x.LocalHost.'];

const PUBLIC: string[] = [
  '8.8.8.8',
  '1.1.1.1',
  '93.184.215.14',
  '172.32.0.1',
  '100.128.0.1',
  '198.20.0.1',
  '[2606:4700:4700::1111]',
  '[2001:4860:4860::8888]',
  '[::ffff:8.8.8.8]',
  '[64:ff9b::808:808]',
  '[2002:808:808::1]',
];

/** The address as URL parsing leaves it, the way the sender sees it. */
const hostOf = (form: string): string => new URL(`http://${form}:8080/hook`).hostname;
const resolverFor =
  (addresses: string[]): HostResolver =>
  async () =>
    addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }) as const);
const bare = (host: string) => host.replace(/^\[|\]$/g, '');

describe('address policy', () => {
  it('has at least 40 refused forms in the table', () => {
    expect(REFUSED.length + LOCAL_NAMES.length).toBeGreaterThanOrEqual(40);
  });

  it.each(REFUSED)('refuses the literal %s (%s)', async (form) => {
    const host = hostOf(form);
    expect(addressRestriction(host)).not.toBeNull();
    expect(literalHostRestriction(host)).not.toBeNull();
    await expect(resolveDestination(host, { allowPrivate: false })).rejects.toBeInstanceOf(
      DestinationRefusedError,
    );
  });

  it.each(REFUSED)('refuses a name resolving to %s (%s), alone or beside a public address', async (form) => {
    const address = bare(hostOf(form));
    await expect(
      resolveDestination('hooks.example.test', { allowPrivate: false, resolve: resolverFor([address]) }),
    ).rejects.toBeInstanceOf(DestinationRefusedError);
    await expect(
      resolveDestination('hooks.example.test', {
        allowPrivate: false,
        resolve: resolverFor(['8.8.8.8', address]),
      }),
    ).rejects.toBeInstanceOf(DestinationRefusedError);
  });

  it.each(LOCAL_NAMES)('refuses the name %s without a lookup', async (name) => {
    let lookups = 0;
    const resolve: HostResolver = async () => {
      lookups++;
      return [{ address: '8.8.8.8', family: 4 }];
    };
    await expect(resolveDestination(hostOf(name), { allowPrivate: false, resolve })).rejects.toBeInstanceOf(
      DestinationRefusedError,
    );
    expect(lookups).toBe(0);
  });

  it.each(PUBLIC)('accepts the public address %s, literal and resolved', async (form) => {
    const host = hostOf(form);
    expect(isPublicAddress(host)).toBe(true);
    await expect(resolveDestination(host, { allowPrivate: false })).resolves.toHaveLength(1);
    const resolved = await resolveDestination('hooks.example.test', {
      allowPrivate: false,
      resolve: resolverFor([bare(host)]),
    });
    expect(resolved.map((entry) => entry.address)).toEqual([bare(host)]);
  });

  it('refuses scoped, malformed and empty answers', async () => {
    expect(addressRestriction('fe80::1%eth0')).not.toBeNull();
    expect(addressRestriction('not-an-ip')).not.toBeNull();
    await expect(
      resolveDestination('hooks.example.test', { allowPrivate: false, resolve: resolverFor([]) }),
    ).rejects.toBeInstanceOf(DestinationRefusedError);
  });

  it('lets private addresses through only when the policy allows them', async () => {
    await expect(resolveDestination('127.0.0.1', { allowPrivate: true })).resolves.toEqual([
      { address: '127.0.0.1', family: 4 },
    ]);
  });
});

describe('webhook delivery', () => {
  const received: IncomingMessage[] = [];
  const server = createServer((request, response) => {
    received.push(request);
    request.resume();
    request.on('end', () =>
      response
        .writeHead(request.url === '/redirect' ? 302 : 200, {
          location: 'http://127.0.0.1:1/elsewhere',
        })
        .end(),
    );
  });
  let port = 0;
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const notification = (destination: string) => ({
    id: 'n1',
    channel: 'webhook' as const,
    destination,
    payload: { type: 'usage_alert.fired' } as never,
    attempt: 1,
  });

  it('refuses a private destination in production mode and sends nothing', async () => {
    const before = received.length;
    const sender = new WebhookSender({ secret: 's' });
    for (const host of ['[::ffff:127.0.0.1]', '127.0.0.1', 'localhost', 'LOCALHOST.']) {
      const result = await sender.send(
        notification(`http://${host}:${port}/hook`),
        AbortSignal.timeout(5000),
      );
      expect(result).toMatchObject({ ok: false, retryable: false });
    }
    expect(received.length).toBe(before);
  });

  it('connects only to the checked address: one lookup, Host keeps the name', async () => {
    let lookups = 0;
    // A rebinding resolver: public-looking name, answers differ per call. Only the first answer counts.
    const resolve: HostResolver = async () => {
      lookups++;
      return [{ address: lookups === 1 ? '127.0.0.1' : '10.9.9.9', family: 4 }];
    };
    const sender = new WebhookSender({ allowPrivateHosts: true, resolve });
    const result = await sender.send(
      notification(`http://rebind.example.test:${port}/hook`),
      AbortSignal.timeout(5000),
    );
    expect(result).toEqual({ ok: true, statusCode: 200 });
    expect(lookups).toBe(1);
    expect(received.at(-1)?.headers.host).toBe(`rebind.example.test:${port}`);
  });

  it('refuses a name that resolves to a private address in production mode', async () => {
    const before = received.length;
    const sender = new WebhookSender({ resolve: resolverFor(['8.8.8.8', '127.0.0.1']) });
    const result = await sender.send(
      notification(`http://mixed.example.test:${port}/hook`),
      AbortSignal.timeout(5000),
    );
    expect(result).toMatchObject({ ok: false, retryable: false });
    expect(received.length).toBe(before);
  });

  it('trusts only the operator-configured destination, by exact URL', async () => {
    const trusted = `http://127.0.0.1:${port}/operator`;
    const sender = new WebhookSender({ trustedDestinations: [trusted] });
    expect(await sender.send(notification(trusted), AbortSignal.timeout(5000))).toEqual({
      ok: true,
      statusCode: 200,
    });
    const other = await sender.send(notification(`http://127.0.0.1:${port}/user`), AbortSignal.timeout(5000));
    expect(other).toMatchObject({ ok: false, retryable: false });
  });

  it('does not follow redirects', async () => {
    const sender = new WebhookSender({ allowPrivateHosts: true });
    const result = await sender.send(
      notification(`http://127.0.0.1:${port}/redirect`),
      AbortSignal.timeout(5000),
    );
    expect(result).toMatchObject({ ok: false, statusCode: 302 });
  });
});
