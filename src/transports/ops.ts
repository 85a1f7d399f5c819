import type { Metrics } from './metrics.js';
import type { Readiness } from './readiness.js';

export interface OpsOptions {
  readonly metrics?: Metrics | undefined;
  readonly readiness?: Readiness | undefined;
  /** false when /metrics lives on its own port (MCP_METRICS_PORT). */
  readonly serveMetrics?: boolean;
  /** Set once a graceful shutdown begins: /readyz then answers 503 so balancers stop sending. */
  readonly lifecycle?: { readonly draining: boolean } | undefined;
}

const noStore = { 'content-type': 'application/json', 'cache-control': 'no-store' };

/**
 * /healthz, /readyz and /metrics: outside MCP auth (probes and scrapers carry no token), so each
 * answers only with states, counts and reasons, never monitoring data or configuration.
 */
export async function opsResponse(req: Request, opts: OpsOptions): Promise<Response | undefined> {
  if (req.method !== 'GET' && req.method !== 'HEAD') return undefined;
  const path = new URL(req.url).pathname;
  if (path === '/healthz') return new Response(JSON.stringify({ status: 'ok' }), { status: 200, headers: noStore });
  if (path === '/readyz') {
    if (opts.lifecycle?.draining === true)
      return new Response(JSON.stringify({ status: 'not ready', reason: 'shutting down' }), { status: 503, headers: noStore });
    if (opts.readiness === undefined) return new Response(JSON.stringify({ status: 'ready' }), { status: 200, headers: noStore });
    const state = await opts.readiness.check();
    const body = state.ready ? { status: 'ready' } : { status: 'not ready', reason: state.reason ?? 'unknown' };
    return new Response(JSON.stringify(body), { status: state.ready ? 200 : 503, headers: noStore });
  }
  if (path === '/metrics' && opts.metrics !== undefined && opts.serveMetrics !== false) {
    const { contentType, body } = await opts.metrics.render();
    return new Response(body, { status: 200, headers: { 'content-type': contentType, 'cache-control': 'no-store' } });
  }
  return undefined;
}
