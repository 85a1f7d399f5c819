import { createServer, type Server } from 'node:http';
import { toNodeHandler, type NodeIncomingMessageLike } from '@modelcontextprotocol/node';
import { createMcpHandler, type AuthInfo, type McpRequestContext, type McpServer } from '@modelcontextprotocol/server';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import { createAuthenticator, tokenMatches, type Authenticator } from './auth.js';
import { opsResponse, type OpsOptions } from './ops.js';

export { tokenMatches } from './auth.js';

export interface HttpGateOptions {
  readonly token: string | undefined;
  readonly allowedHosts: readonly string[];
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

function hostnameOf(hostHeader: string): string {
  try {
    return new URL(`http://${hostHeader}`).hostname.toLowerCase();
  } catch {
    return '';
  }
}

export function defaultAllowedHosts(bindHost: string, extra: readonly string[]): string[] {
  const base = ['localhost', '127.0.0.1', '[::1]', '::1'];
  if (bindHost !== '0.0.0.0' && bindHost !== '::') base.push(bindHost);
  return [...new Set([...base, ...extra].map((h) => h.toLowerCase()))];
}

/**
 * The checks in front of /mcp, as a pure Request → Response|undefined function: Host (DNS
 * rebinding), Origin (browsers), then the bearer token. undefined means "let it through".
 */
export function gate(req: Request, opts: HttpGateOptions): Response | undefined {
  const allowed = new Set(opts.allowedHosts.map((h) => h.toLowerCase()));
  const host = hostnameOf(req.headers.get('host') ?? new URL(req.url).host);
  const bracketed = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  if (!allowed.has(host) && !allowed.has(bracketed)) {
    return json(403, { error: 'forbidden', error_description: `Host '${host}' is not allowed; add it to MCP_HTTP_ALLOWED_HOSTS.` });
  }
  const origin = req.headers.get('origin');
  if (origin !== null && origin !== 'null') {
    let oh = '';
    try {
      oh = new URL(origin).hostname.toLowerCase();
    } catch {
      oh = '';
    }
    const ob = oh.includes(':') && !oh.startsWith('[') ? `[${oh}]` : oh;
    if (!allowed.has(oh) && !allowed.has(ob)) return json(403, { error: 'forbidden', error_description: 'Origin not allowed.' });
  }
  if (opts.token !== undefined) {
    const auth = req.headers.get('authorization') ?? '';
    const m = /^Bearer\s+(.+)$/i.exec(auth);
    if (m === null || !tokenMatches(opts.token, (m[1] ?? '').trim())) {
      const error = m === null ? 'invalid_request' : 'invalid_token';
      return json(401, { error, error_description: 'A valid bearer token is required.' }, {
        'www-authenticate': `Bearer realm="thruk-mcp", error="${error}"`,
      });
    }
  }
  return undefined;
}

export interface HttpApp {
  fetch(req: Request): Promise<Response>;
  close(): Promise<void>;
}

export interface HttpAppOptions extends HttpGateOptions, OpsOptions {
  /** Modes 1 and 2 (static tokens, OAuth); without it, `token` alone is one write-scoped token. */
  readonly auth?: Authenticator;
  /** 'json' (--json-response): one JSON body per request, no SSE stream. */
  readonly responseMode?: 'auto' | 'json';
}

const NO_WRITE_SCOPE_SETTINGS = { writeScope: 'thruk:write', readScope: 'thruk:read', resourceUrl: undefined, oauth: undefined, metricsPort: undefined };

/** The whole HTTP surface as a web-standard fetch function (tests drive it without sockets). */
export function createHttpApp(factory: (ctx?: McpRequestContext) => McpServer, opts: HttpAppOptions, log: Logger): HttpApp {
  const handler = createMcpHandler(factory, { legacy: 'stateless', ...(opts.responseMode !== undefined ? { responseMode: opts.responseMode } : {}), onerror: (err) => log.debug({ err }, 'mcp handler') });
  const auth =
    opts.auth ??
    createAuthenticator({ ...NO_WRITE_SCOPE_SETTINGS, tokens: opts.token !== undefined ? [{ token: opts.token, write: true, label: 'MCP_HTTP_TOKEN' }] : [] }, log);
  const hostOnly: HttpGateOptions = { token: undefined, allowedHosts: opts.allowedHosts };
  return {
    fetch: async (req) => {
      const url = new URL(req.url);
      const ops = await opsResponse(req, opts);
      if (ops !== undefined) return ops;
      const meta = auth.metadata(req);
      if (meta !== undefined) return meta;
      if (url.pathname !== '/mcp') return json(404, { error: 'not_found', error_description: 'The MCP endpoint is /mcp.' });
      const denied = gate(req, hostOnly);
      if (denied !== undefined) {
        log.info({ status: denied.status, path: url.pathname }, 'http request refused');
        return denied;
      }
      const verified: AuthInfo | Response | undefined = await auth.authenticate(req);
      if (verified instanceof Response) {
        log.info({ status: verified.status, path: url.pathname }, 'http request refused');
        return verified;
      }
      return verified === undefined ? handler.fetch(req) : handler.fetch(req, { authInfo: verified });
    },
    close: () => handler.close(),
  };
}

/** A second listener with only /healthz, /readyz and /metrics (MCP_METRICS_PORT). */
export function createOpsApp(opts: OpsOptions): HttpApp {
  return {
    fetch: async (req) => (await opsResponse(req, { ...opts, serveMetrics: true })) ?? json(404, { error: 'not_found' }),
    close: () => Promise.resolve(),
  };
}

export async function startHttp(app: HttpApp, config: Config, log: Logger, port = config.http.port, path = '/mcp'): Promise<{ server: Server; url: string; close(): Promise<void> }> {
  const node = toNodeHandler({ fetch: (req) => app.fetch(req) }, { onerror: (err) => log.warn({ err }, 'http error') });
  const server = createServer((req, res) => {
    node(req as unknown as NodeIncomingMessageLike, res).catch((err: unknown) => {
      log.error({ err }, 'http handler failed');
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, config.http.host, () => resolve());
  });
  const addr = server.address();
  const bound = typeof addr === 'object' && addr !== null ? addr.port : port;
  const hostPart = config.http.host.includes(':') ? `[${config.http.host}]` : config.http.host;
  return {
    server,
    url: `http://${hostPart}:${bound}${path}`,
    close: async () => {
      await app.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
