/**
 * Typed errors of the Thruk HTTP client.
 *
 * Messages are self-describing ("Thruk GET /hosts failed: 403 wrong authentication key") and are
 * built only from the method, the display path (no host, no credentials) and server-provided text
 * that the client has already redacted. They never contain the API key, request headers or bodies.
 */

export type ThrukErrorName = 'ThrukError' | 'ThrukHttpError' | 'ThrukTimeoutError' | 'ThrukNetworkError' | 'ThrukResponseError';

export interface ThrukErrorInit {
  method: string;
  /** Path after `/r` (backends prefix included), query only if short; never the host. */
  path: string;
  /** Attempts made before giving up (1 when not retried). */
  attempts?: number;
}

export class ThrukError extends Error {
  override name: ThrukErrorName = 'ThrukError';
  readonly method: string;
  readonly path: string;
  readonly attempts: number;

  constructor(message: string, init: ThrukErrorInit) {
    super(message);
    this.method = init.method;
    this.path = init.path;
    this.attempts = init.attempts ?? 1;
  }
}

export interface ThrukHttpErrorInit extends ThrukErrorInit {
  status: number;
  thrukMessage?: string | undefined;
  thrukDescription?: string | undefined;
}

/** Non-2xx answer. `thrukMessage`/`thrukDescription` come from Thruk's `{code, message, description}` body. */
export class ThrukHttpError extends ThrukError {
  override name: ThrukErrorName = 'ThrukHttpError';
  readonly status: number;
  readonly thrukMessage?: string;
  readonly thrukDescription?: string;

  constructor(message: string, init: ThrukHttpErrorInit) {
    super(message, init);
    this.status = init.status;
    if (init.thrukMessage !== undefined) this.thrukMessage = init.thrukMessage;
    if (init.thrukDescription !== undefined) this.thrukDescription = init.thrukDescription;
  }
}

/** An attempt exceeded its time budget ("Thruk GET /hosts timed out after 30 s"). */
export class ThrukTimeoutError extends ThrukError {
  override name: ThrukErrorName = 'ThrukTimeoutError';
  readonly timeoutMs: number;

  constructor(message: string, init: ThrukErrorInit & { timeoutMs: number }) {
    super(message, init);
    this.timeoutMs = init.timeoutMs;
  }
}

/** Connection-level failure: refused, reset, DNS, TLS (`code` like ECONNREFUSED, CERT_HAS_EXPIRED). */
export class ThrukNetworkError extends ThrukError {
  override name: ThrukErrorName = 'ThrukNetworkError';
  readonly code?: string;
  /** Human reason without method and path, e.g. "connection refused (ECONNREFUSED)". */
  readonly reason: string;

  constructor(message: string, init: ThrukErrorInit & { code?: string | undefined; reason: string }) {
    super(message, init);
    if (init.code !== undefined) this.code = init.code;
    this.reason = init.reason;
  }
}

/** A 2xx answer whose body is not valid JSON (truncated, HTML login page, wrong base URL). */
export class ThrukResponseError extends ThrukError {
  override name: ThrukErrorName = 'ThrukResponseError';
}

export function isThrukError(e: unknown): e is ThrukError {
  return e instanceof ThrukError;
}

const TLS_CODE = /CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|ERR_TLS|ERR_SSL|EPROTO/;

const NETWORK_TEXT: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset by peer',
  EPIPE: 'connection closed while sending',
  ENOTFOUND: 'host name not found (DNS)',
  EAI_AGAIN: 'temporary DNS failure',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  UND_ERR_SOCKET: 'connection closed by the server',
  UND_ERR_CLOSED: 'connection closed',
  UND_ERR_CONNECT_TIMEOUT: 'connect timed out',
  UND_ERR_RES_CONTENT_LENGTH_MISMATCH: 'response body truncated',
  CERT_HAS_EXPIRED: 'TLS certificate has expired',
  ERR_TLS_CERT_ALTNAME_INVALID: 'TLS certificate does not match the host name',
};

export function isTlsCode(code: string | undefined): boolean {
  return code !== undefined && TLS_CODE.test(code);
}

/** Human text for a network error code; `fallback` (already redacted) when the code is unknown. */
export function describeNetworkCode(code: string | undefined, fallback: string): string {
  if (code === undefined) return fallback === '' ? 'network error' : fallback;
  const known = NETWORK_TEXT[code];
  if (known !== undefined) return `${known} (${code})`;
  if (isTlsCode(code)) {
    return `TLS certificate not trusted (${code}); configure a CA bundle, or disable verification only for testing`;
  }
  return fallback === '' ? code : `${fallback} (${code})`;
}

