import { createServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createMcpHandler, type AuthInfo, type McpRequestContext, type McpServer } from '@modelcontextprotocol/server';
import type { Config } from '../config/config.js';
import { DEFAULT_MAX_BODY_BYTES, type RateLimitSettings } from '../config/http.js';
import type { Logger } from '../server/log.js';
import type { RefusalReason } from './metrics.js';
import { createAuthenticator, tokenMatches, type Authenticator } from './auth.js';
import { createInFlight, nodeListener, type InFlight } from './node.js';
import { opsResponse, type OpsOptions } from './ops.js';
import { clientAddress, proxyTrust, viaTls, type ConnInfo } from './proxy.js';
import { createRateLimiter } from './ratelimit.js';
import { markRpcMethod, readBodyLimited, requestIdOf, rpcError, rpcSummary } from './request.js';

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
      return json(
        401,
        { error, error_description: 'A valid bearer token is required.' },
        {
          'www-authenticate': `Bearer realm="thruk-mcp", error="${error}"`,
        },
      );
    }
  }
  return undefined;
}

export interface HttpApp {
  /** `conn` is what the socket knows (peer address, TLS); in-process callers may omit it. */
  fetch(req: Request, conn?: ConnInfo): Promise<Response>;
  /** Graceful shutdown begins: /readyz answers 503, new /mcp requests 503 with Connection: close. */
  drain(): void;
  close(): Promise<void>;
}

export interface HttpAppOptions extends HttpGateOptions, OpsOptions {
  /** Modes 1 and 2 (static tokens, OAuth); without it, `token` alone is one write-scoped token. */
  readonly auth?: Authenticator;
  /** 'json' (--json-response): one JSON body per request, no SSE stream. */
  readonly responseMode?: 'auto' | 'json';
  /** Per-caller token bucket on /mcp; none when absent. */
  readonly rateLimit?: RateLimitSettings | undefined;
  /** Largest /mcp body (default 1 MiB). */
  readonly maxBodyBytes?: number;
  /** MCP_TRUST_PROXY: /mcp must then arrive over TLS (native, or via one of these proxies). */
  readonly trustProxy?: readonly string[] | undefined;
  readonly now?: () => number;
}

const NO_WRITE_SCOPE_SETTINGS = {
  writeScope: 'thruk:write',
  readScope: 'thruk:read',
  resourceUrl: undefined,
  oauth: undefined,
  metricsPort: undefined,
};

/** The same response with more headers: set in place, or on a copy when its headers are immutable. */
function withHeaders(res: Response, extra: Record<string, string>): Response {
  try {
    for (const [k, v] of Object.entries(extra)) res.headers.set(k, v);
    return res;
  } catch {
    // a Response whose headers are guarded (Response.error(), a fetch() answer): copy it
  }
  const headers = new Headers(res.headers);
  for (const [k, v] of Object.entries(extra)) headers.set(k, v);
  return new Response(res.body, { status: res.status, statusText: res.statusText, headers });
}

/** Calls `done` when an SSE body has been sent to the end (or abandoned). */
function onBodyEnd(res: Response, done: () => void): Response {
  if (res.body === null) {
    done();
    return res;
  }
  const body = res.body.pipeThrough(new TransformStream<Uint8Array, Uint8Array>({ flush: () => done() }));
  return new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
}

