/**
 * Per-call overhead of thruk_list_hosts(limit 50) against the simulator served on loopback, in
 * process (SDK client over the HTTP handler's fetch) and over stdio (dist/cli.js, raw JSON lines),
 * versus a direct HTTP GET of the same rows: the very URL our server requested, replayed with undici.
 */
import { request } from 'undici';
import { benchConfig, startInProc } from './lib/inproc.js';
import { startSim } from './lib/sim.js';
import { startOursStdio } from './lib/servers.js';
import { resultText } from './lib/stdio.js';
import { median, percentile, ratio, type BenchOptions, type BenchRow } from './lib/util.js';

export async function overhead(o: BenchOptions): Promise<BenchRow[]> {
  const iterations = o.smoke ? 5 : 300;
  const warmup = o.smoke ? 2 : 30;
  const sim = await startSim(50);
  const inproc = await startInProc({ config: benchConfig({ baseUrl: sim.url, apiKey: sim.key }) });
  const stdio = startOursStdio(sim.url, sim.key, { LOG_LEVEL: 'warn' });
  try {
    await stdio.handshake();
    const args = { limit: 50 };
    await sim.reset();
    const first = await inproc.call('thruk_list_hosts', args);
    if (first.isError) throw new Error(`thruk_list_hosts failed: ${first.text}`);
    const recs = (await sim.log()).filter((r) => r.path.endsWith('/hosts'));
    const rec = recs[0];
    if (rec === undefined || recs.length !== 1) throw new Error(`expected one /hosts request, got ${JSON.stringify(recs)}`);
    const url = `${sim.url}/r${rec.path}?${new URLSearchParams(rec.params.map(([k, v]): [string, string] => [k, v])).toString()}`;
    const headers = { 'x-thruk-auth-key': sim.key, accept: 'application/json' };
    let baselineRows = 0;
    const direct = async () => {
      const res = await request(url, { method: 'GET', headers });
      const rows: unknown = await res.body.json();
      baselineRows = Array.isArray(rows) ? rows.length : 0;
    };
    const viaInproc = async () => {
      const r = await inproc.call('thruk_list_hosts', args);
      if (r.isError) throw new Error(r.text);
    };
    const viaStdio = async () => {
      const r = await stdio.request('tools/call', { name: 'thruk_list_hosts', arguments: args });
      if (r?.isError === true) throw new Error(resultText(r));
    };
    for (let i = 0; i < warmup; i++) {
      await direct();
      await viaInproc();
      await viaStdio();
    }
    const tDirect: number[] = [];
    const tInproc: number[] = [];
    const tStdio: number[] = [];
    const deadline = performance.now() + (o.smoke ? 20_000 : 180_000);
    const time = async (f: () => Promise<void>, into: number[]) => {
      const s = performance.now();
      await f();
      into.push(performance.now() - s);
    };
    for (let i = 0; i < iterations && performance.now() < deadline; i++) {
      // Rotate the order so none of the three always runs right after another.
      const order = [
        [direct, tDirect],
        [viaInproc, tInproc],
        [viaStdio, tStdio],
      ] as const;
      for (let k = 0; k < 3; k++) {
        const [f, into] = order[(i + k) % 3]!;
        await time(f, into);
      }
    }
    const d = median(tDirect);
    const ip = median(tInproc);
    const sd = median(tStdio);
    const n = tDirect.length;
    const base = { label: `direct GET (${baselineRows} rows, ${rec.params.length} params)`, value: d, unit: 'ms' };
    const ri = ratio(ip, d);
    const rs = ratio(sd, d);
    return [
      {
        id: 'call.direct',
        group: 'per-call overhead',
        metric: 'direct HTTP GET of the same rows from the loopback simulator (baseline)',
        value: d,
        unit: 'ms',
        note: `median of ${n}; p90 ${percentile(tDirect, 90).toFixed(2)} ms; ${rec.bytes} bytes; the URL our server sent`,
      },
      {
        id: 'call.inproc',
        group: 'per-call overhead',
        metric: 'thruk_list_hosts(limit 50) in process (SDK client → HTTP handler)',
        value: ip,
        unit: 'ms',
        baseline: base,
        ratio: ri,
        target: '≤ 1.3×',
        met: ri !== null && ri <= 1.3,
        note: `median of ${n}; p90 ${percentile(tInproc, 90).toFixed(2)} ms; +${(ip - d).toFixed(2)} ms over the GET`,
      },
      {
        id: 'call.stdio',
        group: 'per-call overhead',
        metric: 'thruk_list_hosts(limit 50) over stdio (dist/cli.js)',
        value: sd,
        unit: 'ms',
        baseline: base,
        ratio: rs,
        target: '≤ 2×',
        met: rs !== null && rs <= 2,
        note: `median of ${n}; p90 ${percentile(tStdio, 90).toFixed(2)} ms; +${(sd - d).toFixed(2)} ms over the GET`,
      },
    ];
  } finally {
    await stdio.close();
    await inproc.close();
    await sim.stop();
  }
}
