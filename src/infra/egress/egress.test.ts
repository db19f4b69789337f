import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addressKind, createEgressDispatcher, createEgressFetch, createEgressPolicy, EgressDeniedError } from './egress.ts';

/** [address, allowed with an empty PARLEY_EGRESS_ALLOW, what it is] */
const ADDRESSES: Array<[string, boolean, string]> = [
  ['8.8.8.8', true, 'public IPv4'],
  ['10.0.0.1', false, 'private IPv4'],
  ['127.0.0.1', false, 'loopback IPv4'],
  ['169.254.169.254', false, 'link-local IPv4 (cloud metadata)'],
  ['100.64.0.1', false, 'carrier-grade NAT'],
  ['2606:4700::1111', true, 'public IPv6'],
  ['::', false, 'unspecified IPv6'],
  ['::1', false, 'loopback IPv6'],
  ['fe80::1', false, 'link-local IPv6'],
  ['fd00::1', false, 'unique-local IPv6'],
  ['::ffff:127.0.0.1', false, 'IPv4-mapped loopback'],
  ['::ffff:7f00:1', false, 'IPv4-mapped loopback, hex'],
  ['::ffff:8.8.8.8', true, 'IPv4-mapped public'],
  ['::127.0.0.1', false, 'IPv4-compatible loopback'],
  ['::7f00:1', false, 'IPv4-compatible loopback, hex'],
  ['::a9fe:a9fe', false, 'IPv4-compatible link-local'],
  ['::10.0.0.1', false, 'IPv4-compatible private'],
  ['::808:808', true, 'IPv4-compatible public'],
  ['::0.0.0.1', false, 'IPv4-compatible spelling of ::1'],
  ['::ffff:0:127.0.0.1', false, 'IPv4-translated loopback'],
  ['::ffff:0:a00:1', false, 'IPv4-translated private'],
  ['::ffff:0:808:808', true, 'IPv4-translated public'],
  ['64:ff9b::7f00:1', false, 'NAT64 well-known prefix, loopback'],
  ['64:ff9b::169.254.169.254', false, 'NAT64 well-known prefix, link-local'],
  ['64:ff9b::808:808', true, 'NAT64 well-known prefix, public'],
  ['64:ff9b:1::a00:1', false, 'NAT64 local-use /96 layout, private'],
  ['64:ff9b:1::808:808', false, 'NAT64 local-use: 8.8.8.8 as a /96, 0.0.0.0 as a /48 prefix'],
  ['64:ff9b:1:a00:1::', false, 'NAT64 local-use /48 layout, private (bytes 6-7 and 9-10)'],
  ['64:ff9b:1:808:8:808:808:808', true, 'NAT64 local-use, 8.8.8.8 under every layout'],
  ['2002:a00:1::1', false, '6to4 of 10.0.0.1'],
  ['2002:7f00:1::1', false, '6to4 of 127.0.0.1'],
  ['2002:c0a8:101::1', false, '6to4 of 192.168.1.1'],
  ['2002:808:808::1', true, '6to4 of 8.8.8.8'],
  ['2001:0:4136:e378:8000:63bf:f7f7:f7f7', true, 'Teredo, public server 65.54.227.120 and client 8.8.8.8'],
  ['2001:0:a00:1:8000:63bf:f7f7:f7f7', false, 'Teredo, private server 10.0.0.1'],
  ['2001:0:4136:e378:8000:63bf:80ff:fffe', false, 'Teredo, loopback client 127.0.0.1 (inverted)'],
  ['2001:0:4136:e378:8000:63bf:f5ff:fffe', false, 'Teredo, private client 10.0.0.1 (inverted)'],
];

