import { isIP } from 'node:net';
import { thrukUserProblem } from '../thruk/auth-user.js';
import { BOOL_EXPECTED, boolWord, envText, numberIn, secondsToMs, splitList, TRUE_WORDS, type Env } from './parse.js';

/**
 * HTTP auth and operations settings. Kept apart from ENV_SPEC because the README's env table is
 * generated from ENV_SPEC (docs:check); merge the two once the docs are regenerated.
 */

export const HTTP_ENV_SPEC = {
  MCP_HTTP_TOKENS: {
    doc: 'Several static bearer tokens for /mcp, each with a scope: TOKEN:read or TOKEN:write, comma-separated (e.g. alice-tok:read,ops-tok:write). Secret.',
    secret: true,
  },
  MCP_PUBLIC_URL: { doc: 'Public base URL of this server (e.g. https://mcp.example.com); the OAuth resource is this URL + /mcp.' },
  MCP_OAUTH_JWKS_URL: { doc: 'OAuth resource-server mode: JWKS URL of the authorization server (https).' },
  MCP_OAUTH_ISSUER: { doc: 'OAuth resource-server mode: the required JWT issuer (iss).' },
  MCP_OAUTH_AUDIENCE: { doc: 'The required JWT audience (aud); default MCP_PUBLIC_URL + /mcp (RFC 8707).' },
  MCP_OAUTH_REQUIRED_SCOPES: { doc: 'Comma-separated scopes every JWT must carry (403 insufficient_scope otherwise).' },
  MCP_OAUTH_WRITE_SCOPE: { doc: 'Scope that unlocks write tools (default thruk:write); callers without it see only read tools.' },
  MCP_OAUTH_ALLOWED_SUBJECTS: { doc: 'Optional comma-separated allowlist of JWT sub or email claims (403 otherwise).' },
  MCP_AUTHORIZATION_SERVERS: { doc: 'Comma-separated authorization server URLs for the RFC 9728 metadata (default: the issuer).' },
  MCP_THRUK_AUTH: {
    doc: "As whom Thruk requests run: service (default; the configured key for everyone), caller (HTTP: each caller sends its own Thruk key in X-Thruk-Auth-Key, or Basic credentials, so Thruk's own permissions apply) or impersonate (the configured superuser key with X-Thruk-Auth-User set to the verified caller).",
  },
  MCP_THRUK_USER_CLAIM: {
    doc: 'With MCP_THRUK_AUTH=impersonate: the JWT claim naming the Thruk user (default sub; e.g. preferred_username or email). Static tokens name theirs as TOKEN:scope@user.',
  },
  MCP_METRICS_PORT: { doc: 'Serve /metrics (and /healthz, /readyz) on this port instead of the MCP port.' },
  MCP_RATE_LIMIT: {
    doc: 'Per-caller limit on /mcp requests: N/sec, N/min or N/hour (token bucket, bursts up to N), keyed by static token or JWT subject, else by client IP; 0 or off disables (default 300/min). Over it: 429 with Retry-After.',
  },
  MCP_MAX_BODY_BYTES: {
    doc: 'Largest accepted /mcp request body in bytes (default 1048576); larger bodies get 413 without being read to the end.',
  },
  MCP_TRUST_PROXY: {
    doc: 'TLS-terminating proxies in front of this server: comma-separated IP addresses or CIDRs, or the words loopback / private. /mcp requests must then come from one of them with X-Forwarded-Proto: https (403 otherwise); the client IP is taken from X-Forwarded-For.',
  },
  MCP_ALLOW_INSECURE_HTTP: {
    doc: 'Allow plain HTTP on a non-loopback --host without TLS or a trusted proxy (default false; logged as a warning). Without it such a start is refused.',
  },
  MCP_TLS_CERT: { doc: 'PEM certificate (chain) file: serve HTTPS natively (with MCP_TLS_KEY).' },
  MCP_TLS_KEY: { doc: 'PEM private key file for MCP_TLS_CERT.' },
  MCP_SHUTDOWN_TIMEOUT: {
    doc: 'Seconds that in-flight requests get to finish after SIGTERM/SIGINT in HTTP mode (default 10); /readyz answers 503 and new connections are refused meanwhile.',
  },
} as const;

export type HttpEnvName = keyof typeof HTTP_ENV_SPEC;

export interface StaticToken {
  readonly token: string;
  readonly write: boolean;
  /** What identifies the token in AuthInfo.clientId and logs (never the token itself). */
  readonly label: string;
  /** The Thruk user this token impersonates (MCP_THRUK_AUTH=impersonate), from `TOKEN:scope@user`. */
  readonly thrukUser?: string;
}

