/**
 * Memory of our server process (read from /proc, so the bench's own heap never counts):
 * RSS idle after start (stdio, a real configuration: Thruk is the loopback simulator child), and
 * RSS growth over the second half of up to 100 000 calls (at most 5 min) of a cheap cached read over
 * HTTP (thruk_totals, 32 clients), with the heap cap of deploy/k8s.yaml.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createMcpHandler } from '@modelcontextprotocol/server';
import { createSimulator } from '../src/sim/index.js';
import { minimalServer } from './baselines/minimal-server.js';
import { benchConfig, modernRequest, startInProc } from './lib/inproc.js';
import { manifestMemory } from './lib/k8s.js';
import { runLoad } from './lib/load.js';
import type { MinimalBuild } from './lib/minimal.js';
import { startOursHttp, startOursStdio } from './lib/servers.js';
import type { SimChild } from './lib/sim.js';
import { spawnStdio } from './lib/stdio.js';
import { CLI, procMemory, ROOT, sleep, type BenchOptions, type BenchRow } from './lib/util.js';

async function idleRss(args: readonly string[], env: Record<string, string>, settleMs: number): Promise<number | undefined> {
  const c = spawnStdio(args, env);
  try {
    await c.handshake();
    await c.request('tools/list');
    await sleep(settleMs);
    return procMemory(c.child.pid)?.rssMb;
  } finally {
    await c.close();
  }
}

/**
 * Leak check in this process: heap used after a forced full GC, before and after `calls` stateless
 * 2026 requests straight into a fetch handler (25 at a time). KB retained per call.
 */
async function retainedPerCall(fetch: (r: Request) => Promise<Response>, tool: string, calls: number): Promise<number> {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const { headers, body } = modernRequest('tools/call', { name: tool, arguments: {} });
  const one = async () => {
    const res = await fetch(new Request('http://localhost/mcp', { method: 'POST', headers, body }));
    await res.text();
  };
  // Finalizers (undici's Request keeps its abort wiring until one runs) only run after a GC, in a later task.
  const settle = async () => {
    for (let i = 0; i < 4; i++) {
      gc();
      await sleep(20);
    }
  };
  const burst = async (n: number) => {
    for (let i = 0; i < n; i += 25) await Promise.all(Array.from({ length: 25 }, one));
  };
  await burst(2000);
  await settle();
  const before = process.memoryUsage().heapUsed;
  await burst(calls);
  await settle();
  return (process.memoryUsage().heapUsed - before) / 1024 / calls;
}

async function leakRow(o: BenchOptions): Promise<BenchRow> {
  const calls = o.smoke ? 1000 : 10_000;
  const sim = createSimulator({ hosts: 50, apiKey: 'bench' });
  const h = await startInProc({ config: benchConfig({ apiKey: 'bench' }), sim });
  let ours: number;
  try {
    ours = await retainedPerCall((r) => h.app.fetch(r), 'thruk_totals', calls);
  } finally {
    await h.close();
  }
  const handler = createMcpHandler(minimalServer, { legacy: 'stateless' });
  let mini: number;
  try {
    mini = await retainedPerCall((r) => handler.fetch(r), 'noop', calls);
  } finally {
    await handler.close();
  }
  return {
    id: 'mem.retained',
    group: 'memory',
    metric: `heap retained per call after a forced GC, in process (${calls.toLocaleString('en-US')} thruk_totals calls)`,
    value: ours,
    unit: 'KB/call',
    baseline: { label: 'minimal SDK server, same requests', value: mini, unit: 'KB/call' },
    ratio: mini > 0 ? ours / mini : null,
    note: 'heap used after forced GCs (finalizers given time to run), after 2 000 warm-up calls vs after the calls; near 0 means nothing is kept per request, a figure that stays clearly above 0 run after run would be a leak',
  };
}

