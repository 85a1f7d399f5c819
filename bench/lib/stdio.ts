/**
 * A bare MCP client over a child's stdin/stdout: raw JSON-RPC lines, no SDK, so what is timed is
 * the server, not a client library.
 */
import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { childEnv, NODE, spawnTracked, stopChild, tail, withTimeout } from './util.js';

export const LEGACY_VERSION = '2025-11-25';

export interface LineClient {
  readonly child: ChildProcess;
  request(method: string, params?: Record<string, unknown>, timeoutMs?: number): Promise<any>;
  notify(method: string, params?: Record<string, unknown>): void;
  /** initialize + notifications/initialized. */
  handshake(timeoutMs?: number): Promise<any>;
  stderr(): string;
  /** Closes stdin (the polite way), then SIGTERM/SIGKILL. */
  close(): Promise<void>;
}

export function spawnStdio(args: readonly string[], env: Record<string, string> = {}): LineClient {
  const child = spawnTracked(NODE, args, { stdio: ['pipe', 'pipe', 'pipe'], env: childEnv(env) });
  const err = tail(child.stderr);
  const pending = new Map<number, { resolve: (v: any) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  const rl = createInterface({ input: child.stdout! });
  rl.on('line', (line) => {
    let msg: any;
    try {
      msg = JSON.parse(line);
    } catch {
      return;
    }
    if (typeof msg?.id !== 'number') return;
    const p = pending.get(msg.id);
    if (p === undefined) return;
    pending.delete(msg.id);
    if (msg.error !== undefined) p.reject(new Error(`${JSON.stringify(msg.error)}`));
    else p.resolve(msg.result);
  });
  child.once('exit', (code) => {
    for (const p of pending.values()) p.reject(new Error(`server exited (${code}): ${err()}`));
    pending.clear();
  });
  child.stdin!.on('error', () => undefined);
  const write = (obj: unknown) => child.stdin!.write(`${JSON.stringify(obj)}\n`);
  const request = (method: string, params?: Record<string, unknown>, timeoutMs = 30_000) => {
    const id = nextId++;
    const p = new Promise<any>((resolve, reject) => pending.set(id, { resolve, reject }));
    write({ jsonrpc: '2.0', id, method, ...(params !== undefined ? { params } : {}) });
    return withTimeout(p, timeoutMs, `${method} over stdio`);
  };
  const notify = (method: string, params?: Record<string, unknown>) => {
    write({ jsonrpc: '2.0', method, ...(params !== undefined ? { params } : {}) });
  };
  return {
    child,
    request,
    notify,
    handshake: async (timeoutMs = 30_000) => {
      const r = await request(
        'initialize',
        { protocolVersion: LEGACY_VERSION, capabilities: {}, clientInfo: { name: 'thruk-mcp-bench', version: '1' } },
        timeoutMs,
      );
      notify('notifications/initialized');
      return r;
    },
    stderr: err,
    close: async () => {
      child.stdin?.end();
      const exited =
        child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise<void>((r) => child.once('exit', () => r()));
      const t = setTimeout(() => void stopChild(child), 1500);
      await exited;
      clearTimeout(t);
      rl.close();
    },
  };
}

/** The text of a tools/call result (all text blocks joined). */
export function resultText(result: any): string {
  return ((result?.content ?? []) as Array<{ type: string; text?: string }>)
    .filter((c) => c.type === 'text')
    .map((c) => c.text ?? '')
    .join('\n');
}
