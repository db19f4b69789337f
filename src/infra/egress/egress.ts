import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import { Agent, buildConnector, fetch as undiciFetch } from 'undici';
import { embeddedIPv4, type IpAddress, parseAddress } from './embedded-ipv4.ts';

/**
 * The one guarded door for outbound HTTP to addresses chosen by users (websites to crawl,
 * org-supplied model base URLs, webhooks). Addresses are checked when each connection is made,
 * after DNS resolution, so a rebinding DNS answer or a redirect cannot reach a private address.
 */
export class EgressDeniedError extends Error {
  /** What kind of non-public address it is: "loopback", "private", "link-local"... */
  readonly kind: string;
  constructor(readonly host: string, readonly address: string) {
    const kind = addressKind(address);
    super(`outbound request to ${host} (${address}) refused: ${kind} address; to allow it, list ${isIP(host) ? address : host} in PARLEY_EGRESS_ALLOW`);
    this.name = 'EgressDeniedError';
    this.kind = kind;
  }
}

const RANGE_NAMES: Record<string, string> = {
  loopback: 'loopback',
  private: 'private',
  linkLocal: 'link-local',
  uniqueLocal: 'private (unique local)',
  carrierGradeNat: 'shared (carrier-grade NAT)',
  unspecified: 'unspecified',
  multicast: 'multicast',
  broadcast: 'broadcast',
};

/** The kind of a refused address, in words; an IPv6 address carrying an IPv4 one is named by the IPv4 one. */
export function addressKind(address: string): string {
  if (!ipaddr.isValid(address)) return 'non-public';
  const ip = parseAddress(address);
  const carried = ip.kind() === 'ipv6' ? embeddedIPv4(ip as ipaddr.IPv6).find((v4) => v4.range() !== 'unicast') : undefined;
  return RANGE_NAMES[(carried ?? ip).range()] ?? 'non-public';
}

export interface EgressPolicy {
  /** True when `address` (an IP) of `host` may be connected to. */
  allows(host: string, address: string): boolean;
}

/**
 * Public unicast only, plus the hosts and CIDR ranges listed in PARLEY_EGRESS_ALLOW. An IPv6 address
 * that carries an IPv4 one (mapped, compatible, translated, NAT64, 6to4, Teredo) is judged by the
 * IPv4 addresses it carries, every one of which must be allowed: `::ffff:127.0.0.1` reaches loopback.
 */
export function createEgressPolicy(allow: string[]): EgressPolicy {
  const cidrs: Array<[IpAddress, number]> = [];
  const hosts = new Set<string>();
  for (const entry of allow) {
    if (entry.includes('/')) cidrs.push(ipaddr.parseCIDR(entry));
    else if (isIP(entry)) cidrs.push([parseAddress(entry), isIP(entry) === 4 ? 32 : 128]);
    else hosts.add(entry.toLowerCase());
  }
  const listed = (ip: IpAddress) => cidrs.some(([range, bits]) => range.kind() === ip.kind() && ip.match([range, bits] as never));
  const allowedV4 = (ip: ipaddr.IPv4) => listed(ip) || ip.range() === 'unicast';
  return {
    allows(host, address) {
      if (hosts.has(host.toLowerCase())) return true;
      if (!ipaddr.isValid(address)) return false;
      const ip = parseAddress(address);
      if (listed(ip)) return true;
      if (ip.kind() === 'ipv4') return allowedV4(ip as ipaddr.IPv4);
      const carried = embeddedIPv4(ip as ipaddr.IPv6);
      if (carried.length > 0) return carried.every(allowedV4);
      return ip.range() === 'unicast';
    },
  };
}

export type EgressFetch = (input: string | URL, init?: Parameters<typeof undiciFetch>[1]) => Promise<Response>;

/** An undici dispatcher whose every connection is checked against `policy`. */
export function createEgressDispatcher(policy: EgressPolicy, opts: { connectTimeoutMs?: number } = {}): Agent {
  const guardedLookup = (
    hostname: string,
    options: object,
    callback: (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void,
  ) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, []);
      const list = addresses as LookupAddress[];
      const denied = list.find((a) => !policy.allows(hostname, a.address));
      if (denied) return callback(new EgressDeniedError(hostname, denied.address), []);
      const all = (options as { all?: boolean }).all;
      if (all) return callback(null, list);
      callback(null, list[0]!.address, list[0]!.family);
    });
  };
  const base = buildConnector({ lookup: guardedLookup as never, timeout: opts.connectTimeoutMs ?? 10_000 });
  // IP literals skip DNS lookup entirely, so they are checked here, on every connection (redirects too).
  const connect: buildConnector.connector = (options, callback) => {
    const host = options.hostname.replace(/^\[|\]$/g, '');
    if (isIP(host) && !policy.allows(host, host)) {
      callback(new EgressDeniedError(host, host), null);
      return;
    }
    base(options, callback);
  };
  return new Agent({ connect });
}

/** fetch through the guarded dispatcher (crawling, webhooks): redirects followed, each re-checked. */
export function createEgressFetch(dispatcher: Agent): EgressFetch {
  return ((input, init) => undiciFetch(input, { ...init, dispatcher })) as EgressFetch;
}
