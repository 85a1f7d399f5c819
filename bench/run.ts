/**
 * The benchmark suite: `npm run bench` (full, writes BENCHMARKS.md) or
 * `npm run bench:smoke` (tiny and fast, writes nothing unless --out is given).
 *
 *   --smoke                 tiny sizes, < ~1 min
 *   --only a,b              sections: tokens, catalog, brief, coldstart, overhead, throughput, memory, scale, rootcause, startup, far
 *   --far-section           with --only far: replace only the far-Thruk section of BENCHMARKS.md
 *   --out FILE              where to write the Markdown report (default: BENCHMARKS.md, only on a full run of every section)
 *   --json FILE             also write the rows as JSON (the smoke test reads them)
 *   --update-baseline       only recompute the tools/list token numbers into bench/tools-baseline.json
 *   --no-wait               do not wait (≤ 2 min) for the machine's load to drop before a full run
 *   --build                 rebuild dist/ first (otherwise only when it is missing)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { biggestTools, catalog, catalogNumbers, catalogParts, describeNumbers, listTools, writeBaseline } from './catalog.js';
import { briefBench } from './brief.js';
import { coldStart } from './coldstart.js';
import { far, farMarkdown, farWhy, lastFarResults } from './far.js';
import { buildMinimal, type MinimalBuild } from './lib/minimal.js';
import { startSim, type SimChild } from './lib/sim.js';
import { cleanUpEverything, ensureDist, killAllChildren, ROOT, sleep, type BenchOptions, type BenchRow } from './lib/util.js';
import { memory } from './memory.js';
import { overhead } from './overhead.js';
import { machine, markdown, textTable } from './report.js';
import { rootCauseScale } from './rootcause.js';
import { scale } from './scale.js';
import { startup } from './startup.js';
import { throughput } from './throughput.js';
import { answerTokens } from './tokens.js';

export const SECTIONS = [
  'tokens',
  'catalog',
  'brief',
  'coldstart',
  'overhead',
  'throughput',
  'memory',
  'scale',
  'rootcause',
  'startup',
  'far',
] as const;
export type Section = (typeof SECTIONS)[number];

const write = (s: string) => void process.stdout.write(s);
const progress = (s: string) => void process.stderr.write(`bench: ${s}\n`);

async function waitForQuiet(maxMs: number): Promise<void> {
  const cores = cpus().length;
  const until = Date.now() + maxMs;
  while ((loadavg()[0] ?? 0) > cores * 0.75 && Date.now() < until) {
    progress(
      `load average ${(loadavg()[0] ?? 0).toFixed(2)} on ${cores} cores: waiting for it to drop (at most ${Math.round((until - Date.now()) / 1000)} s more)`,
    );
    await sleep(10_000);
  }
}

function find(rows: readonly BenchRow[], id: string): BenchRow | undefined {
  return rows.find((r) => r.id === id);
}

const ms = (x: number | null | undefined) => (x === null || x === undefined ? 'n/a' : `${x.toFixed(x < 10 ? 2 : 0)} ms`);

function startupValue(rows: readonly BenchRow[], prefix: string): number | null {
  return rows.find((r) => r.group.startsWith('start-up') && r.metric.startsWith(prefix))?.value ?? null;
}

/** "Why not met", from this run's numbers only. */
function explanations(rows: readonly BenchRow[]): string[] {
  const out: string[] = [];
  const su = (p: string) => startupValue(rows, p);
  for (const r of rows) {
    if (r.target === undefined || r.met === true) continue;
    const label = `${r.group}: ${r.metric} = ${r.value === null ? 'n/a' : `${r.value.toFixed(r.unit === 'tokens' ? 0 : 1)} ${r.unit}`}${r.ratio !== undefined && r.ratio !== null ? ` (${r.ratio.toFixed(2)}×)` : ''}, target ${r.target}.`;
    if (r.id === 'cold.demo') {
      const mini = find(rows, 'cold.minimal');
      out.push(
        `${label} Even the minimal SDK server needs ${ms(mini?.value)} (${mini?.ratio?.toFixed(2) ?? 'n/a'}× node -e 0) here, so 4× node -e 0 is out of reach of any SDK v2 server on this machine (its import of zod, every zod locale and ajv is the floor). Ours on top, before tools/list: the server modules ${ms(su('dist/server.js'))}, reading the prebuilt tools/list manifest ${ms(su('tool source'))}, createServerFactory ${ms(su('createServerFactory'))}; undici (${ms(su('on the first Thruk request'))}), the tool modules (${ms(su('on the first tool call'))}) and the demo simulator (${ms(su('demo: import'))} + ${ms(su('demo: createSimulator'))}) load only with the first call (start-up breakdown rows, cumulative).`,
      );
    } else if (r.id === 'call.inproc') {
      out.push(
        `${label} The GET alone is ${ms(r.baseline?.value)}; each call adds the SDK client and the HTTP handler (JSON-RPC encode/decode twice), a new McpServer per request (${ms(su('per-request factory (HTTP tools/call)'))} each vs ${ms(su('minimal server factory'))} for the minimal server), zod validation of the arguments, the compact rendering and the structuredContent.`,
      );
    } else if (r.id === 'call.stdio') {
      out.push(
        `${label} The GET alone is ${ms(r.baseline?.value)}; each call adds the pipe to a second process, JSON-RPC encode/decode on both sides, zod validation, the compact rendering and the structuredContent (the McpServer is built once per stdio connection, so the factory cost does not apply here).`,
      );
    } else if (r.id === 'http.ours') {
      const cpuOurs = find(rows, 'http.cpu.ours');
      const cpuMini = find(rows, 'http.cpu.minimal');
      out.push(
        `${label} Both servers are CPU-bound on one core at 32 clients, on a machine whose 2 cores other jobs were using too (see the load average): the req/s of a round depend on what else ran then. The server CPU per request is steadier: ours ${cpuOurs?.value?.toFixed(0) ?? 'n/a'} µs vs the minimal server's ${cpuMini?.value?.toFixed(0) ?? 'n/a'} µs (${cpuOurs?.ratio?.toFixed(2) ?? 'n/a'}×). The per-request server now costs what the minimal one does (${ms(su('per-request factory (HTTP tools/call)'))} vs ${ms(su('minimal server factory'))}); what remains is the tool's own work (thruk_totals: cache lookup, aggregation, text and structuredContent), its log line and metrics, and the HTTP checks in front of the SDK (host, auth, rate limit, body limit, request id).`,
      );
    } else if (r.id === 'mem.idle') {
      out.push(
        `${label} See the note of the row: the minimal SDK server's idle RSS is the floor; ours adds the loaded modules (zod schemas of every tool, undici, pino) and the tools/list JSON.`,
      );
    } else if (r.id === 'mem.growth') {
      const kept = find(rows, 'mem.retained');
      out.push(
        `${label} ${r.note ?? ''}. In process, after forced GCs, ${kept?.value?.toFixed(2) ?? 'n/a'} KB per call stay on the heap (minimal SDK server ${kept?.baseline?.value?.toFixed(2) ?? 'n/a'} KB): near zero means no per-request leak, so a rise is V8 sizing its heap (young generation and old space grow with the allocation rate up to the heap cap), not objects kept per request.`,
      );
    } else if (r.id.startsWith('tokens.')) {
      out.push(`${label} ${r.note ?? ''}`);
    } else if (r.id === 'catalog.default' || r.id === 'catalog.total') {
      out.push(`${label} ${r.note ?? ''}`);
    } else if (r.id === 'scale.peak_rss') {
      const p = find(rows, 'scale.thruk_problems');
      out.push(
        `${label} ${r.note ?? ''}. The peak comes from thruk_problems, which ${p?.note?.replace(/^[^;]*; /, '') ?? 'n/a'}: every problem is read (with the key columns only) to rank and count them, the full rows for the page alone.`,
      );
    } else if (r.id.startsWith('far.')) {
      out.push(`${label} ${farWhy(r)}`);
    } else if (r.id.startsWith('scale.')) {
      out.push(`${label} ${r.note ?? ''}`);
    } else out.push(label);
  }
  return out;
}

