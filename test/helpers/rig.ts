/**
 * A harness like harness.ts's connect(), but with every seam open: a full Config (nested thruk
 * settings), any HttpSend (a wrapped simulator, or the real network via undici), a bearer token on
 * the HTTP gate. Used by the reliability and security suites.
 */
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import type { Config } from '../../src/config/config.js';
import type { Metrics } from '../../src/transports/metrics.js';
import { createLogger, type Logger } from '../../src/server/log.js';
import { createRuntime } from '../../src/server/runtime.js';
import { createServerFactory } from '../../src/server/server.js';
import { allTools } from '../../src/tools/core/registry.js';
import { createSimulator, type Simulator, type SimulatorOptions } from '../../src/sim/index.js';
import { fetchHandlerSend, type HttpSend } from '../../src/thruk/client.js';
import type { ToolDef } from '../../src/tools/core/define.js';
import type { Authenticator } from '../../src/transports/auth.js';
import { createHttpApp, type HttpApp } from '../../src/transports/http.js';
import { demoConfig } from './config.js';
import { toolCaller, type CallOptions, type CallResult } from './harness.js';
import { registerSecret } from './secret-registry.js';

export interface Rig {
  client: Client;
  sim: Simulator;
  config: Config;
  logs: string[];
  /** Every HTTP response body the MCP app sent (for secret scans). */
  httpBodies: string[];
  app: HttpApp;
  call(name: string, args?: Record<string, unknown>, opts?: CallOptions): Promise<CallResult>;
  close(): Promise<void>;
}

/** A Config with some `thruk` / `http` settings replaced (Config is a frozen nested object). */
export function withSettings(base: Config, over: { thruk?: Partial<Config['thruk']>; http?: Partial<Config['http']> } & Partial<Omit<Config, 'thruk' | 'http'>>): Config {
  const { thruk, http, ...rest } = over;
  return { ...base, ...rest, thruk: { ...base.thruk, ...(thruk ?? {}) }, http: { ...base.http, ...(http ?? {}) } };
}

export interface RigOptions {
  config?: Config;
  sim?: SimulatorOptions;
  simulator?: Simulator;
  /** Wraps the simulator's fetch (e.g. to fail one backend); default: the simulator as is. */
  wrap?: (inner: (req: Request) => Promise<Response>) => (req: Request) => Promise<Response>;
  /** 'network' sends over undici to config.thruk.baseUrl (refused/blackholed tests). */
  send?: HttpSend | 'network';
  tools?: readonly ToolDef[];
  /** Bearer token the HTTP gate requires; the client presents `clientToken` (default the same). */
  token?: string;
  clientToken?: string;
  logLevel?: string;
  /** Keep a copy of every HTTP response body (secret scans). */
  recordBodies?: boolean;
  /** Wire prom-client metrics into the runtime, the tools and /metrics (as the CLI does in HTTP mode). */
  metrics?: Metrics;
  /** Static-token / OAuth authenticator for /mcp (replaces `token`), built with the rig's logger. */
  auth?: (log: Logger) => Authenticator;
}

export async function rig(opts: RigOptions = {}): Promise<Rig> {
  const config = opts.config ?? demoConfig();
  // What this rig configures is what the suite-wide secret guard looks for in every output.
  for (const secret of [config.thruk.apiKey, opts.token, opts.clientToken]) registerSecret(secret);
  const logs: string[] = [];
  const httpBodies: string[] = [];
  const log = createLogger(opts.logLevel ?? 'debug', { write: (s: string) => logs.push(s) });
  const sim = opts.simulator ?? createSimulator({ apiKey: config.thruk.apiKey, ...opts.sim });
  const inner = (req: Request) => sim.fetch(req);
  const handler = opts.wrap ? opts.wrap(inner) : inner;
  const send = opts.send === 'network' ? undefined : (opts.send ?? fetchHandlerSend(handler));
  const m = opts.metrics;
  const runtime = createRuntime(config, log, send, m !== undefined ? { onThrukRequest: (i) => m.thrukRequest(i) } : {});
  const factory = createServerFactory({
    config, thruk: runtime.thruk, log, version: '0.0.0-test', now: () => Date.now(),
    tools: opts.tools ?? allTools(), ...(m !== undefined ? { onToolCall: (t: string) => m.startToolCall(t) } : {}),
  });
  const app = createHttpApp(factory, { token: opts.token, allowedHosts: ['localhost'], ...(m !== undefined ? { metrics: m } : {}), ...(opts.auth !== undefined ? { auth: opts.auth(log) } : {}) }, log);
  const presented = opts.clientToken ?? opts.token;
  const client = new Client({ name: 'rig', version: '1' }, { versionNegotiation: { mode: 'auto' as const } });
  const fetchApp = async (u: string | URL, init?: RequestInit): Promise<Response> => {
    const headers = new Headers(init?.headers);
    if (presented !== undefined) headers.set('authorization', `Bearer ${presented}`);
    const res = await app.fetch(new Request(u, { ...init, headers }));
    // Keep a copy of every body for the secret scans (SSE bodies are read to the end).
    if (opts.recordBodies !== true) return res;
    const text = await res.text();
    httpBodies.push(text);
    return new Response(text, { status: res.status, statusText: res.statusText, headers: res.headers });
  };
  await client.connect(new StreamableHTTPClientTransport(new URL('http://localhost/mcp'), { fetch: fetchApp }));
  return {
    client,
    sim,
    config,
    logs,
    httpBodies,
    app,
    call: toolCaller(client),
    close: async () => {
      await client.close();
      await app.close();
      await runtime.close();
    },
  };
}

/** Simulator responses with their status and body, recorded by a wrapper (requests alone do not say how Thruk answered). */
export interface Answered { method: string; path: string; search: string; status: number; body: string }

export function recordingWrap(into: Answered[]): NonNullable<RigOptions['wrap']> {
  return (inner) => async (req) => {
    const url = new URL(req.url);
    const res = await inner(req);
    if (res.status >= 400) {
      const body = await res.clone().text();
      into.push({ method: req.method, path: url.pathname, search: url.search, status: res.status, body });
      if (into.length > 500) into.splice(0, into.length - 500);
    }
    return res;
  };
}
