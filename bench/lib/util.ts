/**
 * Shared bench plumbing: statistics, child processes (tracked and always killed), RSS from /proc,
 * o200k token counts, and the result row type every benchmark returns.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encode } from 'gpt-tokenizer/encoding/o200k_base';

export const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const CLI = join(ROOT, 'dist', 'cli.js');
export const NODE = process.execPath;

/** One line of the result table. `met` is undefined when the row has no target. */
export interface BenchRow {
  readonly id: string;
  readonly group: string;
  readonly metric: string;
  readonly value: number | null;
  readonly unit: string;
  readonly baseline?: { readonly label: string; readonly value: number | null; readonly unit?: string };
  /** value / baseline (or the ratio the target is stated in). */
  readonly ratio?: number | null;
  readonly target?: string;
  readonly met?: boolean;
  readonly note?: string;
}

export interface BenchOptions {
  readonly smoke: boolean;
  /** Progress lines go here (stderr), the table goes to stdout. */
  readonly progress: (line: string) => void;
}

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const i = Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1));
  return s[i] as number;
}

export function ratio(a: number | null, b: number | null): number | null {
  if (a === null || b === null || !Number.isFinite(a) || !Number.isFinite(b) || b === 0) return null;
  return a / b;
}

export function round(x: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

export function tokens(text: string): number {
  return encode(text).length;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Rejects after `ms` with a message naming what took too long. */
export async function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
}

/** Memory of a process from /proc (Linux): current and peak resident set, in MB. */
export function procMemory(pid: number | undefined): { rssMb: number; peakMb: number } | undefined {
  if (pid === undefined) return undefined;
  try {
    const s = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+)\\s+kB`, 'm').exec(s)?.[1] ?? Number.NaN);
    return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
  } catch {
    return undefined;
  }
}

/** CPU time (user + system) a live process has used so far, in ms (Linux, 10 ms resolution). */
export function procCpuMs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = s.slice(s.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state); utime and stime are fields 14 and 15.
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return undefined;
  }
}

/** Environment for children: no proxies (loopback only), plus the given variables. */
export function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/proxy/i.test(k) || k.startsWith('THRUK_') || k.startsWith('MCP_') || k === 'LOG_LEVEL' || k === 'NODE_OPTIONS') continue;
    env[k] = v;
  }
  return { ...env, ...extra };
}

const children = new Set<ChildProcess>();

/** Spawns a child that is killed when the bench exits, whatever happens. */
export function spawnTracked(cmd: string, args: readonly string[], opts: SpawnOptions): ChildProcess {
  const child = spawn(cmd, [...args], { cwd: ROOT, ...opts });
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/** Ends a child: SIGTERM, then SIGKILL after `graceMs`. Resolves when it has exited. */
export async function stopChild(child: ChildProcess, graceMs = 2000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

export function killAllChildren(): void {
  for (const c of children) {
    if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  }
}

process.once('exit', killAllChildren);

/** Keeps the last `max` characters a stream produced (and keeps the pipe drained). */
export function tail(stream: NodeJS.ReadableStream | null, max = 4000): () => string {
  let buf = '';
  stream?.on('data', (d: Buffer | string) => {
    buf += String(d);
    if (buf.length > max * 2) buf = buf.slice(-max);
  });
  return () => buf.slice(-max);
}

/** Builds dist/ when it is missing (or always with `force`); a failed forced build keeps the old dist. */
export async function ensureDist(progress: (l: string) => void, force = false): Promise<void> {
  if (existsSync(CLI) && !force) return;
  progress(`${force ? 'rebuilding' : 'dist/cli.js missing: building'} dist with npx tsc -p tsconfig.json`);
  const child = spawnTracked('npx', ['tsc', '-p', 'tsconfig.json'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const out = tail(child.stdout);
  const err = tail(child.stderr);
  const code = await withTimeout(new Promise<number | null>((r) => child.once('exit', (c) => r(c))), 300_000, 'tsc build');
  if (code === 0 && existsSync(CLI)) return;
  if (force && existsSync(CLI)) {
    progress(`tsc failed (exit ${code}); going on with the existing dist: ${(out() + err()).slice(0, 600)}`);
    return;
  }
  throw new Error(`building dist failed (exit ${code}): ${out()}${err()}`);
}

/**
 * A throw-away directory whose node_modules points at ours, so plain .mjs files written there
 * resolve the project's packages (used for the transpiled baseline server).
 */
export function scratchDir(): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'thruk-mcp-bench-'));
  const remove = () => {
    scratchDirs.delete(remove);
    rmSync(dir, { recursive: true, force: true });
  };
  scratchDirs.add(remove);
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return { dir, remove };
}

const scratchDirs = new Set<() => void>();

/** Kills the children and removes the scratch directories (for signal handlers). */
export function cleanUpEverything(): void {
  killAllChildren();
  for (const remove of [...scratchDirs]) remove();
}

export function fmt(x: number | null | undefined, digits = 1): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return 'n/a';
  if (Math.abs(x) >= 1000) return Math.round(x).toLocaleString('en-US');
  return x.toFixed(digits);
}
