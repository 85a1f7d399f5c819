/**
 * The one in-process test harness: a real MCP client talking to the real server over the SDK's
 * HTTP handler, with the simulator (or any HttpSend) behind the Thruk client. Every seam is open
 * for the reliability and security suites: a full Config, a wrapped simulator or the network, a
 * bearer token or authenticator on the HTTP gate, metrics, recorded response bodies.
 */
import { Client, StreamableHTTPClientTransport, type CallToolResult } from '@modelcontextprotocol/client';
import type { Config } from '../../src/config/config.js';
import { demoConfig } from './config.js';

export { demoConfig };
import { createLogger, type Logger } from '../../src/server/log.js';
import type { Metrics } from '../../src/transports/metrics.js';
import { createRuntime } from '../../src/server/runtime.js';
import { createServerFactory } from '../../src/server/server.js';
import { allTools } from '../../src/tools/core/registry.js';
import { createSimulator, type Simulator, type SimulatorOptions } from '../../src/sim/index.js';
import { fetchHandlerSend, type HttpSend } from '../../src/thruk/client.js';
import type { ToolDef } from '../../src/tools/core/define.js';
import type { ToolSource } from '../../src/tools/core/published.js';
import type { Authenticator } from '../../src/transports/auth.js';
import { createHttpApp, type HttpApp } from '../../src/transports/http.js';
import type { ToolOutputs } from './outputs.js';
import { registerSecret } from './secret-registry.js';

export type Era = 'modern' | 'legacy';
/** Protocol suites run once per era; domain suites (tool answers) run on CURRENT_ERA only. */
export const ERAS: readonly Era[] = ['modern', 'legacy'];
export const CURRENT_ERA: Era = 'modern';

export interface Harness {
  client: Client;
  sim: Simulator;
  config: Config;
  logs: string[];
  /** Every HTTP response body the MCP app sent, when `recordBodies` is set (secret scans). */
  httpBodies: string[];
  app: HttpApp;
  call: Caller;
  close(): Promise<void>;
}

export type CallOptions = { signal?: AbortSignal; timeout?: number };

/** The structuredContent type of a tool named by a literal (from its output schema), else unknown. */
export type OutputOf<N extends string> = N extends keyof ToolOutputs ? ToolOutputs[N] : unknown;

export interface CallResult<S = unknown> {
  isError?: boolean;
  text: string;
  /**
   * structuredContent, typed from the tool's output schema (the SDK client has validated it).
   * Undefined on an isError answer: check isError first, as every test does.
   */
  structured: S;
  raw: CallToolResult;
}

/** tools/call of a named tool; a literal name gives the answer its tool's output type. */
export type Caller = <N extends string>(name: N, args?: Record<string, unknown>, opts?: CallOptions) => Promise<CallResult<OutputOf<N>>>;

/** tools/call through a real client, with the text blocks joined and structuredContent at hand. */
export function toolCaller(client: Client): Caller {
  return async <N extends string>(name: N, args: Record<string, unknown> = {}, o: CallOptions = {}): Promise<CallResult<OutputOf<N>>> => {
    const raw = await client.callTool(
      { name, arguments: args },
      { ...(o.signal ? { signal: o.signal } : {}), ...(o.timeout ? { timeout: o.timeout } : {}) },
    );
    const text = raw.content.flatMap((c) => (c.type === 'text' ? [c.text] : [])).join('\n');
    return { ...(raw.isError !== undefined ? { isError: raw.isError } : {}), text, structured: raw.structuredContent as OutputOf<N>, raw };
  };
}

/**
 * Narrows a value of a loosely typed answer (a row's unknown cell, a tool named by a variable)
 * to the shape the test expects, failing the test when it is not an object.
 */
export function obj(v: unknown, what = 'value'): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new TypeError(`${what} is not an object: ${JSON.stringify(v)}`);
  return v as Record<string, unknown>;
}

/** The same for arrays. */
export function arr(v: unknown, what = 'value'): unknown[] {
  if (!Array.isArray(v)) throw new TypeError(`${what} is not an array: ${JSON.stringify(v)}`);
  return v as unknown[];
}

/** How a test client answers an elicitation (its presence declares the capability). */
export type Elicit = (params: { message: string; requestedSchema: unknown }) => {
  action: 'accept' | 'decline' | 'cancel';
  content?: Record<string, unknown>;
};

/** A Config with some `thruk` / `http` settings replaced (Config is a frozen nested object). */
export function withSettings(
  base: Config,
  over: { thruk?: Partial<Config['thruk']>; http?: Partial<Config['http']> } & Partial<Omit<Config, 'thruk' | 'http'>>,
): Config {
  const { thruk, http, ...rest } = over;
  return { ...base, ...rest, thruk: { ...base.thruk, ...(thruk ?? {}) }, http: { ...base.http, ...(http ?? {}) } };
}

