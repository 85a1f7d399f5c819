/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access -- answers not read typed yet (issue 16; see test/helpers/harness.ts) */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Outside MCP clients for the end-to-end tests: the MCP Inspector CLI and the MCP conformance suite.
 * Both need Node >= 22.19 while the project runs on Node 20, so npx fetches a Node 22 binary from
 * the npm registry alongside them (one npx cache entry, reused across runs). The server under test
 * always runs on the project's own Node (process.execPath), as users run it.
 */
export const E2E_PACKAGES = {
  node: 'node@22.23.3',
  inspector: '@modelcontextprotocol/inspector@2.12.0',
  conformance: '@modelcontextprotocol/conformance@0.1.16',
} as const;

/** Set to 1 to skip the tests that need the npm registry (offline development only; CI runs them). */
export const SKIP_ENV = 'THRUK_MCP_SKIP_E2E';

export const root = fileURLToPath(new URL('../../', import.meta.url));
export const cli = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

export function e2eSkipped(): string | false {
  return process.env[SKIP_ENV] === '1' ? `${SKIP_ENV}=1` : false;
}

export interface E2eTools {
  /** The Node 22 binary npx installed. */
  readonly node: string;
  readonly inspector: string;
  readonly conformance: string;
}

let resolving: Promise<E2eTools> | undefined;

function npxOnce(): Promise<E2eTools> {
  return new Promise((resolve, reject) => {
    const args = [
      '--yes',
      ...Object.values(E2E_PACKAGES).flatMap((p) => ['-p', p]),
      '-c',
      'command -v node; command -v mcp-inspector; command -v conformance',
    ];
    // Spawning the bins directly afterwards saves npx's own start-up (~1.5 s) on every call.
    execFile('npx', args, { cwd: root, timeout: 180_000, maxBuffer: 1 << 20 }, (err, stdout, stderr) => {
      const [node, inspector, conformance] = stdout
        .trim()
        .split('\n')
        .map((l) => l.trim());
      if (err !== null || node === undefined || inspector === undefined || conformance === undefined) {
        reject(
          new Error(
            `npx could not provide ${Object.values(E2E_PACKAGES).join(', ')} (needs the npm registry; set ${SKIP_ENV}=1 to skip offline): ${err?.message ?? ''}\n${stderr.slice(-2000)}`,
          ),
        );
        return;
      }
      resolve({ node, inspector, conformance });
    });
  });
}

/**
 * Installs (first run, ~100 MB, mostly the Node binary) or finds (later runs: npx's cache) the
 * tools and returns absolute paths. A registry hiccup gets two more tries before the tests fail.
 */
export function e2eTools(): Promise<E2eTools> {
  resolving ??= (async () => {
    let last: unknown;
    for (let attempt = 0; attempt < 3; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, 5_000 * attempt));
      try {
        return await npxOnce();
      } catch (err) {
        last = err;
      }
    }
    throw last;
  })();
  return resolving;
}

