/**
 * Where start-up and per-request time go (levers, no targets): a fresh node process imports the
 * pieces of dist/ one after another in the order the CLI does and times each step (cumulative: a step
 * pays only for what the earlier ones did not load), then what loads later (undici, the tool modules)
 * and what the prebuilt manifest spares, then times the per-request McpServer factory of HTTP mode against
 * the minimal server's. Medians over a few fresh processes.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { MinimalBuild } from './lib/minimal.js';
import { childEnv, median, NODE, ROOT, spawnTracked, tail, withTimeout, type BenchOptions, type BenchRow } from './lib/util.js';

function script(minimalFile: string): string {
  const dist = (p: string) => JSON.stringify(pathToFileURL(join(ROOT, 'dist', p)).href);
  return `
const out = {};
const rss = {};
let t = performance.now();
let m = process.memoryUsage().rss;
const step = async (name, f) => { const r = await f(); const n = performance.now(); const mm = process.memoryUsage().rss; out[name] = n - t; rss[name] = (mm - m) / 1048576; t = n; m = mm; return r; };
await step('zod', () => import('zod'));
await step('@modelcontextprotocol/server', () => import('@modelcontextprotocol/server'));
await step('@modelcontextprotocol/server/stdio', () => import('@modelcontextprotocol/server/stdio'));
await step('pino', () => import('pino'));
const cfg = await step('dist/config.js', () => import(${dist('config/config.js')}));
const srv = await step('dist/server.js (server, prompts, resources, tool adapter)', () => import(${dist('server/server.js')}));
const rt = await step('dist/runtime.js + log.js', async () => [await import(${dist('server/runtime.js')}), await import(${dist('server/log.js')})]);
const r = cfg.loadConfig([], { THRUK_BASE_URL: 'http://127.0.0.1:9/thruk', THRUK_API_KEY: 'bench', LOG_LEVEL: 'silent' });
const log = rt[1].createLogger('silent');
const runtime = rt[0].createRuntime(r.config, log);
const published = await import(${dist('tools/core/published.js')});
const tools = await step('tool source: the prebuilt tools/list manifest', () => published.defaultToolSource());
const factory = await step('createServerFactory (from the manifest)', () => srv.createServerFactory({ config: r.config, thruk: runtime.thruk, log, version: '0', tools }));
await step('first McpServer from the factory', () => factory());
await step('on the first Thruk request: undici', () => import('undici'));
const registry = await step('on the first tool call: dist/tools/registry.js (every tool module)', () => import(${dist('tools/core/registry.js')}));
await step('without the manifest: zod → JSON Schema of every tool (both modes)', () => { const s = published.toolSourceOf(registry.allTools()); for (const m of s.metas) { s.entry(m.name, false); s.entry(m.name, true); } });
const sim = await step('demo: import dist/sim/index.js', () => import(${dist('sim/index.js')}));
await step('demo: createSimulator(25 hosts)', () => sim.createSimulator({ hosts: 25 }));
const N = 300;
const reqMod = await import(${dist('transports/request.js')});
const callReq = new Request('http://127.0.0.1/mcp', { method: 'POST' });
reqMod.markRpcMethod(callReq, { method: 'tools/call' });
const callCtx = { era: 'modern', requestInfo: callReq };
const mini = await import(${JSON.stringify(pathToFileURL(minimalFile).href)});
// The three factories share the SDK's code: timed in alternating blocks (median per block), so
// none profits from JIT work another did before it. CPU time, not wall time: on a shared machine
// the process is descheduled for whole milliseconds, which wall time would count.
const factories = {
  'per-request factory (HTTP tools/call), each': () => factory(callCtx),
  'per-request factory with resources and prompts (stdio; HTTP resources/*, prompts/*), each': () => factory(),
  'minimal server factory, each': () => mini.minimalServer(),
};
const blocks = Object.fromEntries(Object.keys(factories).map((k) => [k, []]));
for (let round = 0; round < 12; round++) {
  for (const [k, f] of Object.entries(factories)) {
    const c0 = process.cpuUsage();
    for (let i = 0; i < 200; i++) f();
    const c = process.cpuUsage(c0);
    if (round >= 2) blocks[k].push((c.user + c.system) / 1000 / 200);
  }
}
for (const [k, xs] of Object.entries(blocks)) out[k] = xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const { McpServer } = await import('@modelcontextprotocol/server');
const promptsMod = await import(${dist('server/prompts.js')});
const resourcesMod = await import(${dist('server/resources.js')});
const namesMod = await import(${dist('server/names.js')});
const nc = new namesMod.NameCache(runtime.thruk, Date.now);
const bare = () => new McpServer({ name: 'x', version: '1' }, { capabilities: { resources: {}, prompts: {}, completions: {} } });
const each = (f) => { for (let i = 0; i < 50; i++) f(); const c0 = process.cpuUsage(); for (let i = 0; i < N; i++) f(); const c = process.cpuUsage(c0); return (c.user + c.system) / 1000 / N; };
const bareMs = each(bare);
const promptDefs = promptsMod.promptDefinitions({ names: nc, offered: new Set() });
out['  of which registerPrompts (8 prompts, definitions built once per process), each'] = each(() => promptsMod.registerPrompts(bare(), promptDefs)) - bareMs;
out['  of which registerResources, each'] = each(() => resourcesMod.registerResources(bare(), nc, () => ({}))) - bareMs;
out['process uptime at the end'] = process.uptime() * 1000;
out['RSS at the end (MB)'] = process.memoryUsage().rss / 1048576;
process.stdout.write(JSON.stringify({ out, rss }));
await runtime.close();
process.exit(0);
`;
}

export async function startup(o: BenchOptions, minimal: MinimalBuild): Promise<BenchRow[]> {
  const runs = o.smoke ? 1 : 5;
  const file = join(minimal.file, '..', 'startup-profile.mjs');
  writeFileSync(file, script(minimal.file));
  const samples: Array<Record<string, number>> = [];
  const rss: Array<Record<string, number>> = [];
  for (let i = 0; i < runs; i++) {
    const child = spawnTracked(NODE, [file], { stdio: ['ignore', 'pipe', 'pipe'], env: childEnv() });
    const out = tail(child.stdout, 100_000);
    const err = tail(child.stderr);
    const code = await withTimeout(new Promise<number | null>((r) => child.once('exit', (c) => r(c))), 60_000, 'start-up profile');
    if (code !== 0) throw new Error(`start-up profile failed (${code}): ${err()}`);
    const got = JSON.parse(out()) as { out: Record<string, number>; rss: Record<string, number> };
    samples.push(got.out);
    rss.push(got.rss);
  }
  const keys = Object.keys(samples[0] ?? {});
  return keys.map((k, i) => {
    const grew = rss.map((s) => s[k]).filter((x): x is number => x !== undefined);
    const mb = k.startsWith('RSS');
    return {
      id: `startup.${i}`,
      group: 'start-up breakdown (levers, no target)',
      metric: k,
      value: median(samples.map((s) => s[k] ?? Number.NaN)),
      unit: mb ? 'MB' : 'ms',
      note: `median of ${runs} fresh processes${k.includes('each') || mb ? '' : '; cumulative, in this order'}${grew.length > 0 ? `; RSS +${median(grew).toFixed(1)} MB` : ''}`,
    };
  });
}
