import { ThrukError } from './errors.js';
import { perlJson } from './json.js';
import { tick } from './mutate.js';
import { Params, parseBody, thrukKeepsParam } from './params.js';
import { metaColumns } from './query.js';
import { dispatch } from './routes.js';
import type { Result } from './handlers.js';
import { sha256 } from './thruk.js';
import type { SimState, SimUser } from './state.js';
import type { HostRecord, JsonValue, SiteState } from './types.js';

export interface HandleInput {
  method: string;
  pathname: string;
  search: string;
  headers: Headers;
  body: string;
  state: SimState;
  apiKey: string;
  nowMs: number;
  seed: number;
}

function json(status: number, body: JsonValue, extra: Record<string, string> = {}): Response {
  return new Response(perlJson(body), {
    status,
    headers: { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', Expires: '0', ...extra },
  });
}

/** Thruk's error controller sends duplicate Cache-Control/Expires headers (seen in the recordings). */
function errorControllerResponse(err: ThrukError, nowMs: number): Response {
  const headers = new Headers({ 'Content-Type': 'application/json; charset=utf-8' });
  headers.append('Cache-Control', 'public, max-age=0');
  headers.append('Cache-Control', 'no-store');
  headers.append('Expires', new Date(nowMs - 3600_000).toUTCString());
  headers.append('Expires', '0');
  headers.set('Last-Modified', new Date(nowMs).toUTCString());
  return new Response(perlJson(err.body()), { status: err.code, headers });
}

interface Auth {
  user: string;
  superuser: boolean;
  restricted?: SimUser;
}

/** Basic auth as the web server in front of Thruk does it: a wrong password never reaches Thruk. */
function basicAuth(state: SimState, header: string): Auth | ThrukError {
  let decoded = '';
  try {
    decoded = Buffer.from(header.replace(/^Basic\s+/i, ''), 'base64').toString('utf8');
  } catch {
    decoded = '';
  }
  const cut = decoded.indexOf(':');
  const u =
    cut > 0
      ? state.users.find((x) => x.password !== undefined && x.name === decoded.slice(0, cut) && x.password === decoded.slice(cut + 1))
      : undefined;
  if (u === undefined) return new ThrukError(401, 'login required', { description: 'no or invalid credentials used.' });
  return { user: u.name, superuser: false, restricted: u };
}

function authenticate(state: SimState, headers: Headers, apiKey: string, now: number): Auth | ThrukError {
  const raw = headers.get('x-thruk-auth-key');
  const authz = headers.get('authorization');
  if (raw === null && authz !== null && /^Basic\s/i.test(authz)) return basicAuth(state, authz);
  if (raw === null) return new ThrukError(403, 'You are not authorized.', { description: 'It seems like you are not authorized.' });
  const key = raw.trim();
  if (!/^[a-zA-Z0-9_]+$/.test(key)) return new ThrukError(403, 'wrong authentication key');
  const record =
    key === apiKey
      ? state.apiKeys.find((k) => k.superuser && k.hashedKey === sha256(apiKey))
      : state.apiKeys.find((k) => k.privateKey === key);
  if (!record && key !== apiKey) return new ThrukError(403, 'wrong authentication key');
  if (record) {
    record.lastUsed = now;
    record.lastFrom = '127.0.0.1';
  }
  if (key === apiKey || record?.superuser) {
    // Only the secret/superuser key may impersonate via X-Thruk-Auth-User, and Thruk reads it with
    // Perl truthiness: "0" and "" fall back to default_user_name, else to the internal (api).
    const asked = headers.get('x-thruk-auth-user') ?? '';
    const named = asked !== '' && asked !== '0' ? asked : state.defaultUserName;
    if (named === undefined || named === '') return { user: '(api)', superuser: true };
    const user = state.lowercaseUsers ? named.toLowerCase() : named;
    // An impersonated user with a profile gets that user's permissions, as in Thruk.
    const restricted = state.users.find((u) => u.name === user);
    return restricted !== undefined ? { user, superuser: false, restricted } : { user, superuser: true };
  }
  const user = record?.user ?? '(api)';
  const restricted = state.users.find((u) => u.name === user);
  return restricted !== undefined ? { user, superuser: false, restricted } : { user, superuser: false };
}

/** Contact authorization of a restricted user: unauthorized objects are simply absent. */
function visibility(auth: Auth): ((h: HostRecord) => boolean) | undefined {
  const groups = auth.restricted?.hostgroups;
  if (groups === undefined) return undefined;
  const allowed = new Set(groups);
  return (h) => h.groups.some((g) => allowed.has(g));
}

function selectSites(all: readonly SiteState[], requested: string | undefined): SiteState[] {
  if (requested === undefined || requested === '') return [...all];
  const names = requested
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (names.some((n) => n === 'ALL' || n === 'LOCAL')) return [...all];
  const missing = names.filter((n) => !all.some((s) => s.key === n || s.name === n));
  if (missing.length > 0) throw new ThrukError(400, `failed to find backend(s): ${missing.join(', ')}`, { failed: true });
  return all.filter((s) => names.includes(s.key) || names.includes(s.name));
}

function splitPath(rest: string): { segs: string[]; sitePrefix: string | undefined; path: string } {
  let raw = rest
    .replace(/\/+$/, '')
    .split('/')
    .filter((s, i) => i > 0 || s !== '');
  if (raw[0] === 'v1') raw = raw.slice(1);
  let sitePrefix: string | undefined;
  if ((raw[0] === 'sites' || raw[0] === 'backend') && raw.length > 2) {
    try {
      sitePrefix = decodeURIComponent(raw[1] ?? '');
    } catch {
      sitePrefix = raw[1] ?? '';
    }
    raw = raw.slice(2);
  }
  const segs = raw.map((s) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  });
  return { segs, sitePrefix, path: `/${raw.join('/')}` };
}