export function assertBuilt(): void {
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run npm run build first (npm test does).`);
}

export interface RunResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function run(
  file: string,
  args: readonly string[],
  opts: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {},
): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(
      file,
      [...args],
      { cwd: opts.cwd ?? root, env: opts.env ?? process.env, timeout: opts.timeoutMs ?? 60_000, maxBuffer: 64 << 20 },
      (err, stdout, stderr) => {
        const code = err === null ? 0 : typeof err.code === 'number' ? err.code : null;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** The Inspector must not see the developer's own ~/.mcp-inspector (stored OAuth, catalog). */
let inspectorHome: string | undefined;

export interface InspectorAnswer {
  readonly code: number | null;
  /** The `result` of the `--format json` envelope on stdout (also printed for isError tool results). */
  readonly result: any;
  /** With --strict on tools/list: the schema portability findings (errors and warnings), absent when there are none. */
  readonly schemaFindings?: unknown;
  /** The `error` envelope (stderr with -q), e.g. {code: 'auth_required', message}. */
  readonly error: { code: string; message: string } | undefined;
  readonly stderr: string;
}

function lastJsonLine(text: string): any {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith('{'));
  for (const line of lines.reverse()) {
    try {
      return JSON.parse(line);
    } catch {
      // pino lines of a stdio server are JSON too; keep looking for the envelope
    }
  }
  return undefined;
}

/**
 * Runs `mcp-inspector --cli --format json -q` with `args`, then the target: for stdio `['--', cmd…]`
 * (everything after `--` is the server command line), for HTTP `['--server-url', url, …]`.
 */
export async function inspector(args: readonly string[], target: readonly string[]): Promise<InspectorAnswer> {
  const tools = await e2eTools();
  if (inspectorHome === undefined) {
    const home = mkdtempSync(join(tmpdir(), 'thruk-mcp-inspector-'));
    process.once('exit', () => rmSync(home, { recursive: true, force: true }));
    inspectorHome = home;
  }
  // NODE_COMPILE_CACHE (Node 22) trims the Inspector's start-up, paid once per call.
  const env = {
    ...process.env,
    HOME: inspectorHome,
    MCP_AUTO_OPEN_ENABLED: 'false',
    NODE_COMPILE_CACHE: join(tmpdir(), 'thruk-mcp-e2e-compile-cache'),
  };
  const r = await run(tools.node, [tools.inspector, '--cli', '--format', 'json', '-q', ...args, ...target], { env });
  const out = lastJsonLine(r.stdout);
  const err = lastJsonLine(r.stderr);
  return {
    code: r.code,
    result: out?.result,
    error: out?.error ?? err?.error,
    stderr: r.stderr,
    ...(out?.schemaFindings !== undefined ? { schemaFindings: out.schemaFindings } : {}),
  };
}

/** The stdio target: the built server in demo mode on the project's Node. */
export function stdioTarget(...extra: string[]): string[] {
  return ['--', process.execPath, cli, '--demo', ...extra];
}

export interface RunningServer {
  readonly url: string;
  readonly child: ChildProcess;
  stderr(): string;
  stop(): Promise<number | null>;
}

/** Starts `dist/cli.js --demo --listen 0` and resolves with the URL it announces on stderr. */
export function startHttpServer(env: Record<string, string>, extraArgs: readonly string[] = []): Promise<RunningServer> {
  const child = spawn(process.execPath, [cli, '--demo', '--listen', '0', ...extraArgs], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr.setEncoding('utf8');
  const stop = async (): Promise<number | null> => {
    if (child.exitCode !== null) return child.exitCode;
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    child.kill('SIGTERM');
    return exited;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no "listening on" line within 20 s; stderr: ${err}`));
    }, 20_000);
    child.stderr.on('data', (d: string) => {
      err += d;
      const m = /listening on (http:\/\/\S+)/.exec(err);
      if (m !== null) {
        clearTimeout(timer);
        resolve({ url: m[1]!, child, stderr: () => err, stop });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited ${code} before listening: ${err}`));
    });
  });
}

export interface ScenarioOutcome {
  readonly scenario: string;
  readonly passed: boolean;
  /** The FAILURE checks: id and message. */
  readonly failures: ReadonlyArray<{ id: string; message: string }>;
  readonly warnings: readonly string[];
}

export interface ConformanceRun {
  readonly code: number | null;
  readonly outcomes: ReadonlyMap<string, ScenarioOutcome>;
  readonly listed: readonly string[];
  readonly stdout: string;
  readonly stderr: string;
}

/** The server scenario names of `conformance list --server` (lines like "  - tools-list [2025-06-18,…]"). */
export function parseScenarioList(text: string): string[] {
  return [...text.matchAll(/^\s*-\s+([a-z0-9][\w./-]*)\s+\[/gim)].map((m) => m[1]!);
}

/** Results land in `<out>/server-<scenario>-<ISO timestamp>/checks.json`, one folder per scenario. */
export function readOutcomes(outDir: string): Map<string, ScenarioOutcome> {
  const outcomes = new Map<string, ScenarioOutcome>();
  for (const dir of readdirSync(outDir)) {
    const m = /^server-(.+)-\d{4}-\d\d-\d\dT[\d-]+Z$/.exec(dir);
    if (m === null) continue;
    const checks = JSON.parse(readFileSync(join(outDir, dir, 'checks.json'), 'utf8')) as Array<{
      id: string;
      status: string;
      errorMessage?: string;
    }>;
    const failures = checks.filter((c) => c.status === 'FAILURE').map((c) => ({ id: c.id, message: c.errorMessage ?? '' }));
    const warnings = checks.filter((c) => c.status === 'WARNING').map((c) => c.id);
    outcomes.set(m[1]!, { scenario: m[1]!, passed: failures.length === 0, failures, warnings });
  }
  return outcomes;
}

/** Runs every server scenario (`--suite all`, pending ones included) against `url`. */
export async function runConformance(url: string): Promise<ConformanceRun> {
  const tools = await e2eTools();
  const cwd = mkdtempSync(join(tmpdir(), 'thruk-mcp-conformance-'));
  const list = await run(tools.node, [tools.conformance, 'list', '--server'], { cwd });
  const out = join(cwd, 'results');
  try {
    const r = await run(tools.node, [tools.conformance, 'server', '--url', url, '--suite', 'all', '-o', out], { cwd, timeoutMs: 300_000 });
    return {
      code: r.code,
      outcomes: existsSync(out) ? readOutcomes(out) : new Map(),
      listed: parseScenarioList(list.stdout),
      stdout: r.stdout,
      stderr: r.stderr,
    };
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
}
