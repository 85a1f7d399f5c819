/**
 * A far Thruk (issue 18): for every tool of the default selection, thruk_root_cause and the
 * history tools, the Thruk requests a call makes, its sequential rounds (cold: a fresh server;
 * warm: the same call again at once) and its wall time with 0, 50 and 200 ms per request, beside
 * the Python thruk-mcp's request pattern (../shared/parity/anchor-inventory.md) and the time of
 * the call's own requests fired all at once. In process (src/ through tsx) with the simulator in
 * this process holding every answer back by a timer (src/sim/rounds.ts counts the rounds).
 * `npm run bench -- --only far` runs just this; add --far-section to splice its table into BENCHMARKS.md.
 */
import { createSimulator, type RecordedRequest, type Simulator } from '../src/sim/index.js';
import { FAR_CASES, measure, type FarCase, type Measured } from './lib/far-cases.js';
import { benchConfig, startInProc } from './lib/inproc.js';
import type { BenchOptions, BenchRow } from './lib/util.js';

const KEY = 'bench';

export interface FarResult {
  readonly c: FarCase;
  readonly cold: Measured;
  readonly warm: Measured;
  /** latency (ms) → wall time of the warm call (ms) */
  readonly wall: ReadonlyMap<number, number>;
  /** at the highest latency: the warm call's own requests fired all at once (ms) */
  readonly parallelMs: number;
  readonly latency: number;
}

interface Rig {
  readonly sim: Simulator;
  call(name: string, args?: Record<string, unknown>): Promise<{ isError?: boolean; text: string; structured: unknown; raw: unknown }>;
  close(): Promise<void>;
}

async function rig(latencyMs: number): Promise<Rig> {
  const sim = createSimulator({ apiKey: KEY, latencyMs });
  const p = await startInProc({ config: benchConfig({ apiKey: KEY, env: { THRUK_TOOLSETS: 'default,history' } }), sim });
  return { sim, call: (n, a) => p.call(n, a), close: () => p.close() };
}

/** The recorded requests again, all at once, straight to the simulator: what the call's requests cost with nothing waiting. */
async function allAtOnce(sim: Simulator, reqs: readonly RecordedRequest[]): Promise<number> {
  const t0 = performance.now();
  await Promise.all(
    reqs.map(async (r) => {
      const get = r.method === 'GET' || r.method === 'HEAD';
      const url = new URL(`http://sim.invalid/demo/thruk/r${r.path}`);
      if (get) for (const [k, v] of r.params) url.searchParams.append(k, v);
      const res = await sim.fetch(new Request(url, { method: r.method, headers: r.headers, ...(get ? {} : { body: r.body }) }));
      await res.arrayBuffer();
    }),
  );
  return performance.now() - t0;
}

async function one(c: FarCase, latencies: readonly number[], countAt: number): Promise<FarResult> {
  const wall = new Map<number, number>();
  let cold: Measured | undefined;
  let warm: Measured | undefined;
  let parallelMs = Number.NaN;
  const top = Math.max(...latencies);
  for (const l of [...new Set([countAt, ...latencies])]) {
    // A fresh server and simulator per latency: writes change the estate, and cold means cold.
    const r = await rig(l);
    try {
      const first = await measure(r, c);
      const t0 = performance.now();
      const mark = r.sim.requests.length;
      const second = await measure(r, c);
      const ms = performance.now() - t0;
      if (l === countAt) {
        cold = first;
        warm = second;
      }
      if (latencies.includes(l)) wall.set(l, ms);
      if (l === top) parallelMs = await allAtOnce(r.sim, r.sim.requests.slice(mark, mark + second.requests));
    } finally {
      await r.close();
    }
  }
  if (cold === undefined || warm === undefined) throw new Error(`far: ${c.tool} was not measured`);
  return { c, cold, warm, wall, parallelMs, latency: top };
}

let last: FarResult[] = [];

/** The results of the last far() run, for the Markdown section. */
export function lastFarResults(): readonly FarResult[] {
  return last;
}

