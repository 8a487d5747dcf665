import ipaddr from 'ipaddr.js';

/** NAT64 local-use prefix (RFC 8215): translated by a gateway the operator runs, so never "public". */
const NAT64_LOCAL_USE = ipaddr.parseCIDR('64:ff9b:1::/48');
/** Well-known NAT64 prefix (RFC 6052): the last 32 bits are the IPv4 address actually reached. */
const NAT64_WELL_KNOWN = ipaddr.parseCIDR('64:ff9b::/96');
/** IPv4-compatible IPv6 (deprecated, RFC 4291): `::a.b.c.d`; some stacks still route it to the IPv4 host. */
const IPV4_COMPATIBLE = ipaddr.parseCIDR('::/96');
/** Global unicast: every public IPv6 address lies here; the rest is special or unassigned. */
const GLOBAL_UNICAST = ipaddr.parseCIDR('2000::/3');

const embeddedIPv4 = (address: ipaddr.IPv6, fromPart: number): ipaddr.IPv4 => {
  const high = address.parts[fromPart] ?? 0;
  const low = address.parts[fromPart + 1] ?? 0;
  return new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);
};

function ipv4Restriction(address: ipaddr.IPv4): string | null {
  const range = address.range();
  return range === 'unicast' ? null : `IPv4 ${range}`;
}

function ipv6Restriction(address: ipaddr.IPv6): string | null {
  // Addresses that carry an IPv4 address reach that host: judge the IPv4 address.
  if (address.isIPv4MappedAddress()) return ipv4Restriction(address.toIPv4Address());
  if (address.match(NAT64_LOCAL_USE)) return 'IPv6 NAT64 local-use';
  if (address.match(NAT64_WELL_KNOWN)) return ipv4Restriction(embeddedIPv4(address, 6));
  if (address.match(IPV4_COMPATIBLE)) return 'IPv6 IPv4-compatible, loopback or unspecified';
  const range = address.range();
  if (range === '6to4') return ipv4Restriction(embeddedIPv4(address, 1));
  if (range !== 'unicast') return `IPv6 ${range}`;
  return address.match(GLOBAL_UNICAST) ? null : 'IPv6 outside global unicast';
}

/**
 * Why an IP address is not a public internet host (`"IPv4 loopback"`, `"IPv6 uniqueLocal"`, …),
 * or null when it is one. Anything unparsable counts as not public. Embedded IPv4 addresses
 * (IPv4-mapped, NAT64 `64:ff9b::/96`, 6to4 `2002::/16`) are judged by the IPv4 address they reach;
 * Teredo, NAT64 local-use, IPv4-compatible, site-local and everything outside `2000::/3` are refused.
 */
export function addressRestriction(address: string): string | null {
  const literal = address.replace(/^\[|\]$/g, '');
  // A zone id (`fe80::1%eth0`) only ever names a link-local scope.
  if (literal.includes('%')) return 'IPv6 scoped address';
  if (!ipaddr.isValid(literal)) return 'not an IP address';
  const parsed = ipaddr.parse(literal);
  return parsed.kind() === 'ipv4'
    ? ipv4Restriction(parsed as ipaddr.IPv4)
    : ipv6Restriction(parsed as ipaddr.IPv6);
}

/** Whether `address` (an IPv4 or IPv6 literal, brackets allowed) is a public internet host. */
export function isPublicAddress(address: string): boolean {
  return addressRestriction(address) === null;
}