async function levers(rows: readonly BenchRow[], sections: ReadonlySet<Section>): Promise<string[]> {
  const out: string[] = [];
  if (sections.has('catalog')) {
    const all = await listTools(['all']);
    const parts = catalogParts(all);
    out.push(
      `tools/list: where the tokens go: ${Object.entries(parts)
        .map(([k, v]) => `${k} ${v}`)
        .join('; ')}.`,
    );
    out.push(
      `tools/list: the biggest tools: ${(await biggestTools(6)).map((t) => `${t.name} ${t.tokens} (input ${t.input}, output ${t.output})`).join('; ')}.`,
    );
  }
  if (sections.has('startup')) {
    const su = rows.filter(
      (r) => r.group.startsWith('start-up') && r.unit === 'ms' && !r.metric.includes('each') && !r.metric.includes('uptime'),
    );
    const top = [...su].sort((a, b) => (b.value ?? 0) - (a.value ?? 0)).slice(0, 6);
    out.push(
      `start-up: the costliest steps (cumulative order, one fresh process each): ${top.map((r) => `${r.metric} ${ms(r.value)}`).join('; ')}.`,
    );
    const mem = (r: BenchRow) => Number(/RSS \+([\d.]+) MB/.exec(r.note ?? '')?.[1] ?? 0);
    const heavy = [...su].sort((a, b) => mem(b) - mem(a)).slice(0, 6);
    out.push(`start-up memory: the steps that grow RSS most: ${heavy.map((r) => `${r.metric} +${mem(r).toFixed(1)} MB`).join('; ')}.`);
    const f = startupValue(rows, 'per-request factory');
    const m = startupValue(rows, 'minimal server factory');
    const pr = startupValue(rows, '  of which registerPrompts');
    const rs = startupValue(rows, '  of which registerResources');
    const full = startupValue(rows, 'per-request factory with resources and prompts');
    const pos = (x: number | null) => (x !== null && x > 0 ? ms(x) : 'n/a (below the noise)');
    if (f !== null && m !== null)
      out.push(
        `HTTP mode: the per-request McpServer factory costs ${ms(f)} CPU for a tools/call vs ${ms(m)} for the minimal server; with the resources and prompts (stdio, HTTP resources/*, prompts/*) ${ms(full)}, of it registerPrompts ${pos(pr)} and registerResources ${pos(rs)}. Factory times of a few hundredths of a ms are at the resolution of CPU accounting on a busy machine; the server CPU per request (HTTP throughput rows) is the figure that counts.`,
      );
  }
  const lh = find(rows, 'scale.thruk_list_hosts');
  if (lh?.note !== undefined) out.push(`large estate: thruk_list_hosts limit 50 ${lh.note}.`);
  const logs = find(rows, 'tokens.list_logs');
  if (logs?.note?.includes('cut to') === true) out.push(`answers: ${logs.note}.`);
  return out;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      smoke: { type: 'boolean', default: false },
      only: { type: 'string' },
      out: { type: 'string' },
      json: { type: 'string' },
      'update-baseline': { type: 'boolean', default: false },
      'no-wait': { type: 'boolean', default: false },
      build: { type: 'boolean', default: false },
      'far-section': { type: 'boolean', default: false },
    },
    allowPositionals: false,
  });
  if (values['update-baseline'] === true) {
    const n = await catalogNumbers();
    writeBaseline(n);
    write(`bench/tools-baseline.json updated: ${describeNumbers(n)}\n`);
    return;
  }
  const smoke = values.smoke === true;
  const only = values.only
    ?.split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const bad = (only ?? []).filter((s) => !(SECTIONS as readonly string[]).includes(s));
  if (bad.length > 0) throw new Error(`unknown section(s) ${bad.join(', ')}; known: ${SECTIONS.join(', ')}`);
  const sections = new Set<Section>((only ?? SECTIONS) as Section[]);
  const o: BenchOptions = { smoke, progress };
  const started = performance.now();
  const m = machine();
  if (!smoke && values['no-wait'] !== true) await waitForQuiet(120_000);
  m.loadStart = loadavg();

  await ensureDist(progress, values.build === true);
  const rows: BenchRow[] = [];
  let failed = false;
  let minimal: MinimalBuild | undefined;
  let sim: SimChild | undefined;
  const run = async (section: Section, f: () => Promise<BenchRow[]>) => {
    if (!sections.has(section)) return;
    progress(`${section}…`);
    const t0 = performance.now();
    try {
      rows.push(...(await f()));
    } catch (err) {
      failed = true;
      rows.push({
        id: `${section}.error`,
        group: section,
        metric: `${section} FAILED`,
        value: null,
        unit: '',
        note: String(err instanceof Error ? (err.stack ?? err.message) : err).slice(0, 1500),
      });
    }
    progress(`${section} done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  };
  try {
    minimal = buildMinimal();
    const mini = minimal;
    const sharedSim = async () => (sim ??= await startSim(50));
    await run('tokens', () => answerTokens(o));
    await run('catalog', () => catalog(o));
    await run('brief', () => briefBench(o));
    await run('coldstart', () => coldStart(o, mini));
    await run('overhead', () => overhead(o));
    await run('throughput', async () => throughput(o, await sharedSim(), mini));
    await run('memory', async () => memory(o, await sharedSim(), mini));
    if (sim !== undefined) {
      await sim.stop();
      sim = undefined;
    }
    await run('scale', () => scale(o));
    await run('rootcause', () => rootCauseScale(o));
    await run('startup', () => startup(o, mini));
    await run('far', () => far(o));
  } finally {
    await sim?.stop();
    minimal?.remove();
    killAllChildren();
  }
  m.loadEnd = loadavg();
  const durationS = (performance.now() - started) / 1000;
  const count = (id: string) => Number(/\((?:[^()]*, )?(\d+) tools\)/.exec(find(rows, id)?.metric ?? '')?.[1] ?? Number.NaN);
  // Both sides with THRUK_TOOLSETS unset: the spawned --demo server and the in-process default selection.
  const distTools = count('cold.demo');
  const srcTools = count('catalog.default');
  const warnings: string[] = [];
  if (Number.isFinite(distTools) && Number.isFinite(srcTools) && distTools !== srcTools) {
    warnings.push(
      `dist/ (the child-process servers) offered ${distTools} tools while src/ (the in-process figures) offers ${srcTools} by default: dist was built from an older tree; rerun with --build.`,
    );
  }
  for (const w of warnings) progress(`WARNING: ${w}`);

  write(
    `\nthruk-mcp benchmarks${smoke ? ' (smoke)' : ''}: ${m.cpu}, ${m.cores} cores, Node ${m.node}, load ${m.loadStart.map((x) => x.toFixed(1)).join('/')} → ${m.loadEnd.map((x) => x.toFixed(1)).join('/')}, ${durationS.toFixed(0)} s\n\n`,
  );
  write(textTable(rows));
  if (values.json !== undefined) writeFileSync(values.json, `${JSON.stringify({ smoke, machine: m, rows }, null, 2)}\n`);
  // Only a full run of every section replaces BENCHMARKS.md; partial or smoke runs write only with --out.
  const outFile = values.out ?? (smoke || only !== undefined ? undefined : join(ROOT, 'BENCHMARKS.md'));
  const farSection =
    sections.has('far') && lastFarResults().length > 0
      ? farMarkdown(
          lastFarResults(),
          `${smoke ? 'SMOKE run, ' : ''}${m.date}, ${m.cpu} (${m.cores} cores), Node ${m.node}, commit ${m.commit}`,
        ).join('\n')
      : undefined;
  if (outFile !== undefined) {
    const md = markdown(rows, m, { smoke, warnings, explanations: explanations(rows), levers: await levers(rows, sections), durationS });
    writeFileSync(outFile, farSection === undefined ? md : `${md.trimEnd()}\n\n${farSection}\n`);
    write(`\nwrote ${outFile}\n`);
  } else if (values['far-section'] === true && farSection !== undefined) {
    // Only the far-Thruk section (and its "why not met" lines) of BENCHMARKS.md is replaced.
    const file = join(ROOT, 'BENCHMARKS.md');
    const old = readFileSync(file, 'utf8');
    const why = explanations(rows.filter((r) => r.id.startsWith('far.'))).map((l) => `- ${l}`);
    const section = `${farSection.replace('<!-- far:end -->', '')}${why.length > 0 ? `### Why not met (far Thruk)\n\n${why.join('\n')}\n\n` : ''}<!-- far:end -->`;
    const at = old.indexOf('<!-- far:start -->');
    const end = old.indexOf('<!-- far:end -->');
    writeFileSync(
      file,
      at >= 0 && end > at
        ? `${old.slice(0, at)}${section}${old.slice(end + '<!-- far:end -->'.length)}`
        : `${old.trimEnd()}\n\n${section}\n`,
    );
    write(`\nwrote the far-Thruk section of ${file}\n`);
  }
  if (failed) process.exitCode = 1;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    cleanUpEverything();
    process.exit(130);
  });
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  killAllChildren();
  process.exit(1);
});
