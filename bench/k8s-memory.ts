/**
 * Proves deploy/k8s.yaml's memory settings: one server process (dist/cli.js, HTTP) runs in a
 * memory cgroup limited like the pod (limits.memory) with the manifest's NODE_OPTIONS heap cap,
 * while 64 clients load it with a read mix against a simulated Thruk of 5 000 hosts (its own
 * process, outside the cgroup, as Thruk is outside the pod). Pass: no failed call, no OOM kill,
 * the process alive at the end, and RSS grew at most 10 % over the second half of the run (the
 * floor of its last fifth against the floor of the fifth around its middle; the first half is
 * warm-up).
 *
 *   node --import tsx bench/k8s-memory.ts [--limit-mib 256] [--heap-mib 160] [--seconds 120] [--clients 64] [--hosts 5000]
 *
 * Needs root and a memory cgroup: cgroup v2 (/sys/fs/cgroup/memory.max) or v1
 * (/sys/fs/cgroup/memory/). Defaults come from deploy/k8s.yaml.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { modernRequest } from './lib/inproc.js';
import { manifestMemory } from './lib/k8s.js';
import { runLoad } from './lib/load.js';
import { startSim } from './lib/sim.js';
import { childEnv, CLI, NODE, procMemory, ROOT, stopChild } from './lib/util.js';

interface Cgroup {
  readonly kind: 'v1' | 'v2';
  readonly dir: string;
  /** Shell prefix that moves the shell into the group before exec. */
  enter(): string;
  peakBytes(): number | undefined;
  ooms(): number;
  remove(): void;
}

function makeCgroup(name: string, limitBytes: number): Cgroup {
  const num = (f: string) => {
    try {
      return Number(readFileSync(f, 'utf8').trim());
    } catch {
      return undefined;
    }
  };
  const field = (f: string, key: string) => {
    try {
      return Number(new RegExp(`^${key} (\\d+)`, 'm').exec(readFileSync(f, 'utf8'))?.[1] ?? 0);
    } catch {
      return 0;
    }
  };
  if (existsSync('/sys/fs/cgroup/cgroup.controllers')) {
    const dir = join('/sys/fs/cgroup', name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'memory.max'), String(limitBytes));
    writeFileSync(join(dir, 'memory.swap.max'), '0');
    return {
      kind: 'v2',
      dir,
      enter: () => `echo $$ > ${dir}/cgroup.procs`,
      peakBytes: () => num(join(dir, 'memory.peak')),
      ooms: () => field(join(dir, 'memory.events'), 'oom_kill'),
      remove: () => rmdirSync(dir),
    };
  }
  if (existsSync('/sys/fs/cgroup/memory/cgroup.procs')) {
    const dir = join('/sys/fs/cgroup/memory', name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'memory.limit_in_bytes'), String(limitBytes));
    // No swap to hide in: with memsw, the limit counts memory + swap.
    try {
      writeFileSync(join(dir, 'memory.memsw.limit_in_bytes'), String(limitBytes));
    } catch {
      // no swap accounting on this kernel
    }
    return {
      kind: 'v1',
      dir,
      enter: () => `echo $$ > ${dir}/cgroup.procs`,
      peakBytes: () => num(join(dir, 'memory.max_usage_in_bytes')),
      ooms: () => field(join(dir, 'memory.oom_control'), 'oom_kill'),
      remove: () => rmdirSync(dir),
    };
  }
  throw new Error('no memory cgroup found (/sys/fs/cgroup/memory.max or /sys/fs/cgroup/memory/): run as root on Linux');
}

