import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import type { Config } from '../../src/config/config.js';
import { demoConfig } from './config.js';

export { demoConfig };
import { createLogger } from '../../src/server/log.js';
import { createRuntime } from '../../src/server/runtime.js';
import { createServerFactory } from '../../src/server/server.js';
import { allTools } from '../../src/tools/core/registry.js';
import { createSimulator, type Simulator, type SimulatorOptions } from '../../src/sim/index.js';
import { fetchHandlerSend } from '../../src/thruk/client.js';
import type { ToolDef } from '../../src/tools/core/define.js';
import type { ToolSource } from '../../src/tools/core/published.js';
import { createHttpApp } from '../../src/transports/http.js';

export type Era = 'modern' | 'legacy';
export const ERAS: readonly Era[] = ['modern', 'legacy'];

export interface Harness {
  client: Client;
  sim: Simulator;
  config: Config;
  logs: string[];
  call(name: string, args?: Record<string, unknown>): Promise<CallResult>;
  close(): Promise<void>;
}

export type CallOptions = { signal?: AbortSignal; timeout?: number };

/** tools/call through a real client, with the text blocks joined and structuredContent at hand. */
export function toolCaller(client: Client): (name: string, args?: Record<string, unknown>, o?: CallOptions) => Promise<CallResult> {
  return async (name, args = {}, o = {}) => {
    const raw: any = await client.callTool({ name, arguments: args }, { ...(o.signal ? { signal: o.signal } : {}), ...(o.timeout ? { timeout: o.timeout } : {}) });
    const text = (raw.content ?? []).filter((c: any) => c.type === 'text').map((c: any) => c.text).join('\n');
    return { isError: raw.isError, text, structured: raw.structuredContent, raw };
  };
}

export interface CallResult {
  isError?: boolean;
  text: string;
  structured: any;
  raw: any;
}

/** A real MCP client talking to the real server over the SDK's HTTP handler, in process, with the simulator behind the Thruk client. */
/** How a test client answers an elicitation (its presence declares the capability). */
export type Elicit = (params: { message: string; requestedSchema: unknown }) => { action: 'accept' | 'decline' | 'cancel'; content?: Record<string, unknown> };

export async function connect(opts: { era?: Era; config?: Partial<Config>; env?: Record<string, string>; sim?: SimulatorOptions; simulator?: Simulator; tools?: readonly ToolDef[] | ToolSource; elicit?: Elicit; capabilities?: Record<string, unknown> } = {}): Promise<Harness> {
  const config = demoConfig(opts.config ?? {}, opts.env ?? {});
  const logs: string[] = [];
  const log = createLogger('info', { write: (s: string) => logs.push(s) });
  const sim = opts.simulator ?? createSimulator({ apiKey: config.thruk.apiKey, ...opts.sim });
  const runtime = createRuntime(config, log, fetchHandlerSend((req) => sim.fetch(req)));
  const factory = createServerFactory({ config, thruk: runtime.thruk, log, version: '0.0.0-test', now: () => Date.now(), tools: opts.tools ?? allTools() });
  const app = createHttpApp(factory, { token: undefined, allowedHosts: ['localhost'] }, log);
  const client = new Client({ name: 'test', version: '1' }, {
    ...(opts.era === 'legacy' ? {} : { versionNegotiation: { mode: 'auto' as const } }),
    ...(opts.elicit || opts.capabilities ? { capabilities: { ...(opts.elicit ? { elicitation: { form: {} } } : {}), ...opts.capabilities } } : {}),
  });
  if (opts.elicit) {
    const answer = opts.elicit;
    client.setRequestHandler('elicitation/create', ((req: any) => Promise.resolve(answer(req.params))) as never);
  }
  await client.connect(new StreamableHTTPClientTransport(new URL('http://localhost/mcp'), { fetch: (u, i) => app.fetch(new Request(u, i)) }));
  return {
    client,
    sim,
    config,
    logs,
    call: toolCaller(client),
    close: async () => {
      await client.close();
      await app.close();
      await runtime.close();
    },
  };
}

/** Asks the simulator's REST API directly: the ground truth a tool's answer must agree with. */
export async function rest(h: Pick<Harness, 'sim' | 'config'>, path: string, params: Record<string, string> = {}): Promise<any> {
  const url = new URL(`http://sim.invalid/demo/thruk/r${path}`);
  for (const [k, v] of Object.entries(params)) url.searchParams.append(k, v);
  const res = await h.sim.fetch(new Request(url, { headers: { 'X-Thruk-Auth-Key': h.config.thruk.apiKey } }));
  if (res.status !== 200) throw new Error(`${path} answered ${res.status}: ${await res.text()}`);
  return res.json();
}

/** POSTs a command (JSON body) to the simulator directly, e.g. to stage events for a test. */
export async function post(h: Pick<Harness, 'sim' | 'config'>, path: string, body: Record<string, unknown>): Promise<void> {
  const res = await h.sim.fetch(new Request(`http://sim.invalid/demo/thruk/r${path}`, {
    method: 'POST', headers: { 'X-Thruk-Auth-Key': h.config.thruk.apiKey, 'Content-Type': 'application/json' }, body: JSON.stringify(body),
  }));
  if (res.status !== 200) throw new Error(`${path} answered ${res.status}: ${await res.text()}`);
}

/**
 * A write as a user approves it: the call as given; when the server asks for confirmation, the
 * same call again with the preview's plan_id (the binding confirmation of gate.ts).
 */
export async function confirmCall(h: { call: Harness['call'] }, name: string, args: Record<string, unknown>): Promise<CallResult> {
  const first = await h.call(name, args);
  if (first.structured?.status !== 'confirmation_required') return first;
  return h.call(name, { ...args, plan_id: first.structured.plan_id });
}
