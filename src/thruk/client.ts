/**
 * Thruk REST client: URL building, auth headers, per-attempt timeouts, retries for reads,
 * concurrency cap, coalescing of identical in-flight GETs and a short TTL cache for slow-moving
 * endpoints. I/O goes through the `HttpSend` seam (undici in production, a fetch handler in tests).
 */

import { createHash } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { LRUCache } from 'lru-cache';
import { thrukUserProblem, ThrukIdentityError } from './auth-user.js';
import { ResponseCache, deepFreeze, isCacheablePath } from './cache.js';
import { Coalescer } from './coalesce.js';
import { failureOfException, failureToError, redact, responseError } from './errors.js';
import type { Failure, ThrukError, ThrukErrorInit } from './errors.js';
import { headerValue, isRetryableFailure, parseRetryAfter, retryDelay } from './retry.js';
import { Semaphore, abortReason } from './semaphore.js';
import { timedSend } from './transport.js';
import type { HttpRequest, HttpResponse, HttpSend, TimedResult } from './transport.js';

export { fetchHandlerSend, undiciSend } from './transport.js';
export type { HttpRequest, HttpResponse, HttpSend, ProxySettings, UndiciSendOptions } from './transport.js';

export type QueryParams = ReadonlyArray<readonly [string, string]>;

export interface ThrukRequestInfo {
  method: string;
  path: string;
  status?: number;
  ms: number;
  attempt: number;
  cached?: boolean;
  error?: string;
}

export interface ThrukClientOptions {
  baseUrl: string;
  apiKey: string;
  authUser?: string | undefined;
  send: HttpSend;
  timeoutMs?: number | undefined;
  maxConcurrent?: number | undefined;
  retries?: number | undefined;
  cacheTtlMs?: number | undefined;
  cacheMax?: number | undefined;
  defaultBackends?: string[] | undefined;
  postThreshold?: number | undefined;
  sleep?: ((ms: number, signal?: AbortSignal) => Promise<void>) | undefined;
  random?: (() => number) | undefined;
  now?: (() => number) | undefined;
  onRequest?: ((info: ThrukRequestInfo) => void) | undefined;
}

export interface CallOptions {
  query?: QueryParams | undefined;
  /** Overrides defaultBackends; `[]` means "no /sites prefix" (Thruk's default backends). */
  backends?: string[] | undefined;
  signal?: AbortSignal | undefined;
  /** Force caching on/off; default by path (see isCacheablePath). */
  cache?: boolean | undefined;
}

export type FormValue = string | number | boolean;

/**
 * Who a Thruk request runs as. A key is sent as X-Thruk-Auth-Key (with X-Thruk-Auth-User when
 * impersonating: Thruk honours that header only for a superuser or secret key); Basic credentials
 * go out as `Authorization: Basic`, which Thruk accepts through its web server (REMOTE_USER).
 */
export type ThrukCredential =
  | { readonly kind: 'key'; readonly key: string; readonly authUser?: string | undefined }
  | { readonly kind: 'basic'; readonly user: string; readonly password: string };

interface Identity {
  readonly cred: ThrukCredential;
  /**
   * The Thruk user this identity must act as (an X-Thruk-Auth-User, or the user a caller's key
   * was accepted as): every request first checks /thruk/whoami against it.
   */
  readonly expectUser: string | undefined;
  readonly headers: Readonly<Record<string, string>>;
  /** Digest of the credential: the cache and coalescing namespace, never the secret itself. */
  readonly namespace: string;
  /** What error messages and logs must never show. */
  readonly secret: string;
}