export interface ConnectOptions {
  /** Protocol era of the client: 'modern' (2026-07-28, default) or 'legacy' (2025 session). */
  era?: Era;
  /** Overrides of the demo config (a whole Config, e.g. from withSettings, replaces it). */
  config?: Partial<Config>;
  env?: Record<string, string>;
  sim?: SimulatorOptions;
  simulator?: Simulator;
  tools?: readonly ToolDef[] | ToolSource;
  elicit?: Elicit;
  /** Wraps the simulator's fetch (e.g. to fail one backend); default: the simulator as is. */
  wrap?: (inner: (req: Request) => Promise<Response>) => (req: Request) => Promise<Response>;
  /** 'network' sends over undici to config.thruk.baseUrl (refused/blackholed tests). */
  send?: HttpSend | 'network';
  /** Bearer token the HTTP gate requires; the client presents `clientToken` (default the same). */
  token?: string;
  clientToken?: string;
  /** Server log level (default 'info'); lines are kept in `logs`. */
  logLevel?: string;
  /** Keep a copy of every HTTP response body (secret scans). */
  recordBodies?: boolean;
  /** Wire prom-client metrics into the runtime, the tools and /metrics (as the CLI does in HTTP mode). */
  metrics?: Metrics;
  /** Static-token / OAuth authenticator for /mcp (replaces `token`), built with the harness's logger. */
  auth?: (log: Logger) => Authenticator;
  /** Extra client capabilities to declare (e.g. the MCP Apps extension). */
  capabilities?: Record<string, unknown>;
}

export async function connect(opts: ConnectOptions = {}): Promise<Harness> {
  const config = demoConfig(opts.config ?? {}, opts.env ?? {});
  // What this harness configures is what the suite-wide secret guard looks for in every output.
  for (const secret of [config.thruk.apiKey, opts.token, opts.clientToken]) registerSecret(secret);
  const logs: string[] = [];
  const httpBodies: string[] = [];
  const log = createLogger(opts.logLevel ?? 'info', { write: (s: string) => logs.push(s) });
  const sim = opts.simulator ?? createSimulator({ apiKey: config.thruk.apiKey, ...opts.sim });
  const inner = (req: Request) => sim.fetch(req);
  const handler = opts.wrap ? opts.wrap(inner) : inner;
  const send = opts.send === 'network' ? undefined : (opts.send ?? fetchHandlerSend(handler));
  const m = opts.metrics;
  const runtime = createRuntime(config, log, send, m !== undefined ? { onThrukRequest: (i) => m.thrukRequest(i) } : {});
  const factory = createServerFactory({
    config,
    thruk: runtime.thruk,
    log,
    version: '0.0.0-test',
    now: () => Date.now(),
    tools: opts.tools ?? allTools(),
    ...(m !== undefined ? { onToolCall: (t: string) => m.startToolCall(t) } : {}),
  });
  const app = createHttpApp(
    factory,
    {
      token: opts.token,
      allowedHosts: ['localhost'],
      ...(m !== undefined ? { metrics: m } : {}),
      ...(opts.auth !== undefined ? { auth: opts.auth(log) } : {}),
    },
    log,
  );
  const client = new Client(
    { name: 'test', version: '1' },
    {
      ...(opts.era === 'legacy' ? {} : { versionNegotiation: { mode: 'auto' as const } }),
      ...(opts.elicit || opts.capabilities
        ? { capabilities: { ...(opts.elicit ? { elicitation: { form: {} } } : {}), ...opts.capabilities } }
        : {}),
    },
  );
  if (opts.elicit) {
    const answer = opts.elicit;
    client.setRequestHandler('elicitation/create', ((req: { params: Parameters<Elicit>[0] }) =>
      Promise.resolve(answer(req.params))) as never);
  }
  const presented = opts.clientToken ?? opts.token;
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

/** Asks the simulator's REST API directly: the ground truth a tool's answer must agree with. */
export async function rest(h: Pick<Harness, 'sim' | 'config'>, path: string, params: Record<string, string> = {}): Promise<unknown> {
  const url = new URL(`http://sim.invalid/demo/thruk/r${path}`);
  for (const [k, v] of Object.entries(params)) url.searchParams.append(k, v);
  const res = await h.sim.fetch(new Request(url, { headers: { 'X-Thruk-Auth-Key': h.config.thruk.apiKey } }));
  if (res.status !== 200) throw new Error(`${path} answered ${res.status}: ${await res.text()}`);
  return res.json();
}

/** POSTs a command (JSON body) to the simulator directly, e.g. to stage events for a test. */
export async function post(h: Pick<Harness, 'sim' | 'config'>, path: string, body: Record<string, unknown>): Promise<void> {
  const res = await h.sim.fetch(
    new Request(`http://sim.invalid/demo/thruk/r${path}`, {
      method: 'POST',
      headers: { 'X-Thruk-Auth-Key': h.config.thruk.apiKey, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    }),
  );
  if (res.status !== 200) throw new Error(`${path} answered ${res.status}: ${await res.text()}`);
}

/**
 * A write as a user approves it: the call as given; when the server asks for confirmation, the
 * same call again with the preview's plan_id (the binding confirmation of gate.ts).
 */
export async function confirmCall<N extends string>(
  h: { call: Caller },
  name: N,
  args: Record<string, unknown>,
): Promise<CallResult<OutputOf<N>>> {
  const first = await h.call(name, args);
  const preview = first.structured as { status?: unknown; plan_id?: unknown } | undefined;
  if (preview?.status !== 'confirmation_required') return first;
  return h.call(name, { ...args, plan_id: preview.plan_id });
}

/** Simulator responses with their status and body, recorded by a wrapper (requests alone do not say how Thruk answered). */
export interface Answered {
  method: string;
  path: string;
  search: string;
  status: number;
  body: string;
}

export function recordingWrap(into: Answered[]): NonNullable<ConnectOptions['wrap']> {
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