export function formatSeconds(ms: number): string {
  const s = ms / 1000;
  return `${Number.isInteger(s) ? s : Number(s.toFixed(3))} s`;
}

function attemptsSuffix(attempts: number | undefined): string {
  return attempts !== undefined && attempts > 1 ? ` (${attempts} attempts)` : '';
}

export function timeoutError(init: ThrukErrorInit, timeoutMs: number): ThrukTimeoutError {
  return new ThrukTimeoutError(
    `Thruk ${init.method} ${init.path} timed out after ${formatSeconds(timeoutMs)}${attemptsSuffix(init.attempts)}`,
    { ...init, timeoutMs },
  );
}

/** `reason` comes from describeNetworkCode (already redacted). */
export function networkError(init: ThrukErrorInit, code: string | undefined, reason: string): ThrukNetworkError {
  return new ThrukNetworkError(`Thruk ${init.method} ${init.path} failed: ${reason}${attemptsSuffix(init.attempts)}`, {
    ...init,
    code,
    reason,
  });
}

/** `summary` is the short status text (Thruk's message, or a status-based phrase for HTML/empty bodies). */
export function httpError(
  init: ThrukErrorInit,
  status: number,
  summary: string,
  thrukMessage?: string,
  thrukDescription?: string,
): ThrukHttpError {
  const desc = thrukDescription === undefined ? '' : shortDescription(thrukDescription);
  const detail = desc === '' || desc === summary ? '' : `: ${desc}`;
  return new ThrukHttpError(`Thruk ${init.method} ${init.path} failed: ${status} ${summary}${detail}${attemptsSuffix(init.attempts)}`, {
    ...init,
    status,
    thrukMessage,
    thrukDescription,
  });
}

export function responseError(init: ThrukErrorInit, body: string): ThrukResponseError {
  const head = body.trimStart();
  const why = head === '' ? 'an empty response' : head.startsWith('<') ? 'HTML instead of JSON' : 'malformed JSON';
  const hint = head.startsWith('<') ? 'wrong base URL or a login page?' : 'truncated response?';
  return new ThrukResponseError(`Thruk returned ${why} for ${init.method} ${init.path} (${hint})`, init);
}

const PERL_LOCATION = /\s+at \S+\.p[lm] line \d+\.?\s*$/;
const MAX_DESCRIPTION = 300;

/** Drops Perl's "at …/Status.pm line 123." trailer and caps the length for the message. */
export function shortDescription(desc: string): string {
  const one = desc.replace(PERL_LOCATION, '').replace(/\s+/g, ' ').trim();
  return one.length > MAX_DESCRIPTION ? `${one.slice(0, MAX_DESCRIPTION - 1)}…` : one;
}

export interface CoreFailure {
  /** The core (Thruk site name) whose Livestatus answered the error. */
  readonly core: string;
  /** Livestatus' own status code (400-452). */
  readonly code: number;
  readonly text: string;
}

/**
 * Thruk's description when one core's Livestatus answered an error, e.g. "icinga: 452: internal
 * livestatus error - Error: Function call 'glob' for file '…/compat/archives/*.log' failed…" (real
 * Thruk 3.20.2 with Icinga 2 whose compat archives were missing). Livestatus 4xx codes are about
 * that query on that core: the same query fails again, so it is not load and not worth a retry.
 * A connection failure reads "(0) failed to connect…" and is not matched.
 */
export function coreFailure(description: string | undefined): CoreFailure | undefined {
  const m = /^\s*([^\s:]+): (4\d\d): (.+)$/s.exec(description ?? '');
  if (m === null) return undefined;
  return { core: m[1] ?? '', code: Number(m[2]), text: shortDescription(m[3] ?? '') };
}

const MAX_THRUK_TEXT = 2_000;
const MAX_SUMMARY = 200;

/** Replaces every occurrence of `secret` (raw and percent-encoded) so server echoes cannot leak it. */
export function redact(text: string, secret: string): string {
  if (secret === '') return text;
  let out = text.split(secret).join('[redacted]');
  const enc = encodeURIComponent(secret);
  if (enc !== secret) out = out.split(enc).join('[redacted]');
  return out;
}

