/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-return -- answers not read typed yet (issue 16; see test/helpers/harness.ts) */
/**
 * The real-Thruk rig: the real server (real config loader, runtime, tool source, HTTP transport)
 * in process, talking to a real Thruk over the network, and a real MCP client in front of it.
 * Every request to Thruk passes a wire guard that records it and refuses any request that could
 * change something while writes are not allowed, so a dry run that tried to send would be caught
 * on the wire, not trusted from the code.
 */
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { loadConfig, type Config } from '../../src/config/config.js';
import { createLogger } from '../../src/server/log.js';
import { createRuntime } from '../../src/server/runtime.js';
import { createServerFactory } from '../../src/server/server.js';
import { canSendReadAsPost, undiciSend, type HttpRequest, type HttpSend } from '../../src/thruk/client.js';
import { defaultToolSource } from '../../src/tools/core/published.js';
import { createHttpApp } from '../../src/transports/http.js';

export interface WireRecord {
  method: string;
  /** Path below the REST root, without the query (no secrets: the key travels in a header). */
  path: string;
  /** The query string (filters travel here; the key never does: it is a header). */
  query: string;
  status?: number;
  /** Thruk's error message when it answered 400 or more (the exact response, for the report). */
  error?: string;
  blocked?: boolean;
}

export interface ToolInfo {
  name: string;
  inputSchema: { properties?: Record<string, unknown>; required?: string[] };
  outputSchema?: unknown;
  annotations?: { readOnlyHint?: boolean; destructiveHint?: boolean };
}

export interface CallOutcome {
  isError: boolean;
  text: string;
  structured: any;
  /** Set when the protocol call itself failed (schema violation, transport error). */
  thrown?: string;
  wire: WireRecord[];
  ms: number;
}

export interface Rig {
  config: Config;
  tools: ToolInfo[];
  logs: string[];
  /** Writes reach Thruk only while this is true (the round-trip phase). */
  allowWrites: boolean;
  call(name: string, args: Record<string, unknown>): Promise<CallOutcome>;
  close(): Promise<void>;
}

/** The REST path of a request URL below `/thruk/r` (or the raw path when it is not a REST call). */
export function restPath(url: string): string {
  const p = new URL(url).pathname;
  const at = p.indexOf('/thruk/r/');
  const rest = at >= 0 ? p.slice(at + '/thruk/r'.length) : p;
  return rest.replace(/^\/v1\//, '/');
}

/** Could this request change something in Thruk or a core? GETs never; a POST only when it is a read sent as a form. */
export function isWrite(req: Pick<HttpRequest, 'method' | 'url'>): boolean {
  if (req.method === 'GET') return false;
  const path = restPath(req.url).replace(/^\/sites\/[^/]+/, '');
  return !canSendReadAsPost(path);
}

function guard(inner: HttpSend, rig: { allowWrites: boolean; wire: WireRecord[] }): HttpSend {
  return async (req) => {
    const rec: WireRecord = { method: req.method, path: restPath(req.url), query: new URL(req.url).search.replace(/^\?/, '') };
    rig.wire.push(rec);
    if (isWrite(req) && !rig.allowWrites) {
      rec.blocked = true;
      throw new Error(`real-suite wire guard: refused ${req.method} ${rec.path} (writes are not allowed in this phase)`);
    }
    const res = await inner(req);
    rec.status = res.status;
    if (res.status >= 400) rec.error = res.body.slice(0, 1000);
    return res;
  };
}

export async function openRig(opts: { url: string; key: string; readOnly: boolean }): Promise<Rig> {
  // The same loader and defaults as `thruk-mcp` itself, with every toolset offered.
  const env: Record<string, string> = {
    THRUK_BASE_URL: opts.url,
    THRUK_API_KEY: opts.key,
    THRUK_TOOLSETS: 'all',
    THRUK_AUDIT_LOG: 'true',
  };
  const r = loadConfig([], env);
  if (!r.ok || r.action !== 'serve') throw new Error(`configuration refused: ${JSON.stringify(r.ok ? r.action : r.issues)}`);
  const config = r.config;
  const logs: string[] = [];
  const log = createLogger('info', { write: (s: string) => logs.push(s) });
  const state = { allowWrites: false, wire: [] as WireRecord[] };
  const closers: Array<() => Promise<void>> = [];
  const runtime = createRuntime(config, log, undefined, {
    sendFor: (s) => {
      const u = undiciSend({
        timeoutMs: s.timeoutMs,
        ...(s.caFile !== undefined ? { caFile: s.caFile } : {}),
        insecure: !s.verifySsl,
        proxy: config.proxy,
      });
      closers.push(() => u.close());
      return guard(u.send, state);
    },
  });
  const factory = createServerFactory({
    config,
    thruk: runtime.thruk,
    instances: runtime.instances,
    log,
    version: 'real-suite',
    tools: await defaultToolSource(),
  });
  const app = createHttpApp(factory, { token: undefined, allowedHosts: ['localhost'] }, log);
  const client = new Client({ name: 'thruk-mcp-real-suite', version: '1' }, { versionNegotiation: { mode: 'auto' as const } });
  await client.connect(
    new StreamableHTTPClientTransport(new URL('http://localhost/mcp'), { fetch: (u, i) => app.fetch(new Request(u, i)) }),
  );
  const listed = await client.listTools();
  const rig: Rig = {
    config,
    tools: listed.tools as unknown as ToolInfo[],
    logs,
    get allowWrites() {
      return state.allowWrites;
    },
    set allowWrites(v: boolean) {
      state.allowWrites = v && !opts.readOnly;
    },
    async call(name, args) {
      const before = state.wire.length;
      const t0 = performance.now();
      try {
        const raw: any = await client.callTool({ name, arguments: args }, { timeout: 300_000 });
        const text = (raw.content ?? [])
          .filter((c: any) => c.type === 'text')
          .map((c: any) => c.text)
          .join('\n');
        return {
          isError: raw.isError === true,
          text,
          structured: raw.structuredContent,
          wire: state.wire.slice(before),
          ms: performance.now() - t0,
        };
      } catch (err) {
        return {
          isError: true,
          text: '',
          structured: undefined,
          thrown: err instanceof Error ? err.message : String(err),
          wire: state.wire.slice(before),
          ms: performance.now() - t0,
        };
      }
    },
    async close() {
      await client.close();
      await app.close();
      await runtime.close();
      await Promise.all(closers.map((c) => c()));
    },
  };
  return rig;
}
