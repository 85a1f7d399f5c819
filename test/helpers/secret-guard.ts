/* eslint-disable @typescript-eslint/no-unsafe-assignment -- answers not read typed yet (issue 16; see test/helpers/harness.ts) */
/**
 * Suite-wide secret scan (RELIABILITY.md, suite 4): every log line and error of the suite. Preloaded into every test
 * process:  node --import tsx --import ./test/helpers/secret-guard.ts --test test/*.test.ts
 *
 * It watches, for the whole life of each test file's process:
 * - every line any pino logger writes (through pino's streamWrite hook, whatever the destination:
 *   stderr, a test's array, a counter);
 * - everything this process writes to stderr (console.error, process.stderr, fd 2);
 * - stdout and stderr of every child process a test spawns (the built binary's logs, and in stdio
 *   mode its protocol answers);
 * - uncaught exceptions;
 * and fails the file (a root after() hook) when a secret shows up. The secrets are the marker
 * values the suites configure (anything starting with MARKER, the convention of the secret-hygiene
 * suite) and every value registered with registerSecret() (test/helpers/secret-registry.ts), which
 * the shared rigs call for the keys and tokens they configure.
 */
import { createRequire, syncBuiltinESMExports } from 'node:module';
import type * as ChildProcessModule from 'node:child_process';
import type { ChildProcess, SpawnSyncReturns } from 'node:child_process';
import type * as FsModule from 'node:fs';
import { after } from 'node:test';
import { pino } from 'pino';
import { guardState, type GuardState } from './secret-registry.js';

const require = createRequire(import.meta.url);
const MARKER = /MARKER[A-Z0-9]/;
const MAX_REPORTED = 10;

export function findSecret(state: Pick<GuardState, 'secrets'>, text: string): string | undefined {
  const m = MARKER.exec(text);
  if (m !== null) return text.slice(m.index, m.index + 40).split(/["'\s,;&}\]]/)[0];
  for (const s of state.secrets) if (text.includes(s)) return s;
  return undefined;
}

function scanner(state: GuardState): (where: string, chunk: unknown) => void {
  return (where, chunk) => {
    if (chunk === undefined || chunk === null) return;
    const text =
      typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) || chunk instanceof Uint8Array ? Buffer.from(chunk).toString('utf8') : '';
    if (text === '') return;
    state.scanned++;
    const hit = findSecret(state, text);
    if (hit === undefined) return;
    const at = text.indexOf(hit);
    const context = text.slice(Math.max(0, at - 100), at + hit.length + 40).replace(/\s+/g, ' ');
    if (state.leaks.length < MAX_REPORTED) state.leaks.push(`${where}: ${hit.slice(0, 12)}… in …${context}…`);
  };
}

/**
 * Every pino logger built without its own `hooks` option shares pino's default hooks object (pino
 * copies the default options by reference), so one streamWrite hook placed there sees each finished
 * line of every such logger, whatever its destination. src/server/log.ts passes no hooks.
 */
function tapPino(scan: (where: string, chunk: unknown) => void): void {
  const probe = pino({ level: 'silent' }, { write: () => true });
  const hooks = (probe as unknown as Record<symbol, { streamWrite?: (s: string) => string }>)[pino.symbols.hooksSym];
  if (hooks === undefined) throw new Error('secret guard: pino internals changed (no hooks object); update test/helpers/secret-guard.ts');
  const prev = hooks.streamWrite;
  hooks.streamWrite = (s: string) => {
    scan('log line', s);
    return prev ? prev(s) : s;
  };
}

function tapStderr(scan: (where: string, chunk: unknown) => void): void {
  const write = process.stderr.write.bind(process.stderr);
  const tapped = (...args: unknown[]): boolean => {
    scan('stderr', args[0]);
    return Reflect.apply(write, process.stderr, args) as boolean;
  };
  process.stderr.write = tapped;
  const fs = require('node:fs') as typeof FsModule;
  const writeSync = fs.writeSync;
  // pino.destination({ fd: 2, sync: true }) writes with fs.writeSync, past process.stderr.
  const tappedSync = (...args: unknown[]): number => {
    if (args[0] === 2) scan('fd 2', args[1]);
    return Reflect.apply(writeSync, fs, args) as number;
  };
  fs.writeSync = tappedSync;
}

function tapChildren(scan: (where: string, chunk: unknown) => void): void {
  const cp = require('node:child_process') as typeof ChildProcessModule;
  const { spawn, spawnSync } = cp;
  const tapStream = (name: string, s: NodeJS.ReadableStream | null): void => {
    if (s === null) return;
    const readable = s as unknown as { push: (chunk: unknown, enc?: unknown) => boolean };
    const push = readable.push.bind(readable);
    // Seeing the bytes as they arrive leaves the stream's flow mode (and the test's reading) alone.
    readable.push = (chunk, enc) => {
      scan(name, chunk);
      return push(chunk, enc);
    };
  };
  cp.spawn = ((...args: Parameters<typeof spawn>) => {
    const child = (spawn as (...a: unknown[]) => ChildProcess)(...args);
    const what = `child ${String(args[1] !== undefined && Array.isArray(args[1]) ? [args[0], ...args[1]].join(' ') : args[0]).slice(0, 80)}`;
    tapStream(`${what} stdout`, child.stdout);
    tapStream(`${what} stderr`, child.stderr);
    return child;
  }) as typeof spawn;
  cp.spawnSync = ((...args: Parameters<typeof spawnSync>) => {
    const r = (spawnSync as (...a: unknown[]) => SpawnSyncReturns<Buffer | string>)(...args);
    scan('spawnSync stdout', r.stdout);
    scan('spawnSync stderr', r.stderr);
    return r;
  }) as typeof spawnSync;
  syncBuiltinESMExports();
}

/** The test runner's parent process only starts the files; the files' own processes are guarded. */
const isRunnerParent = process.execArgv.includes('--test') || process.argv.includes('--test');

const state = guardState();
if (!isRunnerParent && !state.installed) {
  state.installed = true;
  const scan = scanner(state);
  tapPino(scan);
  tapStderr(scan);
  tapChildren(scan);
  process.on('uncaughtExceptionMonitor', (err) =>
    scan('uncaught exception', err instanceof Error ? `${err.message}\n${err.stack ?? ''}` : String(err)),
  );
  after(() => {
    if (state.leaks.length > 0) {
      throw new Error(
        `secret guard: ${state.leaks.length} leak(s) of configured secrets in logs, stderr or child output:\n  ${state.leaks.join('\n  ')}`,
      );
    }
  });
}
