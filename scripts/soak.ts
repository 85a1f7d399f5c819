/**
 * Full load/soak run of the HTTP mode (issue 8, suite 3): 64 MCP clients over a real loopback
 * listener (bearer token on), mixed reads and write previews, bounded in calls and time.
 * Usage: node --expose-gc --import tsx scripts/soak.ts [seconds=60] [clients=64] [maxCalls=200000] [inproc|loopback]
 * Exit code 1 when any call failed, RSS grew more than 10 % over the post-warm-up baseline, or the
 * open-fd count moved by more than 8.
 */
import { runLoad } from '../test/helpers/loadkit.js';

const seconds = Math.min(3600, Math.max(1, Number(process.argv[2] ?? 60)));
const clients = Math.min(256, Math.max(1, Number(process.argv[3] ?? 64)));
const maxCalls = Math.min(5_000_000, Math.max(1, Number(process.argv[4] ?? 200_000)));
const transport = process.argv[5] === 'inproc' ? 'inproc' : 'loopback';
const MiB = 2 ** 20;
const out = (s: string): void => { process.stdout.write(`${s}\n`); };

out(`soak: ${clients} clients, ${transport}, up to ${seconds} s / ${maxCalls} calls, Node ${process.version}, ${new Date().toISOString()}`);
let lastPrint = 0;
const r = await runLoad({
  clients,
  durationMs: seconds * 1000,
  maxCalls,
  transport,
  token: 'soak-token',
  sampleEveryMs: 500,
  onSample: (s) => {
    if (s.tMs - lastPrint < 10_000) return;
    lastPrint = s.tMs;
    out(`  t=${(s.tMs / 1000).toFixed(0)} s calls=${s.calls} rss=${(s.rss / MiB).toFixed(0)} MiB fds=${s.fds}`);
  },
});
const growth = (r.rssAfter - r.rssWarm) / r.rssWarm;
const fdDelta = r.fdAfter - r.fdBefore;
out(`calls ${r.calls} in ${(r.wallMs / 1000).toFixed(1)} s (${r.rate.toFixed(0)}/s), errors ${r.errors}`);
out(`by tool: ${Object.entries(r.byTool).map(([k, v]) => `${k} ${v}`).join(', ')}`);
out(`latency ms: p50 ${r.p50.toFixed(1)}, p95 ${r.p95.toFixed(1)}, p99 ${r.p99.toFixed(1)}, max ${r.max.toFixed(1)}`);
out(`rss MiB: start ${(r.rssBefore / MiB).toFixed(0)}, after warm-up ${(r.rssWarm / MiB).toFixed(0)}, peak ${(r.rssPeak / MiB).toFixed(0)}, end ${(r.rssAfter / MiB).toFixed(0)} (growth over warm-up ${(growth * 100).toFixed(1)} %)`);
out(`heap in use: after warm-up ${(r.heapWarm / MiB).toFixed(0)} MiB, at the end ${(r.heapAfter / MiB).toFixed(0)} MiB${typeof (globalThis as { gc?: unknown }).gc === 'function' ? ' (after GC)' : ' (run with --expose-gc for GC-settled figures)'}`);
out(`open fds: ${r.fdBefore} → ${r.fdAfter}; log lines at warn+: ${r.logLines}`);
for (const e of r.errorSamples) out(`  error: ${e}`);
const ok = r.errors === 0 && growth <= 0.10 && Math.abs(fdDelta) <= 8;
out(ok ? 'PASS' : 'FAIL');
process.exitCode = ok ? 0 : 1;