/** The whole HTTP surface as a web-standard fetch function (tests drive it without sockets). */
export function createHttpApp(factory: (ctx?: McpRequestContext) => McpServer, opts: HttpAppOptions, log: Logger): HttpApp {
  const maxBodyBytes = opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const handler = createMcpHandler(factory, {
    legacy: 'stateless',
    ...(opts.responseMode !== undefined ? { responseMode: opts.responseMode } : {}),
    onerror: (err) => log.debug({ err }, 'mcp handler'),
    maxRequestBodySize: maxBodyBytes,
  });
  const auth =
    opts.auth ??
    createAuthenticator(
      { ...NO_WRITE_SCOPE_SETTINGS, tokens: opts.token !== undefined ? [{ token: opts.token, write: true, label: 'MCP_HTTP_TOKEN' }] : [] },
      log,
    );
  const hostOnly: HttpGateOptions = { token: undefined, allowedHosts: opts.allowedHosts };
  const now = opts.now ?? Date.now;
  const limiter = opts.rateLimit !== undefined ? createRateLimiter(opts.rateLimit, { now }) : undefined;
  const trust = opts.trustProxy !== undefined ? proxyTrust(opts.trustProxy) : undefined;
  const lifecycle = { draining: opts.lifecycle?.draining ?? false };
  const ops: OpsOptions = { ...opts, lifecycle };
  const refused = (reason: RefusalReason) => opts.metrics?.httpRefused(reason);

  /** /mcp after the path check; `note` collects what the log line reports. */
  const serveMcp = async (
    req: Request,
    conn: ConnInfo | undefined,
    requestId: string,
    note: Record<string, unknown>,
  ): Promise<Response> => {
    if (trust !== undefined && !viaTls(conn, req.headers.get('x-forwarded-proto'), trust)) {
      refused('tls_required');
      const direct = !trust.trusts(conn?.remoteAddress);
      return json(403, {
        error: 'tls_required',
        error_description: direct
          ? "This server only accepts /mcp through its TLS-terminating proxy (MCP_TRUST_PROXY); connect to the proxy's https:// address."
          : 'Plain HTTP is refused: the proxy must forward https requests only (X-Forwarded-Proto: https). Use the https:// address.',
      });
    }
    if (lifecycle.draining) {
      refused('shutting_down');
      return rpcError(503, 'This server is shutting down; retry the request (another replica will answer).', {
        connection: 'close',
        'retry-after': '1',
      });
    }
    const denied = gate(req, hostOnly);
    if (denied !== undefined) return denied;
    const verified: AuthInfo | Response | undefined = await auth.authenticate(req);
    if (verified instanceof Response) return verified;
    const client = clientAddress(conn, req.headers.get('x-forwarded-for'), trust);
    const sub = verified !== undefined ? (verified.extra as { sub?: unknown } | undefined)?.sub : undefined;
    // The bucket: a JWT's subject (one person across clients), a static token's label, else the IP.
    const bucket = verified === undefined ? `ip:${client}` : typeof sub === 'string' ? `sub:${sub}` : `client:${verified.clientId}`;
    if (verified !== undefined) note.caller = verified.clientId;
    note.client = client;
    if (limiter !== undefined) {
      const t = limiter.take(bucket);
      if (!t.ok) {
        refused('rate_limited');
        return rpcError(429, `Rate limit exceeded (${opts.rateLimit?.label ?? ''} per caller); retry after ${t.retryAfterS} s.`, {
          'retry-after': String(t.retryAfterS),
        });
      }
    }
    const body = await readBodyLimited(req, maxBodyBytes);
    if (!body.ok) {
      refused('body_too_large');
      return rpcError(413, `Request body too large: the limit is ${maxBodyBytes} bytes (MCP_MAX_BODY_BYTES).`, { connection: 'close' });
    }
    let parsed: unknown;
    try {
      parsed = body.text === '' ? undefined : JSON.parse(body.text);
    } catch {
      parsed = undefined;
    }
    Object.assign(note, rpcSummary(parsed));
    const headers = new Headers(req.headers);
    // The tool layer reads the id from here (server.ts): it ends up in the tool-call and audit lines.
    headers.set('x-request-id', requestId);
    // With the parsed body handed over, the SDK never reads the forwarded one: only a body it must
    // answer as unparsable (or an empty one) goes along.
    const sendBody = body.text !== '' && parsed === undefined;
    if (!sendBody) headers.delete('content-length');
    const forward = new Request(req.url, { method: req.method, headers, signal: req.signal, ...(sendBody ? { body: body.text } : {}) });
    markRpcMethod(forward, parsed);
    const options = { ...(verified !== undefined ? { authInfo: verified } : {}), ...(parsed !== undefined ? { parsedBody: parsed } : {}) };
    return handler.fetch(forward, options);
  };

  return {
    fetch: async (req, conn) => {
      const started = now();
      const requestId = requestIdOf(req.headers.get('x-request-id'));
      const url = new URL(req.url);
      const extra: Record<string, string> = { 'x-request-id': requestId, ...(lifecycle.draining ? { connection: 'close' } : {}) };
      const opsRes = await opsResponse(req, ops);
      if (opsRes !== undefined) return withHeaders(opsRes, extra);
      const meta = auth.metadata(req);
      if (meta !== undefined) return withHeaders(meta, extra);
      if (url.pathname !== '/mcp')
        return withHeaders(json(404, { error: 'not_found', error_description: 'The MCP endpoint is /mcp.' }), extra);
      const note: Record<string, unknown> = {};
      let res: Response;
      try {
        res = await serveMcp(req, conn, requestId, note);
      } catch (err) {
        log.error({ err, requestId }, 'mcp request failed');
        res = rpcError(500, 'Internal error; it was logged on the server.');
      }
      const line = () => {
        const fields = { requestId, http: req.method, status: res.status, ms: now() - started, ...note };
        // A served call already has its info line ('tool call': request id, tool, duration,
        // outcome); a second info line per request cost a quarter of the HTTP throughput.
        if (res.status >= 400) log.info(fields, 'mcp request refused');
        else log.debug(fields, 'mcp request');
      };
      const sse = (res.headers.get('content-type') ?? '').startsWith('text/event-stream');
      // X-Accel-Buffering: nginx (and proxies that copy it) stream SSE even with buffering on.
      const out = withHeaders(res, sse ? { ...extra, 'x-accel-buffering': 'no' } : extra);
      return sse ? onBodyEnd(out, line) : (line(), out);
    },
    drain: () => {
      lifecycle.draining = true;
    },
    close: () => handler.close(),
  };
}

