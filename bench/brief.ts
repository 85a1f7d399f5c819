/**
 * The shift brief (thruk_brief, issue 15): answer tokens (o200k) and wall time on the demo estate
 * and on 50 000 hosts, with the number of Thruk requests it made (every one filtered or aggregated
 * by Thruk). Targets: ≤ 1 500 tokens on the 25-host demo, ≤ 3 000 on 50 000 hosts.
 */
import { createSimulator } from '../src/sim/index.js';
import { fetchHandlerSend } from '../src/thruk/client.js';
import { benchConfig, startInProc } from './lib/inproc.js';
import { tokens, type BenchOptions, type BenchRow } from './lib/util.js';

const KEY = 'bench';

async function measure(hosts: number, runs: number): Promise<{ tokens: number; ms: number; requests: number; unhandled: number }> {
  const sim = createSimulator({ hosts, apiKey: KEY });
  let requests = 0;
  const send = fetchHandlerSend((req) => {
    requests += 1;
    return sim.fetch(req);
  });
  const h = await startInProc({ config: benchConfig({ apiKey: KEY, env: { THRUK_CACHE_TTL: '0' } }), send });
  try {
    await h.call('thruk_brief'); // warm-up: the simulator builds its indexes on first use
    const times: number[] = [];
    let last = { text: '', structured: undefined as unknown };
    let perCall = 0;
    for (let i = 0; i < runs; i++) {
      const before = requests;
      const t0 = performance.now();
      const r = await h.call('thruk_brief');
      times.push(performance.now() - t0);
      if (r.isError) throw new Error(`thruk_brief failed: ${r.text}`);
      last = r;
      perCall = requests - before;
    }
    times.sort((a, b) => a - b);
    const unhandled = (last.structured as { unhandled?: { total?: number } } | undefined)?.unhandled?.total ?? 0;
    return { tokens: tokens(last.text), ms: times[Math.floor(times.length / 2)] ?? 0, requests: perCall, unhandled };
  } finally {
    await h.close();
  }
}

export async function briefBench(o: BenchOptions): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const [hosts, target] of [
    [25, 1500],
    [o.smoke ? 2000 : 50_000, 3000],
  ] as const) {
    const m = await measure(hosts, o.smoke ? 1 : 3);
    rows.push({
      id: `brief.tokens.${hosts}`,
      group: 'shift brief',
      metric: `thruk_brief answer, ${hosts} hosts`,
      value: m.tokens,
      unit: 'tokens',
      target: `≤ ${target}`,
      met: m.tokens <= target,
      note: `${m.unhandled} unhandled problems; ${m.requests} Thruk requests, all filtered or aggregated by Thruk`,
    });
    rows.push({
      id: `brief.ms.${hosts}`,
      group: 'shift brief',
      metric: `thruk_brief time, ${hosts} hosts (median, in-process simulator)`,
      value: Math.round(m.ms),
      unit: 'ms',
    });
  }
  return rows;
}