export function farTargetMet(r: FarResult): boolean {
  const py = r.c.python;
  const pyOk = py === undefined || r.c.tool === 'thruk_list_logs' || r.warm.rounds <= py.rounds;
  const everydayOk = !r.c.everyday || (r.warm.rounds <= 1 && r.cold.rounds <= 2);
  return pyOk && everydayOk;
}

export function wallRatio(r: FarResult): number | null {
  if (r.warm.requests === 0) return null;
  const w = r.wall.get(r.latency);
  return w === undefined || !(r.parallelMs > 0) ? null : w / r.parallelMs;
}

export async function far(o: BenchOptions): Promise<BenchRow[]> {
  // Smoke: only the counts (a 2 ms latency makes them exact) and one short wall time.
  const latencies = o.smoke ? [0, 2] : [0, 50, 200];
  const countAt = o.smoke ? 2 : 50;
  const results: FarResult[] = [];
  for (const c of FAR_CASES) {
    const r = await one(c, latencies, countAt);
    o.progress(
      `far: ${c.tool}: cold ${r.cold.requests} req / ${r.cold.rounds} rounds, warm ${r.warm.requests} / ${r.warm.rounds}; ${[...r.wall].map(([l, ms]) => `${l} ms → ${ms.toFixed(0)} ms`).join(', ')}`,
    );
    results.push(r);
  }
  last = results;
  const rows: BenchRow[] = [];
  for (const r of results) {
    const py = r.c.python;
    const walls = [...r.wall].map(([l, ms]) => `${ms.toFixed(0)} ms at ${l} ms`).join(', ');
    rows.push({
      id: `far.${r.c.tool}`,
      group: 'far Thruk',
      metric: `${r.c.tool}: sequential rounds, warm (cold ${r.cold.rounds})`,
      value: r.warm.rounds,
      unit: 'rounds',
      ...(py !== undefined ? { baseline: { label: 'Python thruk-mcp', value: py.rounds, unit: 'rounds' } } : {}),
      target: r.c.everyday ? '≤ 1 warm, ≤ 2 cold, ≤ Python' : '≤ Python',
      met: farTargetMet(r),
      note: `${r.c.tool}: ${r.cold.requests} requests cold (${r.cold.pattern}), ${r.warm.requests} warm (${r.warm.pattern}); Python: ${py === undefined ? 'no such tool' : `${py.requests} requests, ${py.pattern}`}; warm wall ${walls}${r.warm.isError ? `; isError: ${r.warm.text.slice(0, 120)}` : ''}`,
    });
    const ratio = wallRatio(r);
    rows.push({
      id: `far.wall.${r.c.tool}`,
      group: 'far Thruk',
      metric: `${r.c.tool}: warm wall time at ${r.latency} ms per request`,
      value: r.wall.get(r.latency) ?? null,
      unit: 'ms',
      baseline: { label: 'its requests all at once', value: r.parallelMs, unit: 'ms' },
      ratio,
      target: '≤ 1.1×',
      met: r.warm.requests === 0 || (ratio !== null && ratio <= 1.1),
    });
  }
  return rows;
}

