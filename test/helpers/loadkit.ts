/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-member-access -- answers not read typed yet (issue 16; see test/helpers/harness.ts) */
/**
 * Load driver shared by test/load.test.ts (short form) and scripts/soak.ts (full form): N MCP
 * clients against one HTTP app, mixed reads (thruk_totals, thruk_list_hosts) and write previews
 * (thruk_acknowledge dry_run), bounded in call count and wall time. Reports latency percentiles,
 * errors, RSS and the open-fd count (/proc/self/fd) before and after.
 */
import { readdirSync } from 'node:fs';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { Agent, fetch as undiciFetch } from 'undici';
import { createLogger } from '../../src/server/log.js';
import { createRuntime } from '../../src/server/runtime.js';
import { createServerFactory } from '../../src/server/server.js';
import { allTools } from '../../src/tools/core/registry.js';
import { createSimulator } from '../../src/sim/index.js';
import { fetchHandlerSend } from '../../src/thruk/client.js';
import { createHttpApp, startHttp } from '../../src/transports/http.js';
import { demoConfig } from './config.js';
import { registerSecret } from './secret-registry.js';
import { withSettings } from './harness.js';

export interface LoadOptions {
  clients: number;
  durationMs: number;
  /** Hard cap on calls across all clients. */
  maxCalls: number;
  /** 'inproc': clients call app.fetch; 'loopback': real sockets to 127.0.0.1 via startHttp. */
  transport: 'inproc' | 'loopback';
  /** Bearer token on the gate (the clients present it). */
  token?: string;
  /**
   * Load before the baseline is taken. Under 64 clients the connection pool, V8's heap and the
   * allocator keep growing for tens of seconds before they level off; a baseline taken earlier
   * measures that warm-up, not a leak. Default: 10 % of the run, at most 2 s (short forms).
   */
  warmupMs?: number;
  /** Called about every `sampleEveryMs` with the current RSS (soak reporting). */
  onSample?: (s: { tMs: number; rss: number; heapUsed: number; fds: number; calls: number }) => void;
  sampleEveryMs?: number;
}

export interface LoadReport {
  clients: number;
  transport: 'inproc' | 'loopback';
  calls: number;
  errors: number;
  errorSamples: string[];
  byTool: Record<string, number>;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  wallMs: number;
  /** Calls per second over the run. */
  rate: number;
  fdBefore: number;
  fdAfter: number;
  /** Open fds when the warm-up ended, and the lowest / highest count sampled under load after it. */
  fdWarm: number;
  fdMinLoaded: number;
  fdMaxLoaded: number;
  /** Open fds when the load stopped, clients still connected (steady state). */
  fdEnd: number;
  rssBefore: number;
  /** RSS when the warm-up ended (after GC with --expose-gc): the baseline for growth. */
  rssWarm: number;
  /** RSS when the load stopped, clients still connected (after GC with --expose-gc). */
  rssEnd: number;
  /** RSS after everything was closed. */
  rssAfter: number;
  rssPeak: number;
  /** Heap in use when the warm-up ended / the load stopped / after closing (after GC with --expose-gc). */
  heapWarm: number;
  heapEnd: number;
  heapAfter: number;
  /** Memory when the warm-up ended and when the load stopped (after GC with --expose-gc). */
  memWarm: MemorySnapshot | undefined;
  memEnd: MemorySnapshot;
  /** Trend of the RSS samples taken under load after the warm-up, bytes per minute. */
  rssSlopePerMin: number;
  /** Calls made during the warm-up (included in `calls`). */
  warmupCalls: number;
  logLines: number;
}

export function openFds(): number {
  try {
    return readdirSync('/proc/self/fd').length;
  } catch {
    return -1;
  }
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] ?? 0;
}

export interface MemorySnapshot {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
}

/** Memory after a full GC when the process runs with --expose-gc (otherwise as it is). */
function settled(): MemorySnapshot {
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  return { rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external };
}