async function startInCgroup(
  cg: Cgroup,
  env: Record<string, string>,
): Promise<{ child: ChildProcess; origin: string; stderr: () => string }> {
  const child = spawn('/bin/sh', ['-c', `${cg.enter()} && exec "${NODE}" "${CLI}" --listen 0`], {
    cwd: ROOT,
    env: childEnv(env),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let buf = '';
  const origin = await new Promise<string>((resolve, reject) => {
    child.stderr.on('data', (d: Buffer) => {
      buf = (buf + String(d)).slice(-20_000);
      const m = /thruk-mcp listening on (http:\/\/[^/\s]+)/.exec(buf);
      if (m?.[1] !== undefined) resolve(m[1]);
    });
    child.once('exit', (c, s) => reject(new Error(`server exited (${c ?? s}) before listening: ${buf}`)));
  });
  return { child, origin, stderr: () => buf };
}

/**
 * RSS growth over the second half of the run: the first half is warm-up (the connection pools fill,
 * V8 sizes its heap for this allocation rate, the caches fill), after it RSS must level off.
 */
function secondHalfGrowth(
  samples: ReadonlyArray<{ t: number; rss: number }>,
  runMs: number,
): { warmMib: number; endMib: number; ratio: number; medianRatio: number; trace: string } {
  const window = (from: number, to: number) =>
    samples
      .filter((s) => s.t >= from * runMs && s.t <= to * runMs)
      .map((s) => s.rss)
      .sort((a, b) => a - b);
  const med = (from: number, to: number) => {
    const xs = window(from, to);
    return xs.length === 0 ? Number.NaN : xs[Math.floor(xs.length / 2)]!;
  };
  // The floor of a window (its lowest sample): one thruk_problems answer on 5 000 hosts is tens
  // of MiB while in flight, so medians swing with how many were under way; what is kept — a
  // leak, an unbounded cache — raises the floor. Windows of a fifth of the run.
  const floor = (from: number, to: number) => window(from, to)[0] ?? Number.NaN;
  const warmMib = floor(0.4, 0.6);
  const endMib = floor(0.8, 1.01);
  const trace = Array.from(
    { length: 10 },
    (_, i) => `${floor(i / 10, (i + 1) / 10).toFixed(0)}/${med(i / 10, (i + 1) / 10).toFixed(0)}`,
  ).join(' ');
  return { warmMib, endMib, ratio: (endMib - warmMib) / warmMib, medianRatio: (med(0.8, 1.01) - med(0.4, 0.6)) / med(0.4, 0.6), trace };
}

const { values } = parseArgs({
  options: {
    'limit-mib': { type: 'string' },
    'heap-mib': { type: 'string' },
    seconds: { type: 'string' },
    clients: { type: 'string' },
    hosts: { type: 'string' },
  },
});
const fromManifest = manifestMemory(readFileSync(join(ROOT, 'deploy', 'k8s.yaml'), 'utf8'));
const limitMib = Number(values['limit-mib'] ?? fromManifest.limitMib ?? 256);
const heapMib = values['heap-mib'] !== undefined ? Number(values['heap-mib']) : fromManifest.heapMib;
const seconds = Number(values.seconds ?? 120);
const clients = Number(values.clients ?? 64);
const hosts = Number(values.hosts ?? 5000);
const out = (s: string) => void process.stdout.write(`${s}\n`);

const cg = makeCgroup(`thruk-mcp-k8s-${process.pid}`, limitMib * 2 ** 20);
out(
  `k8s-memory: ${new Date().toISOString()}, Node ${process.version}, cgroup ${cg.kind} limit ${limitMib} MiB, heap cap ${heapMib ?? 'none'} MiB, ${clients} clients for ${seconds} s, simulated Thruk of ${hosts} hosts`,
);
const sim = await startSim(hosts);
let server: Awaited<ReturnType<typeof startInCgroup>> | undefined;
let code = 1;
try {
  server = await startInCgroup(cg, {
    THRUK_BASE_URL: sim.url,
    THRUK_API_KEY: sim.key,
    MCP_HTTP_ALLOW_UNAUTHENTICATED: 'true',
    MCP_RATE_LIMIT: 'off',
    LOG_LEVEL: 'warn',
    ...(heapMib !== undefined ? { NODE_OPTIONS: `--max-old-space-size=${heapMib}` } : {}),
  });
  let peakRss = 0;
  const t0 = Date.now();
  const samples: Array<{ t: number; rss: number }> = [];
  const sampler = setInterval(() => {
    const rss = procMemory(server?.child.pid)?.rssMb;
    if (rss === undefined) return;
    peakRss = Math.max(peakRss, rss);
    samples.push({ t: Date.now() - t0, rss });
  }, 500);
  // The mix a team's assistant sends: problems (ranks every problem), a page of hosts, the totals.
  const mix = [
    { name: 'thruk_problems', arguments: {} },
    { name: 'thruk_list_hosts', arguments: { limit: 50 } },
    { name: 'thruk_list_services', arguments: { limit: 100 } },
    { name: 'thruk_totals', arguments: {} },
  ];
  const results = await Promise.all(
    mix.map((params, i) => {
      const { headers, body } = modernRequest('tools/call', params, i + 1);
      return runLoad({
        origin: server!.origin,
        path: '/mcp',
        headers,
        body,
        concurrency: Math.max(1, Math.round(clients / mix.length)),
        durationMs: seconds * 1000,
        maxRequests: 10_000_000,
        ok: (t) => !t.includes('"isError":true'),
      });
    }),
  );
  clearInterval(sampler);
  const alive = server.child.exitCode === null && server.child.signalCode === null;
  const requests = results.reduce((a, r) => a + r.requests, 0);
  const errors = results.reduce((a, r) => a + r.errors, 0);
  const peak = cg.peakBytes();
  const ooms = cg.ooms();
  const growth = secondHalfGrowth(samples, seconds * 1000);
  for (const [i, r] of results.entries())
    out(
      `  ${mix[i]!.name}: ${r.requests} calls, ${r.errors} errors, p50 ${r.p50Ms.toFixed(0)} ms, p99 ${r.p99Ms.toFixed(0)} ms${r.firstError !== undefined ? `, first error: ${r.firstError.slice(0, 160)}` : ''}`,
    );
  out(
    `  RSS floor after warm-up (lowest sample of 40–60 % of the run) ${growth.warmMib.toFixed(0)} MiB, at the end (last 20 %) ${growth.endMib.toFixed(0)} MiB: ${(growth.ratio * 100).toFixed(1)} % over the second half (target ≤ 10 %; medians of the same windows ${(growth.medianRatio * 100).toFixed(1)} %); RSS floor/median per tenth of the run: ${growth.trace} MiB`,
  );
  out(
    `  total ${requests} calls, ${errors} errors; peak RSS ${peakRss.toFixed(0)} MiB; cgroup peak ${peak !== undefined ? (peak / 2 ** 20).toFixed(0) : '?'} MiB of ${limitMib}; OOM kills ${ooms}; server ${alive ? 'alive' : `exited (${server.child.exitCode ?? server.child.signalCode})`}`,
  );
  const warnings = server
    .stderr()
    .split('\n')
    .filter((l) => l.startsWith('{'));
  out(`  server log lines at warn or above: ${warnings.length}${warnings[0] !== undefined ? `; first: ${warnings[0].slice(0, 300)}` : ''}`);
  const pass = alive && errors === 0 && ooms === 0 && requests > 0 && growth.ratio <= 0.1;
  out(pass ? 'PASS' : 'FAIL');
  code = pass ? 0 : 1;
} finally {
  if (server !== undefined) await stopChild(server.child);
  await sim.stop();
  try {
    cg.remove();
  } catch {
    // a process may still be leaving the group
  }
}
process.exit(code);
