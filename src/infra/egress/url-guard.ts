import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { badRequest } from '../../lib/errors.ts';
import { addressKind, type EgressPolicy } from './egress.ts';

/**
 * Refuses, when it is saved, a URL that the egress guard would refuse on every call (an org's model base URL, a
 * webhook endpoint), so the user learns it now with a 400 naming the fix, instead of a 502 at each invoke or a
 * delivery log of refusals. The guard still checks at connect time: DNS may answer differently later.
 * `unresolvable`: whether a host that does not resolve now is refused (a model base URL, used at once) or accepted
 * (a webhook endpoint, whose name may be set up after it; its deliveries say why they fail meanwhile).
 */
export async function assertAllowedUrl(policy: EgressPolicy, url: string, opts: { field: string; unresolvable: 'refuse' | 'accept' }): Promise<void> {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  let addresses: string[];
  if (isIP(host)) addresses = [host];
  else {
    try {
      addresses = (await lookup(host, { all: true })).map((a) => a.address);
    } catch {
      if (opts.unresolvable === 'accept') return;
      throw badRequest(`${opts.field}: the host ${host} does not resolve`);
    }
  }
  const denied = addresses.find((address) => !policy.allows(host, address));
  if (denied) {
    throw badRequest(
      `${opts.field}: address is refused: ${host} (${denied}) is a ${addressKind(denied)} address; the operator can allow it by listing ${isIP(host) ? denied : host} in PARLEY_EGRESS_ALLOW`,
    );
  }
}