/** A second listener with only /healthz, /readyz and /metrics (MCP_METRICS_PORT). */
export function createOpsApp(opts: OpsOptions): HttpApp {
  const lifecycle = { draining: opts.lifecycle?.draining ?? false };
  return {
    fetch: async (req) => (await opsResponse(req, { ...opts, lifecycle, serveMetrics: true })) ?? json(404, { error: 'not_found' }),
    drain: () => {
      lifecycle.draining = true;
    },
    close: () => Promise.resolve(),
  };
}

export interface HttpListener {
  readonly server: Server;
  readonly url: string;
  /** Requests whose response is still being written. */
  readonly inFlight: InFlight;
  /**
   * Graceful stop: the app drains (readyz 503), the listener stops accepting, idle keep-alive
   * connections close, in-flight requests get `timeoutMs` to finish, then every socket closes.
   * Resolves with the number of requests cut off by the deadline.
   */
  shutdown(timeoutMs: number): Promise<number>;
  close(): Promise<void>;
}

export interface ListenOptions {
  /** PEM certificate and key: serve HTTPS natively. */
  readonly tls?: { readonly cert: string | Buffer; readonly key: string | Buffer } | undefined;
  /** Observes the in-flight count (a metrics gauge). */
  readonly onInFlight?: (n: number) => void;
}

export async function startHttp(
  app: HttpApp,
  config: Config,
  log: Logger,
  port = config.http.port,
  path = '/mcp',
  lopts: ListenOptions = {},
): Promise<HttpListener> {
  const inFlight = createInFlight(lopts.onInFlight);
  const scheme = lopts.tls !== undefined ? 'https' : 'http';
  const listener = nodeListener((req, conn) => app.fetch(req, conn), log, inFlight, scheme);
  const server: Server =
    lopts.tls !== undefined ? createHttpsServer({ cert: lopts.tls.cert, key: lopts.tls.key }, listener) : createServer(listener);
  // Node closes a kept-alive connection after 5 s idle by default. A proxy or client that reuses it
  // at that moment, or an event loop busy for longer than that (a big answer on a starved CPU:
  // the idle timer fires before the waiting request is read), gets ECONNRESET on a POST nobody
  // retries. Outlast the usual proxy idle timeouts (nginx upstream keepalive_timeout: 60 s).
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, config.http.host, () => resolve());
  });
  const addr = server.address();
  const bound = typeof addr === 'object' && addr !== null ? addr.port : port;
  const hostPart = config.http.host.includes(':') ? `[${config.http.host}]` : config.http.host;
  let closed: Promise<void> | undefined;
  const stopListening = () => (closed ??= new Promise<void>((resolve) => server.close(() => resolve())));
  return {
    server,
    url: `${scheme}://${hostPart}:${bound}${path}`,
    inFlight,
    shutdown: async (timeoutMs) => {
      app.drain();
      const stopped = stopListening();
      server.closeIdleConnections();
      const drained = await inFlight.idle(timeoutMs);
      const cut = drained ? 0 : inFlight.count;
      server.closeAllConnections();
      await stopped;
      await app.close();
      return cut;
    },
    close: async () => {
      await app.close();
      const stopped = stopListening();
      server.closeAllConnections();
      await stopped;
    },
  };
}
