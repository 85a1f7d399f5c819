/** Starts bench/lib/sim-server.ts as a child (its memory never counts as ours) and talks to it over IPC. */
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { SimRecord } from './sim-server.js';
import { childEnv, NODE, ROOT, spawnTracked, stopChild, tail, withTimeout } from './util.js';

export type { SimRecord };

export const SIM_KEY = 'bench';

export interface SimEstate {
  readonly hosts: number;
  readonly services: number;
  readonly hostProblems: number;
  readonly serviceProblems: number;
}

export interface SimChild {
  /** Thruk root URL for THRUK_BASE_URL, e.g. http://127.0.0.1:PORT/thruk */
  readonly url: string;
  readonly key: string;
  readonly estate: SimEstate;
  readonly buildMs: number;
  readonly pid: number | undefined;
  reset(): Promise<void>;
  log(): Promise<SimRecord[]>;
  stop(): Promise<void>;
}

function once<T>(child: ChildProcess, type: string, ms: number): Promise<T> {
  return withTimeout(
    new Promise<T>((resolve) => {
      const on = (m: unknown) => {
        if (m !== null && typeof m === 'object' && (m as { type?: unknown }).type === type) {
          child.off('message', on);
          resolve(m as T);
        }
      };
      child.on('message', on);
    }),
    ms,
    `simulator ${type}`,
  );
}

export async function startSim(hosts: number, timeoutMs = 120_000): Promise<SimChild> {
  const child = spawnTracked(
    NODE,
    ['--import', 'tsx', join(ROOT, 'bench', 'lib', 'sim-server.ts'), '--hosts', String(hosts), '--key', SIM_KEY],
    {
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      env: childEnv(),
    },
  );
  const err = tail(child.stderr);
  const exited = new Promise<never>((_, reject) => child.once('exit', (c) => reject(new Error(`simulator exited (${c}): ${err()}`))));
  const ready = await Promise.race([once<{ url: string; buildMs: number; estate: SimEstate }>(child, 'ready', timeoutMs), exited]);
  exited.catch(() => undefined);
  return {
    url: ready.url,
    key: SIM_KEY,
    estate: ready.estate,
    buildMs: ready.buildMs,
    pid: child.pid,
    reset: async () => {
      const done = once(child, 'reset-done', 10_000);
      child.send({ type: 'reset' });
      await done;
    },
    log: async () => {
      const got = once<{ records: SimRecord[] }>(child, 'log', 10_000);
      child.send({ type: 'log' });
      return (await got).records;
    },
    stop: () => stopChild(child),
  };
}

const PAGING = new Set(['columns', 'sort', 'limit', 'offset', 'backends', 'backend']);

/** A request for a whole object table: /hosts, /services or /logs with nothing narrowing it. */
export function isFullTableScan(r: SimRecord): boolean {
  if (!/^(\/sites\/[^/]+)?\/(hosts|services|logs|comments|downtimes)$/.test(r.path)) return false;
  const narrowing = r.params.filter(([k]) => !PAGING.has(k));
  const limited = r.params.some(([k]) => k === 'limit');
  return narrowing.length === 0 && !limited;
}
