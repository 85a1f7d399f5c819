/**
 * thruk-mcp in this process, as the tests drive it: createServerFactory + createHttpApp, and the
 * SDK client in the 2026 era over the app's fetch function (no sockets). Thruk is either a
 * simulator in this process or a URL (the loopback simulator child).
 */
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { loadConfig, type Config } from '../../src/config/config.js';
import { createLogger } from '../../src/server/log.js';
import { createRuntime } from '../../src/server/runtime.js';
import { createServerFactory } from '../../src/server/server.js';
import { allTools } from '../../src/tools/core/registry.js';
import type { Simulator } from '../../src/sim/index.js';
import { fetchHandlerSend, type HttpSend } from '../../src/thruk/client.js';
import { createHttpApp, type HttpApp } from '../../src/transports/http.js';

export interface InProc {
  readonly client: Client;
  readonly app: HttpApp;
  readonly config: Config;
  call(name: string, args?: Record<string, unknown>): Promise<{ text: string; structured: unknown; isError: boolean; raw: any }>;
  close(): Promise<void>;
}

export function benchConfig(
  opts: { baseUrl?: string; apiKey?: string; toolsets?: readonly string[]; env?: Record<string, string> } = {},
): Config {
  const env: Record<string, string> = {
    THRUK_BASE_URL: opts.baseUrl ?? 'http://127.0.0.1:9/thruk',
    THRUK_API_KEY: opts.apiKey ?? 'bench',
    LOG_LEVEL: 'silent',
    ...(opts.toolsets !== undefined ? { THRUK_TOOLSETS: opts.toolsets.join(',') } : {}),
    ...opts.env,
  };
  const r = loadConfig([], env);
  if (!r.ok || r.action !== 'serve') throw new Error(`bench config rejected: ${JSON.stringify(r)}`);
  return r.config;
}

/** A Thruk that must never be asked (tools/list needs no Thruk). */
export const noThruk: HttpSend = () => Promise.reject(new Error('the bench did not expect a Thruk request here'));

export async function startInProc(opts: { config: Config; sim?: Simulator; send?: HttpSend }): Promise<InProc> {
  const { config } = opts;
  const log = createLogger('silent');
  const send = opts.send ?? (opts.sim !== undefined ? fetchHandlerSend((req) => opts.sim!.fetch(req)) : undefined);
  const runtime = createRuntime(config, log, send);
  const factory = createServerFactory({ config, thruk: runtime.thruk, log, version: '0.0.0-bench', tools: allTools() });
  const app = createHttpApp(factory, { token: undefined, allowedHosts: ['localhost'] }, log);
  const client = new Client({ name: 'thruk-mcp-bench', version: '1' }, { versionNegotiation: { mode: 'auto' } });
  await client.connect(
    new StreamableHTTPClientTransport(new URL('http://localhost/mcp'), { fetch: (u, i) => app.fetch(new Request(u, i)) }),
  );
  return {
    client,
    app,
    config,
    call: async (name, args = {}) => {
      const raw: any = await client.callTool({ name, arguments: args });
      const text = ((raw.content ?? []) as Array<{ type: string; text?: string }>)
        .filter((c) => c.type === 'text')
        .map((c) => c.text ?? '')
        .join('\n');
      return { text, structured: raw.structuredContent, isError: raw.isError === true, raw };
    },
    close: async () => {
      await client.close();
      await app.close();
      await runtime.close();
    },
  };
}

/** The 2026-07-28 stateless request exactly as the SDK client sends it (headers and envelope). */
export const MODERN_VERSION = '2026-07-28';

export function modernRequest(
  method: string,
  params: Record<string, unknown>,
  id: number | string = 1,
): { headers: Record<string, string>; body: string } {
  const meta = {
    'io.modelcontextprotocol/protocolVersion': MODERN_VERSION,
    'io.modelcontextprotocol/clientInfo': { name: 'thruk-mcp-bench', version: '1' },
    'io.modelcontextprotocol/clientCapabilities': {},
  };
  const headers: Record<string, string> = {
    accept: 'application/json, text/event-stream',
    'content-type': 'application/json',
    'mcp-method': method,
    'mcp-protocol-version': MODERN_VERSION,
  };
  if (method === 'tools/call' && typeof params.name === 'string') headers['mcp-name'] = params.name;
  return { headers, body: JSON.stringify({ jsonrpc: '2.0', id, method, params: { ...params, _meta: meta } }) };
}