/** As whom Thruk requests run: see MCP_THRUK_AUTH. */
export type ThrukAuthMode = 'service' | 'caller' | 'impersonate';

export interface OAuthSettings {
  readonly jwksUrl: string;
  readonly issuer: string;
  readonly audience: string;
  readonly requiredScopes: readonly string[];
  readonly allowedSubjects: readonly string[];
  readonly authorizationServers: readonly string[];
}

export interface HttpAuthSettings {
  readonly tokens: readonly StaticToken[];
  readonly writeScope: string;
  readonly readScope: string;
  /** `${MCP_PUBLIC_URL}/mcp`, the RFC 8707 resource identifier, when the public URL is known. */
  readonly resourceUrl: string | undefined;
  readonly oauth: OAuthSettings | undefined;
  readonly metricsPort: number | undefined;
  /** Modes 3 and 4 of the HTTP issue; 'service' (also when absent) keeps the one configured identity. */
  readonly thrukAuth?: ThrukAuthMode;
  /** The verified JWT claim that names the impersonated Thruk user (default sub). */
  readonly userClaim?: string;
}

const text = (env: Env, name: HttpEnvName): string | undefined => envText(env, name);
const list = splitList;

function httpUrl(name: string, v: string, issues: string[], httpsOnly: boolean): string | undefined {
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    issues.push(`${name}: not a URL: '${v}'`);
    return undefined;
  }
  const loopback = u.hostname === 'localhost' || u.hostname === '[::1]' || u.hostname.startsWith('127.');
  if (u.protocol !== 'https:' && !(u.protocol === 'http:' && (!httpsOnly || loopback))) {
    issues.push(`${name}: must be an ${httpsOnly ? 'https:// URL (http:// only on loopback)' : 'http(s):// URL'}, got '${v}'`);
    return undefined;
  }
  return v.replace(/\/+$/, '');
}

/**
 * `TOKEN:read,TOKEN:write@alice` → tokens. Problems name the entry's position, never its token.
 * The user comes after the first '@' of the scope part, so it may itself contain '@' (an email).
 */
export function parseTokens(raw: string | undefined, issues: string[]): StaticToken[] {
  const out: StaticToken[] = [];
  const seen = new Set<string>();
  list(raw).forEach((entry, i) => {
    const n = i + 1;
    const cut = entry.lastIndexOf(':');
    const token = cut > 0 ? entry.slice(0, cut).trim() : '';
    const tail = cut > 0 ? entry.slice(cut + 1).trim() : '';
    const at = tail.indexOf('@');
    const scope = (at >= 0 ? tail.slice(0, at) : tail).trim().toLowerCase();
    const rawUser = at >= 0 ? tail.slice(at + 1) : undefined;
    const thrukUser = rawUser?.trim();
    if (token === '' || scope === '') {
      issues.push(`MCP_HTTP_TOKENS: entry ${n} must look like TOKEN:read or TOKEN:write`);
      return;
    }
    if (!['read', 'write', 'read+write', 'rw'].includes(scope)) {
      issues.push(`MCP_HTTP_TOKENS: entry ${n} has scope '${scope}'; use read or write`);
      return;
    }
    if (/\s/.test(token)) {
      issues.push(`MCP_HTTP_TOKENS: entry ${n} contains whitespace inside the token`);
      return;
    }
    if (seen.has(token)) {
      issues.push(`MCP_HTTP_TOKENS: entry ${n} repeats an earlier token`);
      return;
    }
    if (thrukUser === '') {
      issues.push(`MCP_HTTP_TOKENS: entry ${n} has an empty user after '@'`);
      return;
    }
    // "0" (Perl false) would make Thruk act as its superuser; whitespace would be stripped on the way.
    const problem = rawUser !== undefined ? thrukUserProblem(rawUser) : undefined;
    if (problem !== undefined) {
      issues.push(`MCP_HTTP_TOKENS: entry ${n}: the Thruk user after '@' ${problem}`);
      return;
    }
    seen.add(token);
    out.push({ token, write: scope !== 'read', label: `token-${n}`, ...(thrukUser !== undefined ? { thrukUser } : {}) });
  });
  return out;
}

