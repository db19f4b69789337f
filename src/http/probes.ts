/**
 * The health probes. Orchestrators and load balancers poll them, over plain HTTP on a container's own address (a
 * Kubernetes probe comes from the node, not loopback, with no proxy in between), often: so they are exempt from the
 * per-IP rate limit (polling never locks callers out) and from HTTPS (they hold nothing secret).
 */
export const PROBE_PATHS: ReadonlySet<string> = new Set(['/healthz', '/readyz']);
