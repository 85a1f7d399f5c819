import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ThrukRequestInfo } from '../thruk/client.js';

export type ToolOutcome = 'ok' | 'error' | 'refused' | 'input_required' | 'exception';
/** Why the HTTP layer refused a /mcp request before any tool ran (limits, TLS policy, shutdown). */
export type RefusalReason = 'rate_limited' | 'body_too_large' | 'tls_required' | 'shutting_down';

export interface Metrics {
  readonly registry: Registry;
  /** Starts timing one tools/call; the returned function records its outcome exactly once. */
  startToolCall(tool: string): (outcome: ToolOutcome) => void;
  thrukRequest(info: ThrukRequestInfo): void;
  httpRefused(reason: RefusalReason): void;
  /** HTTP requests whose response is still being written (what a graceful shutdown waits for). */
  httpInFlight(n: number): void;
  /** The Prometheus exposition; labels are tool names, outcomes, methods and statuses only. */
  render(): Promise<{ contentType: string; body: string }>;
}

/** A registry of its own per instance, so several apps in one process (tests) never collide. */
export function createMetrics(opts: { defaultMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (opts.defaultMetrics !== false) collectDefaultMetrics({ register: registry, prefix: 'thruk_mcp_' });
  const calls = new Counter({
    name: 'thruk_mcp_tool_calls_total',
    help: 'MCP tool calls by tool and outcome.',
    labelNames: ['tool', 'outcome'],
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'thruk_mcp_tool_call_duration_seconds',
    help: 'MCP tool call latency by tool.',
    labelNames: ['tool'],
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const inFlight = new Gauge({ name: 'thruk_mcp_tool_calls_in_flight', help: 'MCP tool calls currently running.', registers: [registry] });
  const thruk = new Counter({
    name: 'thruk_mcp_thruk_requests_total',
    help: 'Requests sent to Thruk by method and HTTP status ("error" when no answer).',
    labelNames: ['method', 'status'],
    registers: [registry],
  });
  const cacheHits = new Counter({
    name: 'thruk_mcp_thruk_cache_hits_total',
    help: 'Thruk GETs answered from the response cache.',
    registers: [registry],
  });
  const refused = new Counter({
    name: 'thruk_mcp_http_refused_total',
    help: '/mcp requests refused by the rate limit, the body size limit, the TLS policy or a shutdown in progress.',
    labelNames: ['reason'],
    registers: [registry],
  });
  const httpInFlight = new Gauge({
    name: 'thruk_mcp_http_requests_in_flight',
    help: 'HTTP requests whose response is still being written.',
    registers: [registry],
  });

  return {
    registry,
    startToolCall: (tool) => {
      inFlight.inc();
      const stop = latency.startTimer({ tool });
      let done = false;
      return (outcome) => {
        if (done) return;
        done = true;
        inFlight.dec();
        stop();
        calls.inc({ tool, outcome });
      };
    },
    thrukRequest: (info) => {
      if (info.cached === true) {
        cacheHits.inc();
        return;
      }
      thruk.inc({ method: info.method, status: info.status !== undefined ? String(info.status) : 'error' });
    },
    httpRefused: (reason) => refused.inc({ reason }),
    httpInFlight: (n) => httpInFlight.set(n),
    render: async () => ({ contentType: registry.contentType, body: await registry.metrics() }),
  };
}