/** Reads the HTTP auth/ops settings from `env`, appending every problem to `issues`. */
export function parseHttpAuth(
  env: Env,
  legacyToken: string | undefined,
  issues: string[],
  mode: 'stdio' | 'http' = 'http',
): HttpAuthSettings {
  const tokens = parseTokens(text(env, 'MCP_HTTP_TOKENS'), issues);
  // The single legacy token predates scopes; it keeps the full (write) access it always had.
  if (legacyToken !== undefined) {
    if (tokens.some((t) => t.token === legacyToken)) issues.push('MCP_HTTP_TOKENS: repeats MCP_HTTP_TOKEN');
    else tokens.unshift({ token: legacyToken, write: true, label: 'MCP_HTTP_TOKEN' });
  }
  const writeScope = text(env, 'MCP_OAUTH_WRITE_SCOPE') ?? 'thruk:write';
  if (/\s/.test(writeScope)) issues.push('MCP_OAUTH_WRITE_SCOPE: a scope cannot contain whitespace');

  const publicRaw = text(env, 'MCP_PUBLIC_URL');
  const publicUrl = publicRaw !== undefined ? httpUrl('MCP_PUBLIC_URL', publicRaw, issues, false) : undefined;
  const resourceUrl = publicUrl === undefined ? undefined : publicUrl.endsWith('/mcp') ? publicUrl : `${publicUrl}/mcp`;

  const jwksRaw = text(env, 'MCP_OAUTH_JWKS_URL');
  const oauth = parseOAuth(env, resourceUrl, issues);

  let metricsPort: number | undefined;
  const mp = text(env, 'MCP_METRICS_PORT');
  if (mp !== undefined) {
    const n = numberIn(mp, 0, 65535, true);
    if (n === undefined) issues.push(`MCP_METRICS_PORT: expected a port between 0 and 65535, got '${mp}'`);
    else metricsPort = n;
  }
  const { thrukAuth, userClaim } = parseThrukAuth(env, tokens, oauth !== undefined || jwksRaw !== undefined, mode, issues);
  return { tokens, writeScope, readScope: 'thruk:read', resourceUrl, oauth, metricsPort, thrukAuth, userClaim };
}

/** OAuth resource-server mode: JWKS URL and issuer together, the rest optional; undefined when off or broken. */
function parseOAuth(env: Env, resourceUrl: string | undefined, issues: string[]): OAuthSettings | undefined {
  const jwksRaw = text(env, 'MCP_OAUTH_JWKS_URL');
  const issuer = text(env, 'MCP_OAUTH_ISSUER');
  if (jwksRaw !== undefined || issuer !== undefined) {
    if (jwksRaw === undefined) issues.push("MCP_OAUTH_JWKS_URL: required with MCP_OAUTH_ISSUER (the authorization server's jwks_uri)");
    if (issuer === undefined) issues.push('MCP_OAUTH_ISSUER: required with MCP_OAUTH_JWKS_URL (the iss every token must carry)');
    const jwksUrl = jwksRaw !== undefined ? httpUrl('MCP_OAUTH_JWKS_URL', jwksRaw, issues, true) : undefined;
    const audience = text(env, 'MCP_OAUTH_AUDIENCE') ?? resourceUrl;
    if (audience === undefined)
      issues.push(
        'MCP_OAUTH_AUDIENCE: not set and no MCP_PUBLIC_URL to derive it from; set MCP_PUBLIC_URL (the resource is its /mcp) or MCP_OAUTH_AUDIENCE',
      );
    const servers = list(text(env, 'MCP_AUTHORIZATION_SERVERS'));
    for (const s of servers) httpUrl('MCP_AUTHORIZATION_SERVERS', s, issues, false);
    if (jwksUrl !== undefined && issuer !== undefined && audience !== undefined) {
      return {
        jwksUrl,
        issuer,
        audience,
        requiredScopes: list(text(env, 'MCP_OAUTH_REQUIRED_SCOPES')),
        allowedSubjects: list(text(env, 'MCP_OAUTH_ALLOWED_SUBJECTS')),
        authorizationServers: servers.length > 0 ? servers : [issuer],
      };
    }
  } else {
    for (const n of [
      'MCP_OAUTH_AUDIENCE',
      'MCP_OAUTH_REQUIRED_SCOPES',
      'MCP_OAUTH_ALLOWED_SUBJECTS',
      'MCP_AUTHORIZATION_SERVERS',
    ] as const) {
      if (text(env, n) !== undefined) issues.push(`${n}: has no effect without MCP_OAUTH_JWKS_URL and MCP_OAUTH_ISSUER`);
    }
  }
  return undefined;
}

