/** Starting the servers under test as child processes: thruk-mcp (dist/cli.js) and the minimal baseline. */
import type { ChildProcess } from 'node:child_process';
import { spawnStdio, type LineClient } from './stdio.js';
import { childEnv, CLI, NODE, spawnTracked, stopChild, withTimeout } from './util.js';

export interface HttpChild {
  readonly child: ChildProcess;
  /** http://127.0.0.1:PORT */
  readonly origin: string;
  readonly path: string;
  stderr(): string;
  stop(): Promise<void>;
}

/** Waits for a line matching `re` on stderr (keeps draining it afterwards). */
export async function startHttpChild(
  args: readonly string[],
  env: Record<string, string>,
  re: RegExp,
  timeoutMs = 30_000,
): Promise<HttpChild> {
  const child = spawnTracked(NODE, args, { stdio: ['ignore', 'ignore', 'pipe'], env: childEnv(env) });
  let buf = '';
  const url = await withTimeout(
    new Promise<URL>((resolve, reject) => {
      child.stderr!.on('data', (d: Buffer) => {
        buf += String(d);
        if (buf.length > 20_000) buf = buf.slice(-10_000);
        const m = re.exec(buf);
        if (m?.[1] !== undefined) resolve(new URL(m[1]));
      });
      child.once('exit', (c) => reject(new Error(`server exited (${c}) before listening: ${buf}`)));
    }),
    timeoutMs,
    `${args.join(' ')} listening`,
  ).catch(async (err: unknown) => {
    await stopChild(child);
    throw err;
  });
  return { child, origin: url.origin, path: url.pathname, stderr: () => buf, stop: () => stopChild(child) };
}

export function thrukEnv(simUrl: string, key: string, extra: Record<string, string> = {}): Record<string, string> {
  return { THRUK_BASE_URL: simUrl, THRUK_API_KEY: key, ...extra };
}

export function startOursHttp(simUrl: string, key: string, extra: Record<string, string> = {}): Promise<HttpChild> {
  // 32 closed-loop clients from one IP would hit the default per-caller rate limit within a second.
  return startHttpChild(
    [CLI, '--listen', '0'],
    thrukEnv(simUrl, key, { MCP_HTTP_ALLOW_UNAUTHENTICATED: 'true', MCP_RATE_LIMIT: 'off', ...extra }),
    /thruk-mcp listening on (\S+)/,
  );
}

export function startMinimalHttp(file: string): Promise<HttpChild> {
  return startHttpChild([file, '--listen', '0'], {}, /listening on (\S+)/);
}

export function startOursStdio(simUrl: string, key: string, extra: Record<string, string> = {}): LineClient {
  return spawnStdio([CLI], thrukEnv(simUrl, key, extra));
}