/** Thruk's `{code, message, description}` error body, when the body is one. */
export function parseThrukErrorBody(body: string): { message?: string; description?: string } | undefined {
  const head = body.trimStart();
  if (!head.startsWith('{')) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(head);
  } catch {
    return undefined;
  }
  if (parsed === null || typeof parsed !== 'object') return undefined;
  const rec = parsed as { message?: unknown; description?: unknown };
  const out: { message?: string; description?: string } = {};
  if (typeof rec.message === 'string' && rec.message.trim() !== '') out.message = clip(rec.message.trim(), MAX_THRUK_TEXT);
  if (typeof rec.description === 'string' && rec.description.trim() !== '') {
    out.description = clip(rec.description.trim(), MAX_THRUK_TEXT);
  }
  return out.message === undefined && out.description === undefined ? undefined : out;
}

function clip(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

const STATUS_TEXT: Readonly<Record<number, string>> = {
  400: 'bad request',
  401: 'unauthorized (login required)',
  403: 'forbidden',
  404: 'not found',
  405: 'method not allowed',
  408: 'request timeout',
  413: 'request too large',
  414: 'URI too long',
  429: 'too many requests',
  500: 'internal server error',
  502: 'bad gateway',
  503: 'service unavailable',
  504: 'gateway timeout',
};

/** Short status phrase for bodies that carry no Thruk error (HTML pages from proxies, empty bodies). */
export function statusSummary(status: number, location?: string): string {
  if (status >= 300 && status < 400) {
    let where = '';
    if (location !== undefined) {
      try {
        where = ` to ${new URL(location, 'http://x').pathname}`;
      } catch {
        where = '';
      }
    }
    return `unexpected redirect${where} (login page? check the base URL and the API key)`;
  }
  return STATUS_TEXT[status] ?? 'HTTP error';
}

/** Message text for a status answer: Thruk's message when present, else the status phrase. */
export function summaryOf(status: number, thrukMessage: string | undefined, location?: string): string {
  return thrukMessage !== undefined ? clip(thrukMessage.replace(/\s+/g, ' '), MAX_SUMMARY) : statusSummary(status, location);
}

const MAX_DETAIL = 200;

/** First string `code` on the error, its cause, or an AggregateError member (happy-eyeballs connects). */
export function errorCode(e: unknown, depth = 0): string | undefined {
  if (e === null || typeof e !== 'object' || depth > 3) return undefined;
  const rec = e as { code?: unknown; cause?: unknown; errors?: unknown };
  const own = typeof rec.code === 'string' ? rec.code : undefined;
  // undici wraps the OS error: prefer the more specific inner code (ECONNRESET over UND_ERR_SOCKET).
  const inner =
    errorCode(rec.cause, depth + 1) ?? (Array.isArray(rec.errors) ? errorCode((rec.errors as unknown[])[0], depth + 1) : undefined);
  if (own === undefined) return inner;
  return own.startsWith('UND_ERR_') && inner !== undefined ? inner : own;
}

/** One-line error message, unclipped: redact first, then clip, or a clipped key could survive. */
export function errorDetail(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return msg.replace(/\s+/g, ' ').trim();
}

export type Failure =
  | { kind: 'status'; res: { status: number; headers: Record<string, string>; body: string } }
  | { kind: 'timeout'; timeoutMs: number }
  | { kind: 'network'; code: string | undefined; reason: string };

/** A failed send (not an HTTP answer) as a Failure; transport-made Thruk errors keep their code. */
export function failureOfException(
  r: { kind: 'timeout'; timeoutMs: number } | { kind: 'error'; error: unknown },
  secret: string,
): Exclude<Failure, { kind: 'status' }> {
  if (r.kind === 'timeout') return r;
  const e = r.error;
  if (e instanceof ThrukTimeoutError) return { kind: 'timeout', timeoutMs: e.timeoutMs };
  if (e instanceof ThrukNetworkError) return { kind: 'network', code: e.code, reason: clip(redact(e.reason, secret), MAX_DETAIL) };
  const code = errorCode(e);
  return { kind: 'network', code, reason: describeNetworkCode(code, clip(redact(errorDetail(e), secret), MAX_DETAIL)) };
}

export function failureToError(f: Failure, init: ThrukErrorInit, secret: string): ThrukError {
  switch (f.kind) {
    case 'status': {
      // Redact before parsing: the parser clips long texts, which could cut a key in half.
      const parsed = parseThrukErrorBody(redact(f.res.body, secret));
      const msg = parsed?.message;
      const desc = parsed?.description;
      const location = f.res.headers['location'];
      return httpError(init, f.res.status, summaryOf(f.res.status, msg, location), msg, desc);
    }
    case 'timeout':
      return timeoutError(init, f.timeoutMs);
    case 'network':
      return networkError(init, f.code, f.reason);
  }
}