export async function memory(o: BenchOptions, sim: SimChild, minimal: MinimalBuild): Promise<BenchRow[]> {
  const settle = o.smoke ? 200 : 1000;
  const calls = o.smoke ? 2000 : 100_000;
  const warmCalls = o.smoke ? 200 : 2000;

  const stdio = startOursStdio(sim.url, sim.key);
  let idle: number | undefined;
  try {
    await stdio.handshake();
    await stdio.request('tools/list');
    await sleep(settle);
    idle = procMemory(stdio.child.pid)?.rssMb;
  } finally {
    await stdio.close();
  }
  const idleDemo = await idleRss([CLI, '--demo'], {}, settle);
  const idleMinimal = await idleRss([minimal.file], {}, settle);

  // The heap cap deploy/k8s.yaml gives the pod: without it V8 sizes its heap from this machine's
  // memory, and RSS under load says more about the host than about the server.
  const { heapMib } = manifestMemory(readFileSync(join(ROOT, 'deploy', 'k8s.yaml'), 'utf8'));
  const server = await startOursHttp(sim.url, sim.key, heapMib !== undefined ? { NODE_OPTIONS: `--max-old-space-size=${heapMib}` } : {});
  let httpIdle: number | undefined;
  let start: number | undefined;
  let end: number | undefined;
  let peak: number | undefined;
  let served = 0;
  let errors = 0;
  let seconds = 0;
  let trace = '';
  try {
    await sleep(settle);
    httpIdle = procMemory(server.child.pid)?.rssMb;
    const { headers, body } = modernRequest('tools/call', { name: 'thruk_totals', arguments: {} });
    const base = { origin: server.origin, path: server.path, headers, body, concurrency: 32, ok: (b: string) => b.includes('"result"') };
    const warm = await runLoad({ ...base, durationMs: 60_000, maxRequests: warmCalls });
    if (warm.errors > 0) throw new Error(`memory warm-up: ${warm.firstError ?? ''}`);
    await sleep(settle);
    start = procMemory(server.child.pid)?.rssMb;
    // RSS every 500 ms; judged as the median of the last fifth of the run against the median
    // of the fifth around its middle (the first half is warm-up: pools, caches, V8's heap sizing).
    const t0 = Date.now();
    const samples: Array<{ t: number; rss: number }> = [];
    const sampler = setInterval(
      () => {
        const rss = procMemory(server.child.pid)?.rssMb;
        if (rss !== undefined) samples.push({ t: Date.now() - t0, rss });
      },
      o.smoke ? 100 : 500,
    ); // a smoke run lasts ~2 s: sample often enough that every fifth has samples
    const run = await runLoad({ ...base, durationMs: o.smoke ? 30_000 : 300_000, maxRequests: calls });
    clearInterval(sampler);
    const last = procMemory(server.child.pid)?.rssMb;
    if (last !== undefined) samples.push({ t: run.elapsedMs, rss: last });
    served = run.requests;
    errors = run.errors;
    seconds = run.elapsedMs / 1000;
    const med = (from: number, to: number) => {
      const xs = samples
        .filter((x) => x.t >= from * run.elapsedMs && x.t <= to * run.elapsedMs)
        .map((x) => x.rss)
        .sort((a, b) => a - b);
      return xs[Math.floor(xs.length / 2)];
    };
    start = med(0.4, 0.6);
    end = med(0.8, 1.01);
    trace = Array.from({ length: 10 }, (_, i) => med(i / 10, (i + 1) / 10)?.toFixed(0) ?? '?').join(' ');
    peak = procMemory(server.child.pid)?.peakMb;
    o.progress(`memory: ${served} calls, RSS ${start?.toFixed(0)} → ${end?.toFixed(0)} MB`);
  } finally {
    await server.stop();
  }
  const retained = await leakRow(o);
  const growth = start !== undefined && end !== undefined ? ((end - start) / start) * 100 : null;
  const growthIdle = httpIdle !== undefined && end !== undefined ? ((end - httpIdle) / httpIdle) * 100 : null;
  return [
    {
      id: 'mem.idle',
      group: 'memory',
      metric: 'RSS idle after start (stdio, THRUK_BASE_URL, after tools/list)',
      value: idle ?? null,
      unit: 'MB',
      target: '≤ 80 MB',
      met: idle !== undefined && idle <= 80,
      note: `for reference: --demo (simulator in process) ${idleDemo?.toFixed(1) ?? 'n/a'} MB; minimal SDK server ${idleMinimal?.toFixed(1) ?? 'n/a'} MB`,
    },
    {
      id: 'mem.growth',
      group: 'memory',
      metric: `RSS growth over the second half of ${served.toLocaleString('en-US')} thruk_totals calls (HTTP, 32 clients, heap cap ${heapMib ?? 'none'} MiB as in deploy/k8s.yaml)`,
      value: growth,
      unit: '%',
      baseline: { label: 'RSS at the middle of the run (median of 40–60 %)', value: start ?? null, unit: 'MB' },
      target: '≤ 10 %',
      met: growth !== null && growth <= 10 && errors === 0,
      note: `middle ${start?.toFixed(1) ?? 'n/a'} MB → end (median of the last 20 %) ${end?.toFixed(1) ?? 'n/a'} MB (peak ${peak?.toFixed(1) ?? 'n/a'} MB); RSS per tenth of the run: ${trace} MB; HTTP server idle before any call ${httpIdle?.toFixed(1) ?? 'n/a'} MB (growth from there ${growthIdle === null ? 'n/a' : `${growthIdle.toFixed(1)} %`}); ${warmCalls} warm-up calls before; ${errors} errors; ${seconds.toFixed(0)} s`,
    },
    retained,
  ];
}