/** Least-squares slope of RSS over time, in bytes per minute (0 with fewer than 3 samples). */
export function rssSlopePerMinute(samples: ReadonlyArray<{ tMs: number; rss: number }>): number {
  if (samples.length < 3) return 0;
  const n = samples.length;
  const mt = samples.reduce((a, s) => a + s.tMs, 0) / n;
  const mr = samples.reduce((a, s) => a + s.rss, 0) / n;
  let num = 0;
  let den = 0;
  for (const s of samples) {
    num += (s.tMs - mt) * (s.rss - mr);
    den += (s.tMs - mt) ** 2;
  }
  return den === 0 ? 0 : (num / den) * 60_000;
}

const sleep = (ms: number): Promise<void> => new Promise((res) => setTimeout(res, ms));

export async function runLoad(opts: LoadOptions): Promise<LoadReport> {
  registerSecret(opts.token);
  const fdBefore = openFds();
  const rssBefore = process.memoryUsage().rss;
  const config = withSettings(demoConfig(), { http: { host: '127.0.0.1', port: 0 } });
  let logLines = 0;
  const log = createLogger('warn', {
    write: () => {
      logLines++;
      return true;
    },
  });
  const sim = createSimulator({ apiKey: config.thruk.apiKey });
  const runtime = createRuntime(
    config,
    log,
    fetchHandlerSend((req) => sim.fetch(req)),
  );
  const factory = createServerFactory({
    config,
    thruk: runtime.thruk,
    log,
    version: '0.0.0-load',
    now: () => Date.now(),
    tools: allTools(),
  });
  const app = createHttpApp(factory, { token: opts.token, allowedHosts: ['localhost', '127.0.0.1'] }, log);
  const agent = opts.transport === 'loopback' ? new Agent({ connections: opts.clients * 2 }) : undefined;
  const listener = opts.transport === 'loopback' ? await startHttp(app, config, log, 0) : undefined;
  const url = new URL(listener?.url ?? 'http://localhost/mcp');
  const withToken = (init?: RequestInit): RequestInit => {
    if (opts.token === undefined) return init ?? {};
    const headers = new Headers(init?.headers);
    headers.set('authorization', `Bearer ${opts.token}`);
    return { ...init, headers };
  };
  const clientFetch =
    agent !== undefined
      ? (u: string | URL, init?: RequestInit) =>
          undiciFetch(u, { ...(withToken(init) as object), dispatcher: agent }) as unknown as Promise<Response>
      : (u: string | URL, init?: RequestInit) => app.fetch(new Request(u, withToken(init)));

  // A DOWN host for the previews.
  const downRes = await sim.fetch(
    new Request('http://sim.invalid/demo/thruk/r/hosts?state[ne]=0&columns=name', { headers: { 'X-Thruk-Auth-Key': config.thruk.apiKey } }),
  );
  const downRows = (await downRes.json()) as Array<{ name: string }>;
  const previewHost = downRows[0]?.name ?? 'web-01';

  const clients: Client[] = [];
  const latencies: number[] = [];
  const byTool: Record<string, number> = {};
  const errorSamples: string[] = [];
  let calls = 0;
  let errors = 0;
  let rssPeak = rssBefore;
  let warm: (MemorySnapshot & { fds: number; calls: number }) | undefined;
  const loadedRss: Array<{ tMs: number; rss: number }> = [];
  let fdMinLoaded = Infinity;
  let fdMaxLoaded = 0;
  const t0 = Date.now();
  let wallMs = 0;
  const deadline = t0 + opts.durationMs;
  const warmAt = t0 + (opts.warmupMs ?? Math.min(2000, opts.durationMs / 10));
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    const fds = openFds();
    rssPeak = Math.max(rssPeak, m.rss);
    if (warm === undefined && Date.now() >= warmAt) warm = { ...settled(), fds, calls };
    else if (warm !== undefined) {
      loadedRss.push({ tMs: Date.now() - t0, rss: m.rss });
      fdMinLoaded = Math.min(fdMinLoaded, fds);
      fdMaxLoaded = Math.max(fdMaxLoaded, fds);
    }
    opts.onSample?.({ tMs: Date.now() - t0, rss: m.rss, heapUsed: m.heapUsed, fds, calls });
  }, opts.sampleEveryMs ?? 250);
  let end: MemorySnapshot & { fds: number } = { rss: 0, heapUsed: 0, heapTotal: 0, external: 0, fds: 0 };
  try {
    for (let i = 0; i < opts.clients; i++) {
      const c = new Client({ name: `load-${i}`, version: '1' }, { versionNegotiation: { mode: 'auto' as const } });
      await c.connect(new StreamableHTTPClientTransport(url, { fetch: clientFetch }));
      clients.push(c);
    }
    const mix: ReadonlyArray<{ name: string; args: Record<string, unknown> }> = [
      { name: 'thruk_totals', args: {} },
      { name: 'thruk_list_hosts', args: { limit: 20 } },
      { name: 'thruk_list_hosts', args: { filter: { field: 'state', op: 'eq', value: 'down' }, limit: 10 } },
      { name: 'thruk_acknowledge', args: { host: previewHost, comment: 'load preview', dry_run: true } },
    ];
    const worker = async (c: Client, idx: number): Promise<void> => {
      let k = idx;
      while (Date.now() < deadline && calls < opts.maxCalls) {
        calls++;
        const op = mix[k++ % mix.length] ?? mix[0]!;
        const started = performance.now();
        try {
          const res: any = await c.callTool({ name: op.name, arguments: op.args }, { timeout: 30_000 });
          if (res.isError === true) {
            errors++;
            if (errorSamples.length < 5) errorSamples.push(`${op.name}: ${String(res.content?.[0]?.text ?? '').slice(0, 200)}`);
          }
        } catch (err) {
          errors++;
          if (errorSamples.length < 5) errorSamples.push(`${op.name}: ${String(err).slice(0, 200)}`);
        }
        latencies.push(performance.now() - started);
        byTool[op.name] = (byTool[op.name] ?? 0) + 1;
      }
    };
    await Promise.all(clients.map((c, i) => worker(c, i)));
    // The steady state, measured before anything is closed.
    end = { ...settled(), fds: openFds() };
  } finally {
    clearInterval(sampler);
    wallMs = Date.now() - t0;
    for (const c of clients) await c.close().catch(() => undefined);
    if (listener !== undefined) await listener.close();
    else await app.close();
    await runtime.close();
    await agent?.close();
  }
  latencies.sort((a, b) => a - b);
  // Let closed sockets and timers settle before counting descriptors.
  for (let i = 0; i < 20 && openFds() > fdBefore; i++) await sleep(50);
  const closed = settled();
  return {
    clients: opts.clients,
    transport: opts.transport,
    calls: latencies.length,
    errors,
    errorSamples,
    byTool,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    max: latencies[latencies.length - 1] ?? 0,
    wallMs,
    rate: latencies.length / Math.max(0.001, wallMs / 1000),
    fdBefore,
    fdAfter: openFds(),
    fdWarm: warm?.fds ?? fdBefore,
    fdMinLoaded: Number.isFinite(fdMinLoaded) ? fdMinLoaded : end.fds,
    fdMaxLoaded: Math.max(fdMaxLoaded, end.fds),
    fdEnd: end.fds,
    rssBefore,
    rssWarm: warm?.rss ?? rssBefore,
    rssEnd: end.rss,
    rssAfter: closed.rss,
    rssPeak,
    heapWarm: warm?.heapUsed ?? 0,
    heapEnd: end.heapUsed,
    heapAfter: closed.heapUsed,
    memWarm: warm,
    memEnd: end,
    rssSlopePerMin: rssSlopePerMinute(loadedRss),
    warmupCalls: warm?.calls ?? 0,
    logLines,
  };
}