const CLAIM_NAME = /^[A-Za-z_][A-Za-z0-9_.:-]{0,99}$/;

function parseThrukAuth(
  env: Env,
  tokens: readonly StaticToken[],
  oauth: boolean,
  mode: 'stdio' | 'http',
  issues: string[],
): { thrukAuth: ThrukAuthMode; userClaim: string } {
  const raw = (text(env, 'MCP_THRUK_AUTH') ?? 'service').toLowerCase();
  const thrukAuth: ThrukAuthMode = raw === 'caller' || raw === 'impersonate' || raw === 'service' ? raw : 'service';
  if (thrukAuth !== raw) issues.push(`MCP_THRUK_AUTH: expected service, caller or impersonate, got '${raw}'`);
  const claim = text(env, 'MCP_THRUK_USER_CLAIM');
  if (claim !== undefined && !CLAIM_NAME.test(claim))
    issues.push('MCP_THRUK_USER_CLAIM: expected a claim name such as sub, preferred_username or email');
  if (claim !== undefined && thrukAuth !== 'impersonate')
    issues.push('MCP_THRUK_USER_CLAIM: has no effect without MCP_THRUK_AUTH=impersonate');
  const withUser = tokens.findIndex((t) => t.thrukUser !== undefined);
  if (withUser >= 0 && thrukAuth !== 'impersonate')
    issues.push(`MCP_HTTP_TOKENS: entry ${withUser + 1} names a Thruk user, which only takes effect with MCP_THRUK_AUTH=impersonate`);
  // Impersonation maps a verified identity; with nobody verified there is no one to act as.
  if (thrukAuth === 'impersonate' && mode === 'http' && tokens.length === 0 && !oauth) {
    issues.push(
      'MCP_THRUK_AUTH: impersonate needs verified callers: configure MCP_HTTP_TOKENS (TOKEN:scope@user) or OAuth (MCP_OAUTH_JWKS_URL + MCP_OAUTH_ISSUER)',
    );
  }
  return { thrukAuth, userClaim: claim ?? 'sub' };
}

/** Whether /mcp has any authentication configured (a caller's own Thruk key, verified by Thruk, counts). */
export function hasHttpAuth(a: HttpAuthSettings): boolean {
  return a.tokens.length > 0 || a.oauth !== undefined || a.thrukAuth === 'caller';
}

export interface RateLimitSettings {
  /** Bucket size: the burst a caller may send at once. */
  readonly capacity: number;
  /** Time in which an empty bucket refills completely (capacity tokens per periodMs). */
  readonly periodMs: number;
  /** As configured, for messages ("120/min"). */
  readonly label: string;
}

export interface HttpOpsSettings {
  readonly rateLimit: RateLimitSettings | undefined;
  readonly maxBodyBytes: number;
  /** Trusted proxy addresses/CIDRs (and the words loopback/private); undefined = trust no proxy. */
  readonly trustProxy: readonly string[] | undefined;
  readonly allowInsecureHttp: boolean;
  readonly tls: { readonly certFile: string; readonly keyFile: string } | undefined;
  readonly shutdownTimeoutMs: number;
}

export const DEFAULT_RATE_LIMIT = '300/min';
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
const PERIODS: Readonly<Record<string, number>> = {
  s: 1000,
  sec: 1000,
  second: 1000,
  m: 60_000,
  min: 60_000,
  minute: 60_000,
  h: 3_600_000,
  hour: 3_600_000,
};

/** `120/min` → a bucket of 120 refilled per minute; `0`/`off` → undefined (no limit). */
export function parseRateLimit(raw: string, issues: string[]): RateLimitSettings | undefined {
  const v = raw.trim().toLowerCase();
  if (v === '0' || v === 'off' || v === 'false' || v === 'none') return undefined;
  const m = /^(\d+)\s*\/\s*([a-z]+)$/.exec(v);
  const n = m !== null ? Number(m[1]) : NaN;
  const periodMs = m !== null ? PERIODS[m[2] ?? ''] : undefined;
  if (m === null || periodMs === undefined || !Number.isSafeInteger(n) || n < 1 || n > 1_000_000) {
    issues.push(`MCP_RATE_LIMIT: expected N/sec, N/min or N/hour (N from 1 to 1000000), or off; got '${raw}'`);
    return undefined;
  }
  return { capacity: n, periodMs, label: `${n}/${m[2]}` };
}

