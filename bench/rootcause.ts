/**
 * thruk_root_cause on the large estate (issue 12 point 7): a complete answer on 50 000 hosts /
 * ~500 000 services within 10 s and a peak RSS of our server ≤ 200 MB. Its own server process
 * (stdio, dist/cli.js), so the peak is this call's alone; the simulator is a child of its own.
 * `npm run bench -- --only rootcause` runs just this.
 */
import { startOursStdio } from './lib/servers.js';
import { isFullTableScan, startSim } from './lib/sim.js';
import { resultText } from './lib/stdio.js';
import { procMemory, tokens, type BenchOptions, type BenchRow } from './lib/util.js';

export async function rootCauseScale(o: BenchOptions): Promise<BenchRow[]> {
  const hosts = o.smoke ? 2000 : 50_000;
  const sim = await startSim(hosts, 300_000);
  o.progress(
    `rootcause: simulator with ${sim.estate.hosts} hosts / ${sim.estate.services} services built in ${(sim.buildMs / 1000).toFixed(1)} s`,
  );
  const server = startOursStdio(sim.url, sim.key, { LOG_LEVEL: 'warn', THRUK_TOOLSETS: 'all' });
  try {
    await server.handshake();
    const idle = procMemory(server.child.pid);
    await sim.reset();
    const t0 = performance.now();
    const r = await server.request('tools/call', { name: 'thruk_root_cause', arguments: {} }, 180_000);
    const ms = performance.now() - t0;
    const mem = procMemory(server.child.pid);
    const text = resultText(r);
    const data = (r as { structuredContent?: Record<string, unknown> } | undefined)?.structuredContent ?? {};
    const records = await sim.log();
    const scans = records.filter(isFullTableScan).length;
    const complete = r?.isError !== true && data.unattributed_count === 0 && !/stopped|incomplete/i.test(text.split('\n')[0] ?? '');
    const estate = `${sim.estate.hosts.toLocaleString('en-US')} hosts / ${sim.estate.services.toLocaleString('en-US')} services`;
    const facts = `${String(data.total_affected_hosts)} affected hosts, ${String(data.total_root_causes)} root causes, ${String(data.topology_hosts)} hosts read in ${records.length} requests (${records.map((x) => `${x.path} → ${x.rows}`).join('; ')}), full-table scans ${scans}, ${tokens(text)} answer tokens`;
    o.progress(`rootcause: ${ms.toFixed(0)} ms, peak RSS ${mem?.peakMb.toFixed(1) ?? 'n/a'} MB, complete ${complete}`);
    return [
      {
        id: 'scale.thruk_root_cause',
        group: 'large estate',
        metric: `thruk_root_cause (complete answer) on ${estate}`,
        value: ms,
        unit: 'ms',
        target: '≤ 10 000 ms, complete, no full-table scan',
        met: complete && ms <= 10_000 && scans === 0,
        note: `${r?.isError === true ? `ERROR: ${text.slice(0, 200)}; ` : ''}${complete ? 'complete' : 'INCOMPLETE'}; ${facts}`,
      },
      {
        id: 'scale.thruk_root_cause_rss',
        group: 'large estate',
        metric: 'peak RSS of our server process (VmHWM) over that one thruk_root_cause call',
        value: mem?.peakMb ?? null,
        unit: 'MB',
        target: '≤ 200 MB',
        met: mem !== undefined && mem.peakMb <= 200,
        note: `RSS idle ${idle?.rssMb.toFixed(1) ?? 'n/a'} MB, after the call ${mem?.rssMb.toFixed(1) ?? 'n/a'} MB`,
      },
    ];
  } finally {
    await server.close();
    await sim.stop();
  }
}