describe('egress policy', () => {
  const policy = createEgressPolicy([]);
  it.each(ADDRESSES)('%s is allowed: %s (%s)', (address, allowed) => {
    expect(policy.allows(address, address)).toBe(allowed);
  });

  it('applies an allowed IPv4 range to the IPv4 an IPv6 address carries', () => {
    const loopback = createEgressPolicy(['127.0.0.1/32']);
    for (const a of ['127.0.0.1', '::ffff:127.0.0.1', '::ffff:7f00:1', '::127.0.0.1', '::ffff:0:7f00:1', '64:ff9b::7f00:1', '2002:7f00:1::1']) {
      expect(loopback.allows(a, a), a).toBe(true);
    }
    for (const a of ['127.0.0.2', '::ffff:127.0.0.2', '2002:7f00:2::1', '::1']) expect(loopback.allows(a, a), a).toBe(false);
    const tenNet = createEgressPolicy(['10.0.0.0/8']);
    expect(tenNet.allows('2002:a00:1::1', '2002:a00:1::1')).toBe(true);
    expect(tenNet.allows('2001:0:a00:1:8000:63bf:80ff:fffe', '2001:0:a00:1:8000:63bf:80ff:fffe')).toBe(false); // client is loopback
  });

  it('matches an IPv6 entry against the address as written', () => {
    const compat = createEgressPolicy(['::127.0.0.1']);
    expect(compat.allows('::7f00:1', '::7f00:1')).toBe(true);
    expect(compat.allows('::ffff:7f00:1', '::ffff:7f00:1')).toBe(false);
    const sixToFour = createEgressPolicy(['2002:a00:1::/48']);
    expect(sixToFour.allows('2002:a00:1::5', '2002:a00:1::5')).toBe(true);
    expect(sixToFour.allows('2002:a00:2::5', '2002:a00:2::5')).toBe(false);
  });

  it('allows listed host names whatever they resolve to, and refuses what is not an address', () => {
    const byName = createEgressPolicy(['Wiki.Internal']);
    expect(byName.allows('wiki.internal', '10.1.2.3')).toBe(true);
    expect(byName.allows('other.internal', '10.1.2.3')).toBe(false);
    expect(policy.allows('x', 'not-an-ip')).toBe(false);
  });
});

describe('egress fetch', () => {
  let server: http.Server;
  let port: number;
  const hits: string[] = [];
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      hits.push(req.url!);
      res.end('reached');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => server.close());

  it.each(['[::127.0.0.1]', '[::ffff:7f00:1]', '[::ffff:0:7f00:1]', '[64:ff9b::7f00:1]', '[2002:7f00:1::1]'])(
    'refuses %s before connecting',
    async (host) => {
      const guarded = createEgressFetch(createEgressDispatcher(createEgressPolicy([])));
      const err = await guarded(`http://${host}:${port}/`).catch((e: unknown) => e);
      expect((err as Error).cause).toBeInstanceOf(EgressDeniedError);
      expect(((err as Error).cause as Error).message).toMatch(/refused: loopback address; to allow it, list \S+ in PARLEY_EGRESS_ALLOW$/);
      expect(hits).toEqual([]);
    },
  );

  it('names the kind of address it refuses and the setting that allows it', () => {
    expect(addressKind('127.0.0.1')).toBe('loopback');
    expect(addressKind('::1')).toBe('loopback');
    expect(addressKind('::ffff:127.0.0.1')).toBe('loopback');
    expect(addressKind('10.1.2.3')).toBe('private');
    expect(addressKind('fd00::1')).toBe('private (unique local)');
    expect(addressKind('169.254.169.254')).toBe('link-local');
    expect(addressKind('100.64.0.1')).toBe('shared (carrier-grade NAT)');
    expect(new EgressDeniedError('intranet.example', '10.1.2.3').message).toBe(
      'outbound request to intranet.example (10.1.2.3) refused: private address; to allow it, list intranet.example in PARLEY_EGRESS_ALLOW',
    );
  });

  it('reaches loopback through an IPv4-mapped literal when 127.0.0.1 is allowed', async () => {
    const allowed = createEgressFetch(createEgressDispatcher(createEgressPolicy(['127.0.0.1/32'])));
    const res = await allowed(`http://[::ffff:7f00:1]:${port}/mapped`);
    expect(await res.text()).toBe('reached');
    expect(hits).toEqual(['/mapped']);
  });
});