function flag(env: Env, name: HttpEnvName, issues: string[]): boolean {
  const v = text(env, name)?.toLowerCase();
  if (v === undefined) return false;
  const b = boolWord(v);
  if (b === undefined) issues.push(`${name}: ${BOOL_EXPECTED}, got '${v}'`);
  return b ?? false;
}

/** Validates one MCP_TRUST_PROXY entry (an address, a CIDR, or loopback/private). */
function proxyEntryProblem(entry: string): string | undefined {
  if (entry === 'loopback' || entry === 'private') return undefined;
  const [addr = '', bits, extra] = entry.split('/');
  const family = isIP(addr);
  if (family === 0 || extra !== undefined) return `'${entry}' is not an IP address or CIDR`;
  if (bits === undefined) return undefined;
  const n = Number(bits);
  if (!/^\d+$/.test(bits) || n > (family === 4 ? 32 : 128)) return `'${entry}' has a bad prefix length`;
  return undefined;
}

/**
 * Limits, TLS/proxy policy and shutdown of the HTTP mode. `bind` says where --listen binds: plain
 * HTTP off loopback is refused here (fail closed) unless TLS, a trusted proxy or an explicit
 * opt-out is configured.
 */
export function parseHttpOps(
  env: Env,
  bind: { readonly http: boolean; readonly host: string; readonly loopback: boolean },
  issues: string[],
): HttpOpsSettings {
  const rawLimit = text(env, 'MCP_RATE_LIMIT');
  const rateLimit = parseRateLimit(rawLimit ?? DEFAULT_RATE_LIMIT, issues);

  let maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
  const mb = text(env, 'MCP_MAX_BODY_BYTES');
  if (mb !== undefined) {
    const n = numberIn(mb, 1024, 256 * 1024 * 1024, true);
    if (n === undefined) issues.push(`MCP_MAX_BODY_BYTES: expected a whole number of bytes between 1024 and 268435456, got '${mb}'`);
    else maxBodyBytes = n;
  }

  let trustProxy: string[] | undefined;
  const tp = text(env, 'MCP_TRUST_PROXY');
  if (tp !== undefined) {
    const entries = list(tp).map((e) => e.toLowerCase());
    if (entries.some((e) => TRUE_WORDS.has(e) || e === '*')) {
      issues.push(
        "MCP_TRUST_PROXY: list the proxies' addresses or CIDRs (or loopback / private), not true or *: trusting every peer would let any client claim X-Forwarded-Proto: https",
      );
    } else {
      const bad = entries.map(proxyEntryProblem).filter((p): p is string => p !== undefined);
      if (bad.length > 0) issues.push(`MCP_TRUST_PROXY: ${bad.join('; ')}`);
      else if (entries.length === 0) issues.push('MCP_TRUST_PROXY: no proxy address given');
      else trustProxy = entries;
    }
  }

  const allowInsecureHttp = flag(env, 'MCP_ALLOW_INSECURE_HTTP', issues);
  const certFile = text(env, 'MCP_TLS_CERT');
  const keyFile = text(env, 'MCP_TLS_KEY');
  if ((certFile === undefined) !== (keyFile === undefined))
    issues.push(
      `${certFile === undefined ? 'MCP_TLS_CERT' : 'MCP_TLS_KEY'}: required with ${certFile === undefined ? 'MCP_TLS_KEY' : 'MCP_TLS_CERT'} (native HTTPS needs both)`,
    );
  const tls = certFile !== undefined && keyFile !== undefined ? { certFile, keyFile } : undefined;

  let shutdownTimeoutMs = 10_000;
  const st = text(env, 'MCP_SHUTDOWN_TIMEOUT');
  if (st !== undefined) {
    const n = numberIn(st, 0, 3600);
    if (n === undefined) issues.push(`MCP_SHUTDOWN_TIMEOUT: expected seconds between 0 and 3600, got '${st}'`);
    else shutdownTimeoutMs = secondsToMs(n);
  }

  if (bind.http && !bind.loopback && tls === undefined && trustProxy === undefined && !allowInsecureHttp) {
    issues.push(
      `--host: refusing plain HTTP on the non-loopback address ${bind.host}: bearer tokens would cross the network in clear text. Set MCP_TLS_CERT and MCP_TLS_KEY (native HTTPS), or MCP_TRUST_PROXY to the TLS-terminating proxy's addresses, or MCP_ALLOW_INSECURE_HTTP=true if you really mean it.`,
    );
  }
  return { rateLimit, maxBodyBytes, trustProxy, allowInsecureHttp, tls, shutdownTimeoutMs };
}
