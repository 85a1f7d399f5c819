/**
 * Where the HTTP mode spends its CPU: runs dist/cli.js --listen (and the minimal SDK server) under
 * `node --cpu-prof`, drives the throughput bench's load (32 clients, stateless 2026-07-28
 * tools/call) for a few seconds, and prints the top self-time functions of each profile.
 *
 *   node --import tsx bench/profile-http.ts [--seconds 8] [--dir /tmp/prof] [--top 30]
 */
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { modernRequest } from './lib/inproc.js';
import { runLoad } from './lib/load.js';
import { buildMinimal } from './lib/minimal.js';
import { startSim } from './lib/sim.js';
import { startHttpChild, thrukEnv } from './lib/servers.js';
import { CLI, sleep } from './lib/util.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Self time per function (name + file:line), in percent of all samples. */
export function topSelf(p: Profile, top: number): string[] {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  for (const id of p.samples) {
    const n = byId.get(id);
    if (n === undefined) continue;
    const f = n.callFrame;
    const file = f.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/(dist|src)\//, '$1/');
    const key = `${f.functionName || '(anonymous)'} ${file}:${f.lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + 1);
  }
  const total = p.samples.length;
  return [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([k, v]) => `${((v / total) * 100).toFixed(1).padStart(5)} %  ${k}`);
}

const { values } = parseArgs({ options: { seconds: { type: 'string' }, dir: { type: 'string' }, top: { type: 'string' } } });
const seconds = Number(values.seconds ?? 8);
const top = Number(values.top ?? 30);
const root = values.dir ?? '/tmp/thruk-mcp-prof';
const sim = await startSim(50);
const minimal = buildMinimal();
try {
  for (const which of ['minimal', 'ours'] as const) {
    const dir = join(root, which);
    mkdirSync(dir, { recursive: true });
    const prof = ['--cpu-prof', `--cpu-prof-dir=${dir}`];
    const server =
      which === 'ours'
        ? await startHttpChild(
            [...prof, CLI, '--listen', '0'],
            thrukEnv(sim.url, sim.key, { MCP_HTTP_ALLOW_UNAUTHENTICATED: 'true', MCP_RATE_LIMIT: 'off' }),
            /thruk-mcp listening on (\S+)/,
          )
        : await startHttpChild([...prof, minimal.file, '--listen', '0'], {}, /listening on (\S+)/);
    const { headers, body } = modernRequest('tools/call', { name: which === 'ours' ? 'thruk_totals' : 'noop', arguments: {} });
    const r = await runLoad({
      origin: server.origin,
      path: server.path,
      headers,
      body,
      concurrency: 32,
      durationMs: seconds * 1000,
      maxRequests: 10_000_000,
    });
    await server.stop();
    await sleep(200);
    const file = readdirSync(dir)
      .filter((f) => f.endsWith('.cpuprofile'))
      .sort()
      .at(-1);
    process.stdout.write(
      `\n== ${which}: ${r.rps.toFixed(0)} req/s, ${r.errors} errors; profile ${file !== undefined ? join(dir, file) : 'missing'}\n`,
    );
    if (file !== undefined)
      for (const l of topSelf(JSON.parse(readFileSync(join(dir, file), 'utf8')) as Profile, top)) process.stdout.write(`${l}\n`);
  }
} finally {
  minimal.remove();
  await sim.stop();
}
