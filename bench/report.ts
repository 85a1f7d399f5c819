/** The result table for stdout and BENCHMARKS.md. */
import { execFileSync } from 'node:child_process';
import { cpus, loadavg, release, totalmem, type } from 'node:os';
import { fmt, ROOT, type BenchRow } from './lib/util.js';

export interface Machine {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGb: number;
  readonly node: string;
  readonly os: string;
  readonly commit: string;
  readonly date: string;
  loadStart: readonly number[];
  loadEnd: readonly number[];
}

function git(args: readonly string[]): string {
  try {
    return execFileSync('git', [...args], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return '';
  }
}

export function machine(): Machine {
  const c = cpus();
  const head = git(['rev-parse', '--short', 'HEAD']);
  const dirty = git(['status', '--porcelain'])
    .split('\n')
    .filter((l) => l.trim() !== '').length;
  return {
    cpu: c[0]?.model ?? 'unknown',
    cores: c.length,
    memoryGb: totalmem() / 1024 ** 3,
    node: process.version,
    os: `${type()} ${release()}`,
    commit: head === '' ? 'unknown' : `${head}${dirty > 0 ? ` + ${dirty} uncommitted changes in the working tree` : ''}`,
    date: new Date().toISOString(),
    loadStart: loadavg(),
    loadEnd: [],
  };
}

const metCell = (r: BenchRow) => (r.target === undefined ? '' : r.met === true ? 'met' : 'NOT met');
const ratioCell = (r: BenchRow) => (r.ratio === undefined || r.ratio === null ? '' : `${r.ratio.toFixed(2)}×`);
const valueCell = (r: BenchRow) =>
  r.value === null ? 'n/a' : `${fmt(r.value, r.unit === 'tokens' ? 0 : r.unit === 'MB' ? 1 : 2)} ${r.unit}`;
const baseCell = (r: BenchRow) =>
  r.baseline === undefined
    ? ''
    : `${fmt(r.baseline.value, r.baseline.unit === 'tokens' ? 0 : 2)} ${r.baseline.unit ?? ''} (${r.baseline.label})`;

/** Plain-text table for the terminal. */
export function textTable(rows: readonly BenchRow[]): string {
  const head = ['#', 'metric', 'value', 'baseline', 'ratio', 'target', 'met'];
  const body = rows.map((r, i) => [
    String(i + 1),
    `${r.group}: ${r.metric}`,
    valueCell(r),
    baseCell(r),
    ratioCell(r),
    r.target ?? '',
    metCell(r),
  ]);
  const width = head.map((h, c) => Math.min(c === 1 ? 70 : c === 3 ? 44 : 40, Math.max(h.length, ...body.map((b) => (b[c] ?? '').length))));
  const cut = (s: string, w: number) => (s.length > w ? `${s.slice(0, w - 1)}…` : s.padEnd(w));
  const line = (cells: readonly string[]) => cells.map((c, i) => cut(c, width[i] ?? 10)).join(' | ');
  const notes = rows.map((r, i) => (r.note !== undefined ? `  ${i + 1}. ${r.note}` : '')).filter((l) => l !== '');
  return [line(head), width.map((w) => '-'.repeat(w)).join('-+-'), ...body.map(line), '', 'Notes:', ...notes, ''].join('\n');
}

const esc = (s: string) => s.replace(/\|/g, '\\|');

export function markdown(
  rows: readonly BenchRow[],
  m: Machine,
  opts: { smoke: boolean; warnings: readonly string[]; explanations: readonly string[]; levers: readonly string[]; durationS: number },
): string {
  const targets = rows.filter((r) => r.target !== undefined);
  const met = targets.filter((r) => r.met === true).length;
  const out: string[] = [];
  out.push('# Benchmarks', '');
  out.push(
    'Written by `npm run bench` (bench/run.ts); do not edit by hand. Each target is stated in its row; the figures are from the run described below.',
    '',
  );
  out.push('## Machine and run', '');
  out.push(`- Date: ${m.date}${opts.smoke ? ' (SMOKE run: tiny sizes, not representative)' : ''}`);
  out.push(`- Commit: ${m.commit}`);
  out.push(`- CPU: ${m.cpu}, ${m.cores} cores; memory ${m.memoryGb.toFixed(1)} GB; ${m.os}; Node ${m.node}`);
  out.push(
    `- Load average (1/5/15 min) at start ${m.loadStart.map((x) => x.toFixed(2)).join(' / ')}, at end ${m.loadEnd.map((x) => x.toFixed(2)).join(' / ')}; run took ${opts.durationS.toFixed(0)} s`,
  );
  out.push(
    '- This is a shared 2-core machine: other work may run during the run (see the load average above), so absolute times can be inflated and noisy. The variants that are compared (ours vs. baseline) run interleaved or back to back in the same run, so the ratios are more trustworthy than the absolute figures. Memory and token figures do not depend on load.',
  );
  out.push(
    '- Servers under test run as child processes from `dist/` (built before the run); the in-process figures (answer tokens, tools/list, per-call in process) use `src/` through tsx. The simulator runs in its own child process, so its memory never counts as ours. Loopback only.',
  );
  for (const w of opts.warnings) out.push(`- **Warning:** ${w}`);
  out.push('');
  out.push(`## Targets: ${met} of ${targets.length} met`, '');
  out.push('| # | metric | value | baseline | ratio | target | met |', '|---|---|---|---|---|---|---|');
  rows.forEach((r, i) => {
    if (r.target === undefined) return;
    out.push(
      `| ${i + 1} | ${esc(`${r.group}: ${r.metric}`)} | ${esc(valueCell(r))} | ${esc(baseCell(r))} | ${ratioCell(r)} | ${esc(r.target)} | ${r.met === true ? 'met' : '**NOT met**'} |`,
    );
  });
  out.push('', '## Every figure', '');
  out.push('| # | group | metric | value | baseline | ratio | target | met |', '|---|---|---|---|---|---|---|---|');
  rows.forEach((r, i) => {
    out.push(
      `| ${i + 1} | ${esc(r.group)} | ${esc(r.metric)} | ${esc(valueCell(r))} | ${esc(baseCell(r))} | ${ratioCell(r)} | ${esc(r.target ?? '')} | ${metCell(r)} |`,
    );
  });
  out.push('', '### Notes per row', '');
  rows.forEach((r, i) => {
    if (r.note !== undefined) out.push(`${i + 1}. ${r.note}`);
  });
  if (opts.explanations.length > 0) out.push('', '## Targets not met: why', '', ...opts.explanations.map((e) => `- ${e}`));
  if (opts.levers.length > 0) out.push('', '## Levers found (measured in this run)', '', ...opts.levers.map((e) => `- ${e}`));
  out.push('', '## How to reproduce', '');
  out.push('```sh');
  out.push('npm ci && npm run build         # the servers under test run from dist/');
  out.push('npm run bench                   # full run (~5 min on 2 cores); prints the table, writes BENCHMARKS.md');
  out.push('npm run bench:smoke             # tiny sizes, < 1 min, writes nothing (the tests run it)');
  out.push(
    'npm run bench -- --only tokens,catalog   # some sections: tokens, catalog, coldstart, overhead, throughput, memory, scale, rootcause, startup',
  );
  out.push('npm run bench -- --update-baseline       # accept the current tools/list token numbers into bench/tools-baseline.json');
  out.push('```', '');
  out.push(
    "Definitions: cold start = spawn until the tools/list answer over stdio (initialize, notifications/initialized, tools/list as raw JSON lines), median of 15; per-call overhead = median of 300 interleaved calls against the simulator on loopback, baseline the very GET our server sent, replayed with undici; throughput = 32 closed-loop clients, 4 alternating rounds of 2.5 s per server after a 2 s warm-up, stateless 2026-07-28 POST /mcp; memory from /proc/PID/status (VmRSS, VmHWM) of the server process; tokens = o200k_base (gpt-tokenizer); Python baseline = json.dumps(indent=2) of the Python thruk-mcp's default columns (../shared/parity/anchor-inventory.md §7) on the same simulator data.",
  );
  out.push('');
  return out.join('\n');
}
