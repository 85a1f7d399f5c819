/**
 * Memory of our server process (read from /proc, so the bench's own heap never counts):
 * RSS idle after start (stdio, a real configuration: Thruk is the loopback simulator child), and
 * RSS growth over 100 000 calls of a cheap cached read over HTTP (thruk_totals, 32 clients).
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createMcpHandler } from '@modelcontextprotocol/server';
import { createSimulator } from '../src/sim/index.js';
import { minimalServer } from './baselines/minimal-server.js';
import { benchConfig, modernRequest, startInProc } from './lib/inproc.js';
import { runLoad } from './lib/load.js';
import type { MinimalBuild } from './lib/minimal.js';
import { startOursHttp, startOursStdio } from './lib/servers.js';
import type { SimChild } from './lib/sim.js';
import { spawnStdio } from './lib/stdio.js';
import { CLI, procMemory, sleep, type BenchOptions, type BenchRow } from './lib/util.js';

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
    id: 'mem.retained', group: 'memory', metric: `heap retained per call after a forced GC, in process (${calls.toLocaleString('en-US')} thruk_totals calls)`, value: ours, unit: 'KB/call',
    baseline: { label: 'minimal SDK server, same requests', value: mini, unit: 'KB/call' }, ratio: mini > 0 ? ours / mini : null,
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

  const server = await startOursHttp(sim.url, sim.key);
  let httpIdle: number | undefined;
  let start: number | undefined;
  let end: number | undefined;
  let peak: number | undefined;
  let served = 0;
  let errors = 0;
  let seconds = 0;
  try {
    await sleep(settle);
    httpIdle = procMemory(server.child.pid)?.rssMb;
    const { headers, body } = modernRequest('tools/call', { name: 'thruk_totals', arguments: {} });
    const base = { origin: server.origin, path: server.path, headers, body, concurrency: 32, ok: (b: string) => b.includes('"result"') };
    const warm = await runLoad({ ...base, durationMs: 60_000, maxRequests: warmCalls });
    if (warm.errors > 0) throw new Error(`memory warm-up: ${warm.firstError ?? ''}`);
    await sleep(settle);
    start = procMemory(server.child.pid)?.rssMb;
    const run = await runLoad({ ...base, durationMs: o.smoke ? 30_000 : 480_000, maxRequests: calls });
    served = run.requests;
    errors = run.errors;
    seconds = run.elapsedMs / 1000;
    await sleep(settle);
    const m = procMemory(server.child.pid);
    end = m?.rssMb;
    peak = m?.peakMb;
    o.progress(`memory: ${served} calls, RSS ${start?.toFixed(0)} → ${end?.toFixed(0)} MB`);
  } finally {
    await server.stop();
  }
  const retained = await leakRow(o);
  const growth = start !== undefined && end !== undefined ? ((end - start) / start) * 100 : null;
  const growthIdle = httpIdle !== undefined && end !== undefined ? ((end - httpIdle) / httpIdle) * 100 : null;
  return [
    {
      id: 'mem.idle', group: 'memory', metric: 'RSS idle after start (stdio, THRUK_BASE_URL, after tools/list)', value: idle ?? null, unit: 'MB',
      target: '≤ 80 MB', met: idle !== undefined && idle <= 80,
      note: `for reference: --demo (simulator in process) ${idleDemo?.toFixed(1) ?? 'n/a'} MB; minimal SDK server ${idleMinimal?.toFixed(1) ?? 'n/a'} MB`,
    },
    {
      id: 'mem.growth', group: 'memory', metric: `RSS growth over ${served.toLocaleString('en-US')} thruk_totals calls (HTTP, 32 clients)`, value: growth, unit: '%',
      baseline: { label: `RSS after ${warmCalls} warm-up calls`, value: start ?? null, unit: 'MB' },
      target: '≤ 10 %', met: growth !== null && growth <= 10 && served >= calls && errors === 0,
      note: `start ${start?.toFixed(1) ?? 'n/a'} MB → end ${end?.toFixed(1) ?? 'n/a'} MB (peak ${peak?.toFixed(1) ?? 'n/a'} MB); HTTP server idle before any call ${httpIdle?.toFixed(1) ?? 'n/a'} MB (growth from there ${growthIdle === null ? 'n/a' : `${growthIdle.toFixed(1)} %`}); ${errors} errors; ${seconds.toFixed(0)} s`,
    },
    retained,
  ];
}
