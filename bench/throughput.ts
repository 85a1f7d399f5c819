/**
 * HTTP throughput with 32 concurrent clients: stateless 2026-07-28 tools/call requests (POST /mcp,
 * the envelope the SDK client sends) of a cached read (thruk_totals: its two Thruk calls are cached
 * 15 s) against dist/cli.js --listen, versus the minimal SDK server's no-op tool. Loopback only;
 * bounded in time and count. Each server gets the same warm-up first.
 */
import { modernRequest } from './lib/inproc.js';
import { runLoad, type LoadResult } from './lib/load.js';
import type { MinimalBuild } from './lib/minimal.js';
import { startMinimalHttp, startOursHttp, type HttpChild } from './lib/servers.js';
import type { SimChild } from './lib/sim.js';
import { median, procCpuMs, procMemory, ratio, type BenchOptions, type BenchRow } from './lib/util.js';

export const CONCURRENCY = 32;

const isResult = (body: string) => body.includes('"result"') && !body.includes('"isError":true');

async function drive(server: HttpChild, tool: string, durationMs: number, maxRequests: number): Promise<LoadResult> {
  const { headers, body } = modernRequest('tools/call', { name: tool, arguments: {} });
  return runLoad({
    origin: server.origin,
    path: server.path,
    headers,
    body,
    concurrency: CONCURRENCY,
    durationMs,
    maxRequests,
    ok: isResult,
  });
}

function combine(parts: readonly LoadResult[]): LoadResult {
  const requests = parts.reduce((a, p) => a + p.requests, 0);
  const errors = parts.reduce((a, p) => a + p.errors, 0);
  const elapsedMs = parts.reduce((a, p) => a + p.elapsedMs, 0);
  const firstError = parts.find((p) => p.firstError !== undefined)?.firstError;
  return {
    requests,
    errors,
    elapsedMs,
    rps: (requests - errors) / (elapsedMs / 1000),
    // Medians of the rounds' percentiles: good enough for a note.
    p50Ms: median(parts.map((p) => p.p50Ms)),
    p99Ms: median(parts.map((p) => p.p99Ms)),
    ...(firstError !== undefined ? { firstError } : {}),
  };
}

export async function throughput(o: BenchOptions, sim: SimChild, minimal: MinimalBuild): Promise<BenchRow[]> {
  // Both servers run at once (the idle one costs nothing) and are measured in alternating rounds,
  // so a burst of load from elsewhere on this shared machine hits both alike.
  const rounds = o.smoke ? 2 : 4;
  const roundMs = o.smoke ? 500 : 2500;
  const warmMs = o.smoke ? 300 : 2000;
  const cap = 5_000_000;
  const servers = { minimal: await startMinimalHttp(minimal.file), ours: await startOursHttp(sim.url, sim.key) };
  const tool = { minimal: 'noop', ours: 'thruk_totals' } as const;
  const parts: Record<'ours' | 'minimal', LoadResult[]> = { ours: [], minimal: [] };
  // CPU time the server process spent per answered request: on a machine shared with other jobs the
  // req/s of a round depend on what else ran then; the CPU a request costs the server barely does.
  const cpu: Record<'ours' | 'minimal', { ms: number; requests: number }> = {
    ours: { ms: 0, requests: 0 },
    minimal: { ms: 0, requests: 0 },
  };
  let oursRss: number | undefined;
  try {
    for (const which of ['minimal', 'ours'] as const) {
      const warm = await drive(servers[which], tool[which], warmMs, cap);
      if (warm.errors > 0) throw new Error(`${which} warm-up: ${warm.errors} bad answers, first: ${warm.firstError ?? ''}`);
    }
    for (let r = 0; r < rounds; r++) {
      const order = r % 2 === 0 ? (['minimal', 'ours'] as const) : (['ours', 'minimal'] as const);
      for (const which of order) {
        const before = procCpuMs(servers[which].child.pid);
        const res = await drive(servers[which], tool[which], roundMs, cap);
        const after = procCpuMs(servers[which].child.pid);
        parts[which].push(res);
        if (before !== undefined && after !== undefined) {
          cpu[which].ms += after - before;
          cpu[which].requests += res.requests;
        }
      }
    }
    oursRss = procMemory(servers.ours.child.pid)?.rssMb;
  } finally {
    await servers.ours.stop();
    await servers.minimal.stop();
  }
  const ours = combine(parts.ours);
  const mini = combine(parts.minimal);
  o.progress(`throughput: minimal ${mini.rps.toFixed(0)} req/s, ours ${ours.rps.toFixed(0)} req/s`);
  const r = ratio(ours.rps, mini.rps);
  const perReq = (w: 'ours' | 'minimal') => (cpu[w].requests > 0 ? (cpu[w].ms * 1000) / cpu[w].requests : null);
  const cpuOurs = perReq('ours');
  const cpuMini = perReq('minimal');
  const cpuRatio = ratio(cpuMini, cpuOurs);
  const detail = (x: LoadResult, p: readonly LoadResult[]) =>
    `${x.requests} requests in ${(x.elapsedMs / 1000).toFixed(1)} s (${p.length} alternating rounds: ${p.map((q) => q.rps.toFixed(0)).join(', ')} req/s), ${x.errors} errors, p50 ${x.p50Ms.toFixed(1)} ms, p99 ${x.p99Ms.toFixed(1)} ms`;
  return [
    {
      id: 'http.minimal',
      group: 'HTTP throughput',
      metric: `minimal SDK server, no-op tool, ${CONCURRENCY} clients (baseline)`,
      value: mini.rps,
      unit: 'req/s',
      note: detail(mini, parts.minimal),
    },
    {
      id: 'http.ours',
      group: 'HTTP throughput',
      metric: `thruk_totals (cached), ${CONCURRENCY} clients, stateless 2026-07-28`,
      value: ours.rps,
      unit: 'req/s',
      baseline: { label: 'minimal no-op server', value: mini.rps, unit: 'req/s' },
      ratio: r,
      target: '≥ 0.9×',
      met: r !== null && r >= 0.9 && ours.errors === 0,
      note: `${detail(ours, parts.ours)}${oursRss !== undefined ? `; server RSS after ${oursRss.toFixed(0)} MB` : ''}`,
    },
    {
      id: 'http.cpu.minimal',
      group: 'HTTP throughput',
      metric: 'server CPU per request: minimal SDK server, no-op tool (baseline)',
      value: cpuMini,
      unit: 'µs',
      note: `${cpu.minimal.requests} requests, ${cpu.minimal.ms.toFixed(0)} ms CPU (user + system, /proc) over the same rounds`,
    },
    {
      id: 'http.cpu.ours',
      group: 'HTTP throughput',
      metric: 'server CPU per request: thruk_totals (cached); ratio = the throughput it allows vs the minimal server',
      value: cpuOurs,
      unit: 'µs',
      baseline: { label: 'minimal no-op server', value: cpuMini, unit: 'µs' },
      ratio: cpuRatio,
      note: `${cpu.ours.requests} requests, ${cpu.ours.ms.toFixed(0)} ms CPU over the same rounds; the load generator shares the 2 cores, so this ratio is the one a busy machine does not distort`,
    },
  ];
}
