import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { addressKind, type EgressPolicy } from '../../infra/egress/egress.ts';
import { badRequest } from '../../lib/errors.ts';

/**
 * Refuses, when it is saved, a base URL that the egress guard would refuse on every call, so the
 * org learns it now with a 400 instead of a 502 at each invoke. The guard still checks at connect
 * time: DNS may answer differently later.
 */
export async function assertAllowedBaseUrl(policy: EgressPolicy, baseUrl: string): Promise<void> {
  const host = new URL(baseUrl).hostname.replace(/^\[|\]$/g, '');
  const addresses = isIP(host) ? [host] : await resolve(host);
  const denied = addresses.find((address) => !policy.allows(host, address));
  if (denied) {
    throw badRequest(
      `base_url: address is refused: ${host} (${denied}) is a ${addressKind(denied)} address; the operator can allow it by listing ${isIP(host) ? denied : host} in PARLEY_EGRESS_ALLOW`,
    );
  }
}

async function resolve(host: string): Promise<string[]> {
  try {
    return (await lookup(host, { all: true })).map((a) => a.address);
  } catch {
    throw badRequest(`base_url: the host ${host} does not resolve`);
  }
}
