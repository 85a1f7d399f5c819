/**
 * Cold start: spawn → tools/list answered over stdio (initialize, notifications/initialized,
 * tools/list as raw JSON lines). Baselines `node -e 0` and the minimal SDK v2 server. The runs of
 * the variants are interleaved so a burst of load on the shared machine hits all of them alike.
 */
import type { MinimalBuild } from './lib/minimal.js';
import { spawnStdio } from './lib/stdio.js';
import { CLI, median, NODE, procCpuMs, ratio, spawnTracked, withTimeout, type BenchOptions, type BenchRow } from './lib/util.js';

interface Sample {
  readonly ms: number;
  readonly cpuMs: number | undefined;
  readonly tools: number;
}

async function timeToToolsList(args: readonly string[], env: Record<string, string> = {}): Promise<Sample> {
  const t0 = performance.now();
  const c = spawnStdio(args, env);
  try {
    await c.handshake(30_000);
    const list = await c.request('tools/list', {}, 30_000);
    const ms = performance.now() - t0;
    const cpuMs = procCpuMs(c.child.pid);
    return { ms, cpuMs, tools: Array.isArray(list?.tools) ? list.tools.length : 0 };
  } catch (err) {
    throw new Error(`${args.join(' ')}: ${String(err)} ${c.stderr()}`);
  } finally {
    await c.close();
  }
}

async function timeNodeNoop(): Promise<number> {
  const t0 = performance.now();
  const child = spawnTracked(NODE, ['-e', '0'], { stdio: 'ignore' });
  await withTimeout(new Promise<void>((r) => child.once('exit', () => r())), 30_000, 'node -e 0');
  return performance.now() - t0;
}

export async function coldStart(o: BenchOptions, minimal: MinimalBuild): Promise<BenchRow[]> {
  const runs = o.smoke ? 2 : 15;
  const noop: number[] = [];
  const mini: Sample[] = [];
  const demo: Sample[] = [];
  const real: Sample[] = [];
  // One unmeasured round warms the file cache.
  await timeNodeNoop();
  await timeToToolsList([minimal.file]);
  await timeToToolsList([CLI, '--demo']);
  for (let i = 0; i < runs; i++) {
    noop.push(await timeNodeNoop());
    mini.push(await timeToToolsList([minimal.file]));
    demo.push(await timeToToolsList([CLI, '--demo']));
    // A real deployment: no simulator to build (Thruk is not asked before the first tool call).
    real.push(await timeToToolsList([CLI], { THRUK_BASE_URL: 'http://127.0.0.1:9/thruk', THRUK_API_KEY: 'bench' }));
    o.progress(`cold start ${i + 1}/${runs}`);
  }
  const med = (xs: readonly Sample[]) => median(xs.map((x) => x.ms));
  const cpu = (xs: readonly Sample[]) => {
    const v = xs.map((x) => x.cpuMs).filter((x): x is number => x !== undefined);
    return v.length > 0 ? median(v) : Number.NaN;
  };
  const noopMs = median(noop);
  const miniMs = med(mini);
  const demoMs = med(demo);
  const realMs = med(real);
  const r = ratio(demoMs, noopMs);
  const tools = demo[0]?.tools ?? 0;
  return [
    { id: 'cold.noop', group: 'cold start', metric: 'node -e 0 (baseline)', value: noopMs, unit: 'ms', note: `median of ${runs}` },
    {
      id: 'cold.minimal',
      group: 'cold start',
      metric: 'minimal SDK v2 server, spawn → tools/list (baseline)',
      value: miniMs,
      unit: 'ms',
      baseline: { label: 'node -e 0', value: noopMs, unit: 'ms' },
      ratio: ratio(miniMs, noopMs),
      note: `median of ${runs}; CPU ${cpu(mini).toFixed(0)} ms`,
    },
    {
      id: 'cold.demo',
      group: 'cold start',
      metric: `thruk-mcp --demo, spawn → tools/list (${tools} tools)`,
      value: demoMs,
      unit: 'ms',
      baseline: { label: 'node -e 0', value: noopMs, unit: 'ms' },
      ratio: r,
      target: '≤ 150 ms and ≤ 4× node -e 0',
      met: demoMs <= 150 && r !== null && r <= 4,
      note: `median of ${runs}; ${(demoMs / miniMs).toFixed(2)}× the minimal server; CPU ${cpu(demo).toFixed(0)} ms vs minimal ${cpu(mini).toFixed(0)} ms`,
    },
    {
      id: 'cold.real',
      group: 'cold start',
      metric: 'thruk-mcp with THRUK_BASE_URL (no demo estate), spawn → tools/list',
      value: realMs,
      unit: 'ms',
      baseline: { label: 'node -e 0', value: noopMs, unit: 'ms' },
      ratio: ratio(realMs, noopMs),
      note: `median of ${runs}; ${(realMs / miniMs).toFixed(2)}× the minimal server; CPU ${cpu(real).toFixed(0)} ms`,
    },
  ];
}
