import ipaddr from 'ipaddr.js';

export type IpAddress = ipaddr.IPv4 | ipaddr.IPv6;

/**
 * Parses an IP literal. ipaddr.js reads the deprecated IPv4-compatible form `::a.b.c.d` as the
 * IPv4-mapped `::ffff:a.b.c.d`; it is rebuilt here as written so that an IPv6 CIDR entry in
 * PARLEY_EGRESS_ALLOW matches the address that was actually given.
 */
export function parseAddress(address: string): IpAddress {
  const compat = /^::(\d{1,3}(?:\.\d{1,3}){3})$/.exec(address);
  if (compat) return ipaddr.fromByteArray([...new Array(12).fill(0), ...ipaddr.IPv4.parse(compat[1]!).toByteArray()]);
  return ipaddr.parse(address);
}

const v4 = (bytes: number[]): ipaddr.IPv4 => new ipaddr.IPv4(bytes);

/**
 * RFC 6052 section 2.2: where the IPv4 sits for a NAT64 prefix of /48, /56, /64 and /96 (byte 8, the
 * "u" octet, is always skipped).
 */
const NAT64_LAYOUTS = [
  [6, 7, 9, 10],
  [7, 9, 10, 11],
  [9, 10, 11, 12],
  [12, 13, 14, 15],
];

const WELL_KNOWN_NAT64 = ipaddr.parseCIDR('64:ff9b::/96');
// RFC 8215: operators carve their own NAT64 prefixes (of any RFC 6052 length) from this block, so the
// length in use is unknown here; every layout it could have is checked, and all must be allowed.
const LOCAL_USE_NAT64 = ipaddr.parseCIDR('64:ff9b:1::/48');
const IPV4_COMPATIBLE = ipaddr.parseCIDR('::/96');
const IPV4_TRANSLATED = ipaddr.parseCIDR('::ffff:0:0:0/96');
const SIX_TO_FOUR = ipaddr.parseCIDR('2002::/16');
const TEREDO = ipaddr.parseCIDR('2001::/32');

/**
 * The IPv4 addresses a packet to this IPv6 address may end up at, through the stack (IPv4-mapped,
 * IPv4-compatible), a translator (SIIT, NAT64) or a tunnel (6to4, Teredo's server and client);
 * empty when it carries none. `::` and `::1` carry none: they keep their IPv6 meaning.
 */
export function embeddedIPv4(ip: ipaddr.IPv6): ipaddr.IPv4[] {
  const b = ip.toByteArray();
  const last32 = v4(b.slice(12, 16));
  if (ip.isIPv4MappedAddress() || ip.match(IPV4_TRANSLATED) || ip.match(WELL_KNOWN_NAT64)) return [last32];
  if (ip.match(IPV4_COMPATIBLE)) return ip.range() === 'unspecified' || ip.range() === 'loopback' ? [] : [last32];
  if (ip.match(LOCAL_USE_NAT64)) return NAT64_LAYOUTS.map((at) => v4(at.map((i) => b[i]!)));
  if (ip.match(SIX_TO_FOUR)) return [v4(b.slice(2, 6))];
  // Teredo (RFC 4380): the server in bits 32-63, the client's address inverted in bits 96-127.
  if (ip.match(TEREDO)) return [v4(b.slice(4, 8)), v4(b.slice(12, 16).map((x) => x ^ 0xff))];
  return [];
}