function identityOf(cred: ThrukCredential, expectUser?: string): Identity {
  if (cred.kind === 'basic') {
    const token = Buffer.from(`${cred.user}:${cred.password}`, 'utf8').toString('base64');
    return {
      cred,
      expectUser,
      headers: { Authorization: `Basic ${token}` },
      namespace: createHash('sha256').update(`basic\0${cred.user}\0${cred.password}`).digest('base64url'),
      secret: cred.password,
    };
  }
  const authUser = cred.authUser === '' ? undefined : cred.authUser;
  // Last line of defence behind the configuration and the HTTP gate: never send a name Thruk
  // would read as "no user" (and so as its superuser).
  const problem = authUser !== undefined ? thrukUserProblem(authUser) : undefined;
  if (problem !== undefined) throw new TypeError(`Refusing to send X-Thruk-Auth-User: the user name ${problem}`);
  return {
    cred,
    expectUser: authUser ?? expectUser,
    headers: { 'X-Thruk-Auth-Key': cred.key, ...(authUser !== undefined ? { 'X-Thruk-Auth-User': authUser } : {}) },
    namespace: createHash('sha256')
      .update(`key\0${cred.key}\0${authUser ?? ''}`)
      .digest('base64url'),
    secret: cred.key,
  };
}

// ---------------------------------------------------------------- pure URL helpers