export function restPathOf(pathname: string): string | undefined {
  const i = pathname.indexOf('/thruk/r/');
  if (i >= 0) return pathname.slice(i + '/thruk/r'.length);
  if (pathname.endsWith('/thruk/r')) return '/';
  return undefined;
}

export function handle(input: HandleInput): Response {
  const now = Math.floor(input.nowMs / 1000);
  const rest = restPathOf(input.pathname);
  if (rest === undefined) return json(404, { code: 404, failed: true, message: `no such path: ${input.pathname}` });
  const auth = authenticate(input.state, input.headers, input.apiKey, now);
  if (auth instanceof ThrukError) return errorControllerResponse(auth, input.nowMs);

  const method = input.method.toUpperCase() === 'PUT' ? 'POST' : input.method.toUpperCase();
  const { segs, sitePrefix, path } = splitPath(rest);
  let wrapped = input.headers.get('x-thruk-outputformat') === 'wrapped_json';
  try {
    const query: Array<[string, string]> = [...new URLSearchParams(input.search)].filter(thrukKeepsParam);
    const body =
      method === 'GET' ? { params: [], jsonWithWrongType: false } : parseBody(input.body, input.headers.get('content-type') ?? '');
    const params = new Params([...query, ...body.params]);
    wrapped ||= params.get('headers') === 'wrapped_json';
    const sites = selectSites(input.state.sites, sitePrefix ?? params.get('backends') ?? params.get('backend'));
    for (const s of sites) tick(s, now);
    const result: Result = dispatch({
      method,
      path,
      segs,
      params,
      sites,
      allSites: input.state.sites,
      state: input.state,
      now,
      nowMs: input.nowMs,
      user: auth.user,
      superuser: auth.superuser,
      jsonWithWrongType: body.jsonWithWrongType,
      seed: input.seed,
      canSee: visibility(auth),
      canSubmitCommands: auth.restricted?.canSubmitCommands ?? true,
    });
    if (!wrapped) return json(200, result.data);
    const columns =
      result.columns ??
      (result.data !== null && typeof result.data === 'object' && !Array.isArray(result.data) ? Object.keys(result.data) : []);
    return json(200, { data: result.data, meta: { columns: metaColumns(columns) } });
  } catch (err) {
    const e =
      err instanceof ThrukError
        ? err
        : new ThrukError(500, 'error during request', {
            description: `${err instanceof Error ? err.message : String(err)} at lib/Thruk/Controller/rest_v1.pm line 1.\n`,
          });
    // Thruk wraps handler errors into wrapped_json too, and then answers 200.
    if (wrapped && e.code !== 404) return json(200, { data: e.body(), meta: { columns: [] } });
    return json(e.code, e.body());
  }
}
