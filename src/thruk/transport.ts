/**
 * The HTTP seam: `HttpSend` is what the client calls. `undiciSend` is the real one (keep-alive
 * pool, custom CA, explicit proxy settings); `fetchHandlerSend` adapts a web-standard fetch handler
 * (the simulator, tests). Nothing here logs, and error messages never carry headers or bodies.
 */

import { readFileSync } from 'node:fs';
import type * as UndiciModule from 'undici';
import type { Dispatcher } from 'undici';
import { abortReason } from './semaphore.js';
import { describeNetworkCode, errorCode, errorDetail, networkError, timeoutError } from './errors.js';

export interface HttpRequest {
  method: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  body?: string;
  signal: AbortSignal;
}

export interface HttpResponse {
  status: number;
  /** Lower-case names. */
  headers: Record<string, string>;
  body: string;
}

export type HttpSend = (req: HttpRequest) => Promise<HttpResponse>;

export interface ProxySettings {
  httpProxy?: string | undefined;
  httpsProxy?: string | undefined;
  noProxy?: string | undefined;
}

export interface UndiciSendOptions {
  timeoutMs: number;
  /** PEM file with extra trusted CA certificates, read once at construction. */
  caFile?: string | undefined;
  /** Skip TLS verification (testing only). */
  insecure?: boolean | undefined;
  /** Max sockets per origin; unlimited when absent. */
  maxConnections?: number | undefined;
  /** Explicit proxy settings (config.ts reads the environment; undici would otherwise read it here). */
  proxy?: ProxySettings | undefined;
}

const CONNECT_TIMEOUT_CAP_MS = 10_000;
const KEEP_ALIVE_MS = 30_000;

const TIMEOUT_CODES: ReadonlySet<string> = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

function flattenHeaders(h: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) {
    if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}

type Undici = typeof UndiciModule;

function buildDispatcher(undici: Undici, rootCertificates: readonly string[], opts: UndiciSendOptions, ca: string | undefined): Dispatcher {
  const tls = {
    // A CA file adds trust to Node's bundled roots instead of replacing them, so a public proxy
    // and an internally signed Thruk can be reached with one setting.
    ...(ca !== undefined ? { ca: [...rootCertificates, ca] } : {}),
    rejectUnauthorized: opts.insecure !== true,
  };
  const common = {
    keepAliveTimeout: KEEP_ALIVE_MS,
    headersTimeout: opts.timeoutMs,
    bodyTimeout: opts.timeoutMs,
    connect: { ...tls, timeout: Math.min(CONNECT_TIMEOUT_CAP_MS, opts.timeoutMs) },
    ...(opts.maxConnections !== undefined && opts.maxConnections > 0 ? { connections: opts.maxConnections } : {}),
  };
  const p = opts.proxy;
  if (p !== undefined && (nonEmpty(p.httpProxy) || nonEmpty(p.httpsProxy))) {
    // Empty strings (not undefined) keep EnvHttpProxyAgent from falling back to process.env.
    // The CA bundle also applies to an https:// proxy: corporate proxies share the internal CA.
    return new undici.EnvHttpProxyAgent({
      ...common,
      requestTls: tls,
      proxyTls: tls,
      httpProxy: p.httpProxy ?? '',
      httpsProxy: p.httpsProxy ?? '',
      noProxy: p.noProxy ?? '',
    });
  }
  return new undici.Agent(common);
}

function readCa(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new Error(`Cannot read the TLS CA file ${file}: ${errorCode(e) ?? errorDetail(e)}`);
  }
}

function nonEmpty(s: string | undefined): boolean {
  return s !== undefined && s.trim() !== '';
}

/**
 * undici (and node:tls) cost ~70 ms and ~9 MB at start-up, so they load with the first request:
 * a server that only answers tools/list never pays for them. The CA file is still read here, so a
 * bad THRUK_CA_FILE fails at start-up rather than on the first call.
 */
export function undiciSend(opts: UndiciSendOptions): { send: HttpSend; close(): Promise<void> } {
  const ca = opts.caFile !== undefined ? readCa(opts.caFile) : undefined;
  let loaded: Promise<{ request: Undici['request']; dispatcher: Dispatcher }> | undefined;
  const load = () =>
    (loaded ??= Promise.all([import('undici'), import('node:tls')]).then(([undici, tls]) => ({
      request: undici.request,
      dispatcher: buildDispatcher(undici, tls.rootCertificates, opts, ca),
    })));
  const send: HttpSend = async (req) => {
    const { request, dispatcher } = await load();
    try {
      const res = await request(req.url, {
        dispatcher,
        method: req.method,
        headers: req.headers,
        signal: req.signal,
        ...(req.body !== undefined ? { body: req.body } : {}),
      });
      const body = await res.body.text();
      return { status: res.statusCode, headers: flattenHeaders(res.headers), body };
    } catch (e) {
      if (req.signal.aborted) throw e;
      const init = { method: req.method, path: safePath(req.url) };
      const code = errorCode(e);
      if (code !== undefined && TIMEOUT_CODES.has(code)) throw timeoutError(init, opts.timeoutMs);
      // Unclipped: the client redacts the key before clipping.
      throw networkError(init, code, describeNetworkCode(code, errorDetail(e)));
    }
  };
  return { send, close: async () => (loaded !== undefined ? (await loaded).dispatcher.close() : undefined) };
}

function safePath(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return '(invalid URL)';
  }
}

export function fetchHandlerSend(handler: (req: Request) => Promise<Response>): HttpSend {
  return async (req) => {
    const init: RequestInit = { method: req.method, headers: req.headers, signal: req.signal };
    if (req.body !== undefined) init.body = req.body;
    const res = await handler(new Request(req.url, init));
    const headers: Record<string, string> = {};
    res.headers.forEach((v, k) => {
      headers[k.toLowerCase()] = v;
    });
    return { status: res.status, headers, body: await res.text() };
  };
}

export type TimedResult =
  | { kind: 'response'; res: HttpResponse }
  | { kind: 'timeout'; timeoutMs: number }
  | { kind: 'aborted'; reason: Error }
  | { kind: 'error'; error: unknown };

/**
 * One send bounded by `budgetMs` and the caller's signal. Settles as soon as either fires, even when
 * a send implementation ignores its signal; a caller abort wins over everything else.
 */
export async function timedSend(
  send: HttpSend,
  req: Omit<HttpRequest, 'signal'>,
  budgetMs: number,
  signal: AbortSignal | undefined,
): Promise<TimedResult> {
  if (signal?.aborted === true) return { kind: 'aborted', reason: abortReason(signal) };
  const ctrl = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    ctrl.abort(new DOMException('Thruk request timed out', 'TimeoutError'));
  }, budgetMs);
  const onAbort = (): void => ctrl.abort(abortReason(signal as AbortSignal));
  signal?.addEventListener('abort', onAbort, { once: true });
  const aborted = new Promise<never>((_, reject) => {
    ctrl.signal.addEventListener('abort', () => reject(abortReason(ctrl.signal)), { once: true });
  });
  try {
    const res = await Promise.race([(async () => send({ ...req, signal: ctrl.signal }))(), aborted]);
    return { kind: 'response', res };
  } catch (error) {
    // Re-read: the signal may have fired while awaiting (TS keeps the narrowing from above).
    if (signal !== undefined && isAborted(signal)) return { kind: 'aborted', reason: abortReason(signal) };
    if (timedOut) return { kind: 'timeout', timeoutMs: budgetMs };
    return { kind: 'error', error };
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
    aborted.catch(() => undefined);
  }
}

function isAborted(signal: AbortSignal): boolean {
  return signal.aborted;
}