/** One fully percent-encoded path segment (also `!'()*`). Refuses '', '.', '..' (dot-segments). */
export function encodeSegment(name: string): string {
  if (name === '' || name === '.' || name === '..') {
    throw new TypeError(`Cannot use ${JSON.stringify(name)} as a Thruk path segment: empty and dot-segments are not addressable`);
  }
  let enc: string;
  try {
    enc = encodeURIComponent(name);
  } catch {
    throw new TypeError('Cannot use a name with an unpaired UTF-16 surrogate as a Thruk path segment');
  }
  return enc.replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** pathOf('services', 'db-03', 'disk /') === '/services/db-03/disk%20%2F' */
export function pathOf(...segments: string[]): string {
  return segments.map((s) => `/${encodeSegment(s)}`).join('');
}

export function backendsPrefix(backends: readonly string[] | undefined): string {
  return backends === undefined || backends.length === 0 ? '' : `/sites/${backends.map(encodeSegment).join(',')}`;
}

export function buildQuery(query: QueryParams | undefined): string {
  if (query === undefined || query.length === 0) return '';
  const sp = new URLSearchParams();
  const qs = query.filter(([k]) => k === 'q').map(([, v]) => v);
  let qSent = false;
  for (const [k, v] of query) {
    if (k !== 'q') sp.append(k, v);
    else if (!qSent) {
      // Thruk reads only one q: a repeated q reaches its parser as an array reference (the text
      // "ARRAY(0x…)"), so several q's (say a tool's own and an `in` filter's) are AND-ed into one.
      // A `***…***` wrapper (Thruk strips it) only works around the whole text, so it is unwrapped.
      sp.append('q', qs.length === 1 ? v : qs.map((x) => `(${x.trim().replace(/^([^\w\s("'])\1\1([\s\S]*)\1\1\1$/, '$2')})`).join(' and '));
      qSent = true;
    }
  }
  return sp.toString();
}

/** Trailing slashes dropped; a pasted REST root (`…/thruk/r` or `…/thruk/r/v1`) is accepted too. */
export function normaliseBaseUrl(baseUrl: string): string {
  let u: URL;
  try {
    u = new URL(baseUrl);
  } catch {
    throw new TypeError('Thruk base URL is not a valid URL');
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw new TypeError(`Thruk base URL must be http(s), got ${u.protocol}`);
  }
  return baseUrl.replace(/\/+$/, '').replace(/(\/thruk)\/r(\/v1)?$/, '$1');
}

const MAX_DISPLAY = 200;

/** Path for messages and logs: never the host; the query only as far as it fits in ~200 chars. */
// "auth" but not "author": a comment author is no secret and must show in previews.
const SECRET_PARAM = /key|token|passw|secret|auth(?!or)/i;

/** A query or form string with the values of secret-looking keys replaced, for messages and logs. */
export function redactParams(qs: string): string {
  if (qs === '' || !SECRET_PARAM.test(qs)) return qs;
  const p = new URLSearchParams(qs);
  const out = new URLSearchParams();
  for (const [k, v] of p) out.append(k, SECRET_PARAM.test(k) ? '***' : v);
  return out.toString();
}

export function displayPath(path: string, qs: string): string {
  const safe = redactParams(qs);
  const full = safe === '' ? path : `${path}?${safe}`;
  return full.length <= MAX_DISPLAY ? full : `${full.slice(0, MAX_DISPLAY - 1)}…`;
}

const READ_TABLES: ReadonlySet<string> = new Set([
  'hosts',
  'host',
  'services',
  'service',
  'hostgroups',
  'hostgroup',
  'servicegroups',
  'servicegroup',
  'contacts',
  'contact',
  'contactgroups',
  'contactgroup',
  'timeperiods',
  'timeperiod',
  'commands',
  'command',
  'comments',
  'comment',
  'downtimes',
  'downtime',
  'logs',
  'log',
  'alerts',
  'alert',
  'notifications',
  'notification',
  'checks',
  'check',
  'processinfo',
  'processinfos',
  'sites',
  'site',
]);

/**
 * Thruk runs a POST on a GET-only path as a GET, which lets long filters travel in a form body.
 * Only livestatus read tables qualify: `/cmd/…`, `…/config`, `/thruk/…`, `/system/…` have real
 * POST routes where the same request would create or change something.
 */
export function canSendReadAsPost(path: string): boolean {
  const segs = path.split('/').filter((s) => s !== '');
  const first = segs[0];
  return first !== undefined && READ_TABLES.has(first) && !segs.includes('cmd') && !segs.includes('config');
}

export function encodeForm(form: Readonly<Record<string, FormValue>>): string {
  const sp = new URLSearchParams();
  for (const [k, v] of Object.entries(form)) sp.append(k, typeof v === 'boolean' ? (v ? '1' : '0') : String(v));
  return sp.toString();
}

// ---------------------------------------------------------------- client

interface Prepared {
  /** Method on the wire (a long read may go out as POST). */
  method: 'GET' | 'POST';
  /** What the caller asked for; used in messages. */
  logical: 'GET' | 'POST';
  read: boolean;
  url: string;
  body?: string;
  headers: Record<string, string>;
  /** Credential digest and logical URL incl. query: the coalescing/cache identity. */
  key: string;
  display: string;
}

type Outcome = { ok: true; res: HttpResponse } | { ok: false; failure: Failure };

type Loaded = { kind: 'value'; value: unknown } | { kind: 'body'; res: HttpResponse };

const defaultSleep = async (ms: number, signal?: AbortSignal): Promise<void> => {
  await delay(ms, undefined, signal !== undefined ? { signal } : {});
};

/** What every identity of one Thruk instance shares: connection pool, cap, cache, coalescing. */
interface Core {
  readonly base: string;
  readonly send: HttpSend;
  readonly timeoutMs: number;
  readonly retries: number;
  readonly defaultBackends: string[] | undefined;
  readonly postThreshold: number;
  readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly random: () => number;
  readonly now: () => number;
  readonly onRequest: ((info: ThrukRequestInfo) => void) | undefined;
  readonly sem: Semaphore;
  readonly cache: ResponseCache;
  readonly inflight: Coalescer<Loaded>;
  /** Who Thruk says each identity is (/thruk/whoami), by identity digest, for a short while. */
  readonly identities: LRUCache<string, { readonly at: number; readonly value: Promise<ThrukWhoami> }>;
  /** Facts that only choose how to read, never an answer (see remember()), per identity. */
  readonly hints: LRUCache<string, { readonly until: number; readonly value: unknown }>;
}

/** The part of /thruk/whoami the server relies on. */
export interface ThrukWhoami {
  /** The user Thruk applies to requests of this identity. */
  readonly id: string;
  readonly canSubmitCommands: boolean;
}

/** How long Thruk's answer to "who am I" is trusted before it is asked again. */
export const IDENTITY_TTL_MS = 30_000;

function whoamiOf(raw: unknown): ThrukWhoami {
  const me = (raw !== null && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  return { id: typeof me.id === 'string' ? me.id : '', canSubmitCommands: me.can_submit_commands === true || me.can_submit_commands === 1 };
}

async function raceAbort<T>(p: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return p;
  if (signal.aborted) throw abortReason(signal);
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(abortReason(signal));
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([p, aborted]);
  } finally {
    if (onAbort !== undefined) signal.removeEventListener('abort', onAbort);
  }
}

/** Only this module can build a view that shares another client's core. */
const SHARE = Symbol('share');
interface ShareInit {
  readonly [SHARE]: true;
  readonly core: Core;
  readonly identity: Identity;
}

export class ThrukClient {
  readonly #core: Core;
  readonly #id: Identity;

  constructor(opts: ThrukClientOptions | ShareInit) {
    if (SHARE in opts) {
      this.#core = opts.core;
      this.#id = opts.identity;
      return;
    }
    const now = opts.now ?? Date.now;
    this.#core = {
      base: normaliseBaseUrl(opts.baseUrl),
      send: opts.send,
      timeoutMs: opts.timeoutMs ?? 30_000,
      retries: Math.max(0, opts.retries ?? 3),
      defaultBackends: opts.defaultBackends,
      postThreshold: opts.postThreshold ?? 4000,
      sleep: opts.sleep ?? defaultSleep,
      random: opts.random ?? Math.random,
      now,
      onRequest: opts.onRequest,
      sem: new Semaphore(opts.maxConcurrent ?? 0),
      cache: new ResponseCache({ ttlMs: opts.cacheTtlMs ?? 15_000, max: opts.cacheMax ?? 500, now }),
      inflight: new Coalescer<Loaded>(),
      identities: new LRUCache({ max: 1000 }),
      hints: new LRUCache({ max: 500 }),
    };
    this.#id = identityOf({ kind: 'key', key: opts.apiKey, authUser: opts.authUser });
  }

  /**
   * The same Thruk instance, acting as someone else: requests carry `cred` instead of the
   * configured key, and cached or in-flight answers are only ever shared between callers
   * presenting the very same credential (Thruk filters what each user may see).
   */
  withCredential(cred: ThrukCredential, opts: { readonly expectUser?: string } = {}): ThrukClient {
    return new ThrukClient({ [SHARE]: true, core: this.#core, identity: identityOf(cred, opts.expectUser) });
  }

  /** This client's key, acting as `user` through X-Thruk-Auth-User (verified before every request). */
  actingAs(user: string): ThrukClient {
    const { cred } = this.#id;
    if (cred.kind !== 'key') throw new TypeError('Only a Thruk API key can act as another user');
    return this.withCredential({ kind: 'key', key: cred.key, authUser: user });
  }

  /** The Thruk user this client must act as, when it is pinned to one. */
  get expectedUser(): string | undefined {
    return this.#id.expectUser;
  }

  /**
   * Who Thruk says this identity is, asked once per IDENTITY_TTL_MS (concurrent askers share one
   * request); a failed answer is not remembered.
   */
  async whoami(signal?: AbortSignal): Promise<ThrukWhoami> {
    const key = this.#id.namespace;
    const now = this.#core.now();
    const hit = this.#core.identities.get(key);
    if (hit !== undefined && now - hit.at < IDENTITY_TTL_MS) return raceAbort(hit.value, signal);
    const p = this.#prepare('GET', '/thruk/whoami', { backends: [] });
    // Not tied to the first asker's signal: others may be waiting on the same answer.
    const value = this.#execute(p, undefined).then((res) => whoamiOf(this.#parse(res, p)));
    const entry = { at: now, value };
    this.#core.identities.set(key, entry);
    value.catch(() => {
      if (this.#core.identities.get(key) === entry) this.#core.identities.delete(key);
    });
    return raceAbort(value, signal);
  }

  /** Refuses (nothing sent) when Thruk would apply another user than the one this client is pinned to. */
  async #guard(signal: AbortSignal | undefined): Promise<void> {
    const want = this.#id.expectUser;
    if (want === undefined) return;
    const me = await this.whoami(signal);
    if (me.id !== want) throw new ThrukIdentityError(want, me.id === '' ? '(unknown)' : me.id);
  }

  /** A digest naming this client's credential (equal digests, same Thruk identity); not a secret. */
  get identityKey(): string {
    return this.#id.namespace;
  }

  async get<T = unknown>(path: string, opts: CallOptions = {}): Promise<T> {
    const p = this.#prepare('GET', path, opts);
    if (opts.signal?.aborted === true) throw abortReason(opts.signal);
    await this.#guard(opts.signal);
    const useCache = this.#core.cache.enabled && (opts.cache ?? isCacheablePath(path));
    if (useCache) {
      const hit = this.#core.cache.get(p.key);
      if (hit !== undefined) {
        this.#report({ method: 'GET', path: p.display, ms: 0, attempt: 0, cached: true });
        return hit.value as T;
      }
    }
    const mode = useCache ? 'cache' : 'plain';
    const loaded = await this.#core.inflight.run(`${mode}\n${p.key}`, (s) => this.#load(p, useCache, s), opts.signal);
    // Coalesced callers parse their own copy, so one caller's mutation never shows up in another's.
    return (loaded.kind === 'value' ? loaded.value : this.#parse(loaded.res, p)) as T;
  }

  /**
   * The cached answer of a cacheable GET, or undefined; never sends a request. Lets a tool choose
   * how to read by what is already known (issue 18: one round when supporting data is warm).
   */
  peek<T = unknown>(path: string, opts: Pick<CallOptions, 'query' | 'backends'> = {}): T | undefined {
    if (!this.#core.cache.enabled || !isCacheablePath(path)) return undefined;
    return this.#core.cache.get(this.#prepare('GET', path, opts).key)?.value as T | undefined;
  }

  /**
   * Keeps a fact about this Thruk that only chooses how a tool reads (say a table's size class:
   * all rows at once or keys first), never what it answers, for `ttlMs` (issue 18: one round when
   * such supporting data is known). Per identity, since each may see another part of the estate.
   */
  remember(key: string, value: unknown, ttlMs: number): void {
    this.#core.hints.set(`${this.#id.namespace}\n${key}`, { until: this.#core.now() + ttlMs, value });
  }

  recall<T = unknown>(key: string): T | undefined {
    const k = `${this.#id.namespace}\n${key}`;
    const e = this.#core.hints.get(k);
    if (e === undefined) return undefined;
    if (e.until <= this.#core.now()) {
      this.#core.hints.delete(k);
      return undefined;
    }
    return e.value as T;
  }

  async post<T = unknown>(path: string, form: Readonly<Record<string, FormValue>>, opts: Omit<CallOptions, 'cache'> = {}): Promise<T> {
    const p = this.#prepare('POST', path, opts, encodeForm(form));
    await this.#guard(opts.signal);
    try {
      return this.#parse(await this.#execute(p, opts.signal), p) as T;
    } finally {
      // Successful or not, a command may have changed state somewhere.
      this.invalidate();
    }
  }

  invalidate(): void {
    this.#core.cache.clear();
    this.#core.inflight.clear();
  }

  #prepare(logical: 'GET' | 'POST', path: string, opts: CallOptions, form?: string): Prepared {
    if (!path.startsWith('/') || path.includes('?') || path.includes('#')) {
      throw new TypeError(`Thruk path must start with "/" and carry no query (use opts.query): ${JSON.stringify(path.slice(0, 80))}`);
    }
    const prefixed = `${backendsPrefix(opts.backends ?? this.#core.defaultBackends)}${path}`;
    const qs = buildQuery(opts.query);
    const root = `${this.#core.base}/r${prefixed}`;
    const logicalUrl = qs === '' ? root : `${root}?${qs}`;
    const headers: Record<string, string> = { ...this.#id.headers, Accept: 'application/json' };
    const base = {
      logical,
      read: logical === 'GET',
      headers,
      key: `${this.#id.namespace}\n${logicalUrl}`,
      display: displayPath(redact(prefixed, this.#id.secret), redact(qs, this.#id.secret)),
    };
    if (logical === 'POST') {
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
      return { ...base, method: 'POST', url: logicalUrl, body: form ?? '' };
    }
    if (qs.length > this.#core.postThreshold && canSendReadAsPost(path)) {
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
      return { ...base, method: 'POST', url: root, body: qs };
    }
    return { ...base, method: 'GET', url: logicalUrl };
  }

  async #load(p: Prepared, useCache: boolean, signal: AbortSignal): Promise<Loaded> {
    const generation = this.#core.cache.generation;
    const res = await this.#execute(p, signal);
    if (!useCache) return { kind: 'body', res };
    const value = deepFreeze(this.#parse(res, p));
    this.#core.cache.set(p.key, value, generation);
    return { kind: 'value', value };
  }

  #parse(res: HttpResponse, p: Prepared): unknown {
    if (res.status === 204) return null;
    try {
      return JSON.parse(res.body) as unknown;
    } catch {
      throw responseError(this.#init(p), res.body);
    }
  }

  #init(p: Prepared, attempts?: number): ThrukErrorInit {
    return attempts === undefined ? { method: p.logical, path: p.display } : { method: p.logical, path: p.display, attempts };
  }

  /** Attempts with retries; resolves with a 2xx response, rejects with a ThrukError or the caller's abort. */
  async #execute(p: Prepared, signal: AbortSignal | undefined): Promise<HttpResponse> {
    // Retries must not stretch a call far beyond what a single slow attempt would take.
    const deadline = this.#core.now() + 2 * this.#core.timeoutMs;
    const minAttemptMs = Math.min(1000, this.#core.timeoutMs);
    const maxAttempts = p.read ? this.#core.retries + 1 : Math.min(2, this.#core.retries + 1);
    for (let attempt = 1; ; attempt++) {
      const budget = Math.max(1, Math.min(this.#core.timeoutMs, deadline - this.#core.now()));
      const outcome = await this.#attempt(p, attempt, budget, signal);
      if (outcome.ok) return outcome.res;
      const { failure } = outcome;
      if (attempt >= maxAttempts || !isRetryableFailure(failure, p.read, attempt)) throw this.#toError(failure, p, attempt);
      const retryAfter =
        failure.kind === 'status' ? parseRetryAfter(headerValue(failure.res.headers, 'retry-after'), this.#core.now()) : undefined;
      const wait = retryDelay({
        retryIndex: attempt - 1,
        retryAfterMs: retryAfter,
        random: this.#core.random,
        remainingMs: deadline - this.#core.now(),
        minAttemptMs,
      });
      if (wait === undefined) throw this.#toError(failure, p, attempt);
      try {
        await this.#core.sleep(wait, signal);
      } catch (e) {
        if (signal?.aborted === true) throw abortReason(signal);
        throw e;
      }
      if (signal?.aborted === true) throw abortReason(signal);
    }
  }

  #toError(f: Failure, p: Prepared, attempts: number): ThrukError {
    return failureToError(f, this.#init(p, attempts), this.#id.secret);
  }

  /** One attempt under the concurrency cap (held only while sending, never during backoff). */
  async #attempt(p: Prepared, attempt: number, budgetMs: number, signal: AbortSignal | undefined): Promise<Outcome> {
    const release = await this.#core.sem.acquire(signal);
    const started = performance.now();
    const req: Omit<HttpRequest, 'signal'> = { method: p.method, url: p.url, headers: { ...p.headers } };
    if (p.body !== undefined) req.body = p.body;
    let result: TimedResult;
    try {
      result = await timedSend(this.#core.send, req, budgetMs, signal);
    } finally {
      release();
    }
    const ms = Math.round(performance.now() - started);
    if (result.kind === 'response') {
      const { res } = result;
      this.#report({ method: p.method, path: p.display, status: res.status, ms, attempt });
      return res.status >= 200 && res.status < 300 ? { ok: true, res } : { ok: false, failure: { kind: 'status', res } };
    }
    if (result.kind === 'aborted') throw result.reason;
    const failure = failureOfException(result, this.#id.secret);
    const error = failure.kind === 'timeout' ? `timeout after ${failure.timeoutMs} ms` : failure.reason;
    this.#report({ method: p.method, path: p.display, ms, attempt, error });
    return { ok: false, failure };
  }

  #report(info: ThrukRequestInfo): void {
    if (this.#core.onRequest === undefined) return;
    try {
      this.#core.onRequest(info);
    } catch {
      // A faulty log/metrics hook must never fail a request.
    }
  }
}
