/**
 * Full load/soak run of the HTTP mode (RELIABILITY.md, suite 3): 64 MCP clients over a real loopback
 * listener (bearer token on), mixed reads and write previews, bounded in calls and time.
 * Usage: node --expose-gc --import tsx scripts/soak.ts [seconds=180] [clients=64] [maxCalls=2000000] [inproc|loopback] [warmupSeconds]
 *
 * Memory is judged after a warm-up (default half the run, at least 10 s): until then the client
 * connection pool fills, and V8 grows its heap to the size its GC heuristics settle on for this
 * allocation rate (the heap in use after GC stays flat); that is warm-up, not a leak. Exit code 1 when any call failed, RSS grew more than 10 % from the end of the warm-up
 * to the end of the load (both after GC, clients still connected), the open fds under load exceeded
 * what the client pools can hold (4 per client: 2 sockets, both ends), or fds were left open.
 */
import { runLoad } from '../test/helpers/loadkit.js';

const seconds = Math.min(3600, Math.max(1, Number(process.argv[2] ?? 180)));
const clients = Math.min(256, Math.max(1, Number(process.argv[3] ?? 64)));
const maxCalls = Math.min(5_000_000, Math.max(1, Number(process.argv[4] ?? 2_000_000)));
const transport = process.argv[5] === 'inproc' ? 'inproc' : 'loopback';
const warmupSeconds = process.argv[6] !== undefined ? Number(process.argv[6]) : Math.max(Math.min(10, seconds / 2), seconds / 2);
const MiB = 2 ** 20;
const mib = (n: number): string => (n / MiB).toFixed(0);
const out = (s: string): void => {
  process.stdout.write(`${s}\n`);
};
const gcOn = typeof (globalThis as { gc?: unknown }).gc === 'function';

out(
  `soak: ${clients} clients, ${transport}, up to ${seconds} s / ${maxCalls} calls, warm-up ${warmupSeconds} s, Node ${process.version}, ${new Date().toISOString()}${gcOn ? '' : ' (run with --expose-gc for GC-settled figures)'}`,
);
let lastPrint = 0;
const r = await runLoad({
  clients,
  durationMs: seconds * 1000,
  warmupMs: warmupSeconds * 1000,
  maxCalls,
  transport,
  token: 'soak-token',
  sampleEveryMs: 500,
  onSample: (s) => {
    if (s.tMs - lastPrint < 10_000) return;
    lastPrint = s.tMs;
    out(`  t=${(s.tMs / 1000).toFixed(0)} s calls=${s.calls} rss=${mib(s.rss)} MiB heap=${mib(s.heapUsed)} MiB fds=${s.fds}`);
  },
});
const growth = (r.rssEnd - r.rssWarm) / r.rssWarm;
// Each client's pool may hold 2 sockets, each an fd on both ends: more than that under load is a leak.
const fdBound = r.fdBefore + 4 * clients + 8;
const heapGrowth = r.heapWarm > 0 ? (r.heapEnd - r.heapWarm) / r.heapWarm : 0;
out(
  `calls ${r.calls} in ${(r.wallMs / 1000).toFixed(1)} s (${r.rate.toFixed(0)}/s; ${r.warmupCalls} during the warm-up), errors ${r.errors}`,
);
out(
  `by tool: ${Object.entries(r.byTool)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ')}`,
);
out(`latency ms: p50 ${r.p50.toFixed(1)}, p95 ${r.p95.toFixed(1)}, p99 ${r.p99.toFixed(1)}, max ${r.max.toFixed(1)}`);
out(
  `rss MiB: start ${mib(r.rssBefore)}, after warm-up ${mib(r.rssWarm)}, peak ${mib(r.rssPeak)}, end of load ${mib(r.rssEnd)} (growth after warm-up ${(growth * 100).toFixed(1)} %), after closing ${mib(r.rssAfter)}`,
);
if (r.memWarm !== undefined)
  out(
    `after GC, warm-up → end of load MiB: heap committed ${mib(r.memWarm.heapTotal)} → ${mib(r.memEnd.heapTotal)}, external ${mib(r.memWarm.external)} → ${mib(r.memEnd.external)}; rss trend under load after warm-up ${(r.rssSlopePerMin / MiB).toFixed(1)} MiB/min`,
  );
out(
  `heap in use MiB: after warm-up ${mib(r.heapWarm)}, end of load ${mib(r.heapEnd)} (${(heapGrowth * 100).toFixed(1)} %), after closing ${mib(r.heapAfter)}`,
);
out(
  `open fds: ${r.fdBefore} before; ${r.fdWarm} after warm-up, ${r.fdMinLoaded}–${r.fdMaxLoaded} under load afterwards (bound ${fdBound}), ${r.fdEnd} at the end of load; ${r.fdAfter} after closing`,
);
out(`log lines at warn+: ${r.logLines}`);
for (const e of r.errorSamples) out(`  error: ${e}`);
const fdStable = r.fdMaxLoaded <= fdBound;
const fdClosed = Math.abs(r.fdAfter - r.fdBefore) <= 8;
const ok = r.errors === 0 && growth <= 0.1 && fdStable && fdClosed;
out(
  ok
    ? 'PASS'
    : `FAIL${r.errors > 0 ? ' (errors)' : ''}${growth > 0.1 ? ' (rss growth)' : ''}${fdStable ? '' : ' (fds beyond the pools under load)'}${fdClosed ? '' : ' (fds left open)'}`,
);
process.exitCode = ok ? 0 : 1;
