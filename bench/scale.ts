/**
 * The large estate: 50 000 hosts / ~500 000 services in a simulator child (its memory is not ours),
 * our server over stdio (dist/cli.js). Per call: time, answer tokens against the answer budget
 * (THRUK_MAX_ANSWER_TOKENS, default 8 000), and what our server pulled from "Thruk": requests,
 * rows, bytes, and whether any request read a whole table (no filter, no limit). Peak RSS (VmHWM)
 * of our server process at the end.
 */
import { startOursStdio } from './lib/servers.js';
import { isFullTableScan, startSim, type SimRecord } from './lib/sim.js';
import { resultText } from './lib/stdio.js';
import { procMemory, tokens, type BenchOptions, type BenchRow } from './lib/util.js';

const BUDGET = 8000;

interface CallFacts {
  readonly ms: number;
  readonly tokens: number;
  readonly isError: boolean;
  readonly records: SimRecord[];
  readonly text: string;
}

function pulled(recs: readonly SimRecord[]): string {
  const rows = recs.reduce((s, r) => s + r.rows, 0);
  const mb = recs.reduce((s, r) => s + r.bytes, 0) / 1e6;
  // A page read names its rows in one long regex: clip it, the row count says enough.
  const clip = (v: string) => (v.length > 60 ? `${v.slice(0, 57)}…` : v);
  const what = recs
    .map(
      (r) =>
        `${r.path}${r.params
          .filter(([k]) => k !== 'columns')
          .map(([k, v]) => ` ${k}=${clip(v)}`)
          .join('')} → ${r.rows}`,
    )
    .join('; ');
  return `${recs.length} requests, ${rows.toLocaleString('en-US')} rows, ${mb.toFixed(1)} MB (${what})`;
}

export async function scale(o: BenchOptions): Promise<BenchRow[]> {
  const hosts = o.smoke ? 2000 : 50_000;
  const sim = await startSim(hosts, 300_000);
  o.progress(
    `scale: simulator with ${sim.estate.hosts} hosts / ${sim.estate.services} services built in ${(sim.buildMs / 1000).toFixed(1)} s`,
  );
  const server = startOursStdio(sim.url, sim.key, { LOG_LEVEL: 'warn', THRUK_TOOLSETS: 'all' });
  const rows: BenchRow[] = [];
  try {
    await server.handshake();
    await server.request('tools/list');
    const idle = procMemory(server.child.pid);
    const call = async (name: string, args: Record<string, unknown>): Promise<CallFacts> => {
      await sim.reset();
      const t0 = performance.now();
      const r = await server.request('tools/call', { name, arguments: args }, 180_000);
      const ms = performance.now() - t0;
      const text = resultText(r);
      return { ms, tokens: tokens(text), isError: r?.isError === true, records: await sim.log(), text };
    };
    const estate = `${sim.estate.hosts.toLocaleString('en-US')} hosts / ${sim.estate.services.toLocaleString('en-US')} services, ${(sim.estate.hostProblems + sim.estate.serviceProblems).toLocaleString('en-US')} problems`;
    for (const [name, args] of [
      ['thruk_problems', {}],
      ['thruk_stats', {}],
      ['thruk_totals', {}],
    ] as const) {
      const f = await call(name, args);
      const scans = f.records.filter(isFullTableScan).length;
      o.progress(`scale: ${name} ${f.ms.toFixed(0)} ms, ${f.tokens} tokens`);
      rows.push({
        id: `scale.${name}`,
        group: 'large estate',
        metric: `${name} on ${estate}`,
        value: f.tokens,
        unit: 'tokens',
        baseline: { label: 'answer budget', value: BUDGET, unit: 'tokens' },
        ratio: f.tokens / BUDGET,
        target: 'within the budget, no full-table scan',
        met: !f.isError && f.tokens <= BUDGET && scans === 0,
        note: `${f.isError ? `ERROR: ${f.text.slice(0, 200)}; ` : ''}${f.ms.toFixed(0)} ms; pulled ${pulled(f.records)}; full-table scans ${scans}`,
      });
    }
    const mem = procMemory(server.child.pid);
    // Not in the issue's list, but where a large estate hurts: a plain list page.
    const lh = await call('thruk_list_hosts', { limit: 50 });
    const lhScans = lh.records.filter(isFullTableScan).length;
    rows.push({
      id: 'scale.thruk_list_hosts',
      group: 'large estate',
      metric: `thruk_list_hosts limit 50 on the same estate (extra)`,
      value: lh.tokens,
      unit: 'tokens',
      baseline: { label: 'answer budget', value: BUDGET, unit: 'tokens' },
      ratio: lh.tokens / BUDGET,
      note: `${lh.isError ? `ERROR: ${lh.text.slice(0, 200)}; ` : ''}${lh.ms.toFixed(0)} ms; pulled ${pulled(lh.records)}; full-table scans ${lhScans}`,
    });
    const after = procMemory(server.child.pid);
    rows.push({
      id: 'scale.peak_rss',
      group: 'large estate',
      metric: 'peak RSS of our server process (VmHWM) over thruk_problems, thruk_stats, thruk_totals',
      value: mem?.peakMb ?? null,
      unit: 'MB',
      target: '≤ 200 MB',
      met: mem !== undefined && mem.peakMb <= 200,
      note: `RSS idle ${idle?.rssMb.toFixed(1) ?? 'n/a'} MB, after the three calls ${mem?.rssMb.toFixed(1) ?? 'n/a'} MB; after the extra thruk_list_hosts call: peak ${after?.peakMb.toFixed(1) ?? 'n/a'} MB`,
    });
  } finally {
    await server.close();
    await sim.stop();
  }
  return rows;
}