/** The far-Thruk table for BENCHMARKS.md. */
export function farMarkdown(results: readonly FarResult[], when: string): string[] {
  const out: string[] = [];
  out.push(`<!-- far:start -->`, '## A far Thruk: requests, rounds and wall time per tool', '');
  out.push(
    `${when}. Cold: a fresh server; warm: the same call again at once (sites, core start times, totals cached for THRUK_CACHE_TTL). Rounds are exact (the simulator's request log, src/sim/rounds.ts); wall times are the warm call through the MCP client in process and are noisy on this shared machine. "All at once": the warm call's own requests fired together at the highest latency. Python: its endpoints per tool from the parity inventory.`,
    '',
  );
  const lat = results[0] === undefined ? [] : [...results[0].wall.keys()].sort((a, b) => a - b);
  out.push(
    `| tool | Python req / rounds | ours cold req / rounds | ours warm req / rounds | warm wall at ${lat.map((l) => `${l}`).join(' / ')} ms | all at once | ratio | rounds target |`,
  );
  out.push('|---|---|---|---|---|---|---|---|');
  for (const r of results) {
    const py = r.c.python === undefined ? 'n/a' : `${r.c.python.requests} / ${r.c.python.rounds}`;
    const ratio = wallRatio(r);
    out.push(
      `| ${r.c.tool}${r.c.everyday ? ' (everyday)' : r.c.write ? ' (write)' : ''} | ${py} | ${r.cold.requests} / ${r.cold.rounds} | ${r.warm.requests} / ${r.warm.rounds} | ${lat.map((l) => (r.wall.get(l) ?? Number.NaN).toFixed(0)).join(' / ')} | ${r.warm.requests === 0 ? 'no request' : r.parallelMs.toFixed(0)} | ${ratio === null ? '' : `${ratio.toFixed(2)}×`} | ${farTargetMet(r) ? 'met' : '**NOT met**'} |`,
    );
  }
  out.push('', 'Warm request patterns (`+` together, `→` after the answer):', '');
  for (const r of results) out.push(`- ${r.c.tool}: ${r.warm.pattern}`);
  out.push('', '<!-- far:end -->');
  return out;
}

/** Why a far-Thruk row falls short, from this run's figures and what is known of each tool's reads (issue 18). */
export function farWhy(row: BenchRow): string {
  const tool = row.id.replace(/^far\.(wall\.)?/, '');
  const why = WHY[tool];
  if (!row.id.startsWith('far.wall.')) return why ?? row.note ?? '';
  const r = last.find((x) => x.c.tool === tool);
  if (r === undefined) return why ?? '';
  const at0 = r.wall.get(0);
  const cpu =
    at0 === undefined
      ? ''
      : ` Its wall time with no latency at all is ${at0.toFixed(0)} ms (MCP client and server in this process, the tool's own work, the simulator answering), measured on this shared, loaded 2-core machine.`;
  if (r.warm.rounds <= 1)
    return `One round: nothing waits for an earlier answer; the excess over its requests fired at once is CPU time or scheduling delay on this loaded machine, not latency (rerun on a quiet machine to separate the two).${cpu}`;
  return `${r.warm.rounds} sequential rounds, so about ${r.warm.rounds} × the latency${why !== undefined ? `: ${why}` : ''}.${cpu}`;
}

const LOG_WINDOW =
  'Thruk applies limit before sort on logs, so the newest N of a window are found by counting the window per second (one request) and then reading exactly the part that holds them (a second round). A window with fewer rows than the page is read in one round, its rows asked beside the count. The Python thruk-mcp sends limit with sort in one request, which returns the wrong rows once the window holds more than the limit: not the same answer';
const WRITE =
  'A write first resolves its target (which core holds it, is it a problem), sends the command, then reads it back to verify that the core applied it; the Python thruk-mcp fires the command blind and reports only what Thruk accepted, not the same answer';

const WHY: Readonly<Record<string, string>> = {
  thruk_list_logs: LOG_WINDOW,
  thruk_list_alerts: LOG_WINDOW,
  thruk_list_notifications: LOG_WINDOW,
  thruk_recent_events: LOG_WINDOW,
  thruk_notification_summary:
    'Icinga 2 logs host notifications without host_name; the Thruk-side groups show that, and only then are those lines read one by one (a second round). On Naemon the groups are the answer (one round)',
  thruk_state_at:
    'The host/service scope of the filter is resolved to names (two rounds: hosts, then their services) before the log is read, so host-level lines of Icinga 2 match too',
  thruk_state_diff: 'As thruk_state_at: the scope is resolved to names before the log is read',
  thruk_list_hosts:
    'Cold only: the table size (which decides one read or keys first on a large estate) is asked before the rows; it is then remembered for 10 minutes',
  thruk_list_services: 'Cold only: as thruk_list_hosts',
  thruk_schedule_downtime: WRITE,
  thruk_acknowledge: WRITE,
  thruk_recheck: WRITE,
  thruk_delete_downtimes_by_filter: WRITE,
  thruk_delete_downtime: WRITE,
};
