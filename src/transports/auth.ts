import { createHash, timingSafeEqual } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import {
  bearerAuthChallengeResponse,
  getOAuthProtectedResourceMetadataUrl,
  OAuthError,
  OAuthErrorCode,
  verifyBearerToken,
  type AuthInfo,
  type OAuthTokenVerifier,
} from '@modelcontextprotocol/server';
import type { HttpAuthSettings, OAuthSettings, StaticToken } from '../config/http.js';
import type { Logger } from '../server/log.js';
import type { ThrukClient, ThrukCredential } from '../thruk/client.js';
import { thrukUserProblem } from '../thruk/auth-user.js';
import { ThrukHttpError } from '../thruk/errors.js';
import { CALLER, Sealed, type ThrukCaller } from './caller.js';

// The caller's Thruk identity lives in caller.ts, which the server loads without jose.
export { Sealed, thrukCallerOf, type ThrukCaller } from './caller.js';

/** Symmetric (HS*) algorithms would let anyone holding the verification key mint tokens. */
export const ASYMMETRIC_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'];

const METADATA_PATH = '/.well-known/oauth-protected-resource';
/** Static tokens never expire, but the SDK refuses an AuthInfo without expiresAt. */
const STATIC_TOKEN_LIFETIME_S = 3600;

function digest(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}

/** Equal-length digests make the comparison constant-time whatever the candidate's length. */
export function tokenMatches(expected: string, presented: string): boolean {
  return timingSafeEqual(digest(expected), digest(presented));
}

/** Refusal of a verified identity that is not on MCP_OAUTH_ALLOWED_SUBJECTS. */
class SubjectNotAllowed extends Error {}

export interface AuthenticatorOptions {
  /** Replaces the remote JWKS (tests, or a pre-fetched key set). */
  readonly jwks?: JWTVerifyGetKey;
  readonly now?: () => number;
  /** MCP_THRUK_AUTH=caller: the (default instance's) client that checks a caller's own credentials. */
  readonly thruk?: ThrukClient;
}

export interface Authenticator {
  /** AuthInfo for a verified caller, a ready refusal Response, or undefined when no auth is configured. */
  authenticate(req: Request): Promise<AuthInfo | Response | undefined>;
  /** The RFC 9728 document when `req` asks for it and OAuth is configured. */
  metadata(req: Request): Response | undefined;
}

function scopesOf(payload: JWTPayload): string[] {
  const out: string[] = [];
  const { scope, scp } = payload as { scope?: unknown; scp?: unknown };
  for (const v of [scope, scp]) {
    if (typeof v === 'string') out.push(...v.split(' '));
    else if (Array.isArray(v)) out.push(...v.filter((x): x is string => typeof x === 'string'));
  }
  return [...new Set(out.filter((s) => s !== ''))];
}

function invalid(message: string): OAuthError {
  return new OAuthError(OAuthErrorCode.InvalidToken, message);
}

/** jose's reasons, reduced to what a client may learn (never the token or the key). */
function mapJoseError(err: unknown): Error {
  if (err instanceof joseErrors.JWTExpired) return invalid('Token has expired');
  if (err instanceof joseErrors.JWTClaimValidationFailed) {
    if (err.claim === 'aud') return invalid('Token was not issued for this resource');
    if (err.claim === 'iss') return invalid('Token issuer is not trusted');
    if (err.claim === 'exp') return invalid('Token has no expiration time');
    return invalid('Token claims are invalid');
  }
  if (err instanceof joseErrors.JWKSTimeout || !(err instanceof joseErrors.JOSEError)) {
    return new OAuthError(OAuthErrorCode.ServerError, "The authorization server's keys could not be fetched");
  }
  return invalid('Token is invalid');
}

export function jwtVerifier(oauth: OAuthSettings, opts: AuthenticatorOptions = {}, userClaim?: string): OAuthTokenVerifier {
  const keys = opts.jwks ?? createRemoteJWKSet(new URL(oauth.jwksUrl), { timeoutDuration: 5000, cooldownDuration: 30_000 });
  const allowed = new Set(oauth.allowedSubjects.map((s) => (s.includes('@') ? s.toLowerCase() : s)));
  return {
    verifyAccessToken: async (token) => {
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, keys, {
          issuer: oauth.issuer,
          audience: oauth.audience,
          algorithms: ASYMMETRIC_ALGORITHMS,
          requiredClaims: ['exp'],
          clockTolerance: 30,
          ...(opts.now !== undefined ? { currentDate: new Date(opts.now()) } : {}),
        }));
      } catch (err) {
        throw mapJoseError(err);
      }
      const scopes = scopesOf(payload);
      if (!oauth.requiredScopes.every((s) => scopes.includes(s)))
        throw new OAuthError(OAuthErrorCode.InsufficientScope, 'Insufficient scope');
      const email = typeof payload['email'] === 'string' ? payload['email'] : undefined;
      if (
        allowed.size > 0 &&
        !(payload.sub !== undefined && allowed.has(payload.sub)) &&
        !(email !== undefined && allowed.has(email.toLowerCase()))
      ) {
        throw new SubjectNotAllowed();
      }
      const client = [payload['client_id'], payload['azp'], payload.sub].find((v): v is string => typeof v === 'string');
      return {
        token,
        clientId: client ?? 'unknown',
        scopes,
        expiresAt: payload.exp as number,
        resource: new URL(oauth.audience),
        extra: { sub: payload.sub, email, ...(userClaim !== undefined ? { thrukUser: payload[userClaim] } : {}) },
      };
    },
  };
}

function staticVerifier(
  tokens: readonly StaticToken[],
  settings: HttpAuthSettings,
  now: () => number,
): (presented: string) => AuthInfo | undefined {
  return (presented) => {
    let hit: StaticToken | undefined;
    // No early exit: the time taken does not reveal which entry matched.
    for (const t of tokens) if (tokenMatches(t.token, presented) && hit === undefined) hit = t;
    if (hit === undefined) return undefined;
    return {
      token: presented,
      clientId: hit.label,
      scopes: hit.write ? [settings.readScope, settings.writeScope] : [settings.readScope],
      expiresAt: Math.floor(now() / 1000) + STATIC_TOKEN_LIFETIME_S,
      ...(hit.thrukUser !== undefined ? { extra: { thrukUser: hit.thrukUser } } : {}),
    };
  };
}

const looksLikeJwt = (t: string) => /^[\w-]+\.[\w-]+\.[\w-]*$/.test(t);

function metadataDocument(settings: HttpAuthSettings, oauth: OAuthSettings): Record<string, unknown> {
  return {
    resource: settings.resourceUrl ?? oauth.audience,
    authorization_servers: [...oauth.authorizationServers],
    scopes_supported: [...new Set([...oauth.requiredScopes, settings.writeScope])],
    bearer_methods_supported: ['header'],
    resource_name: 'thruk-mcp',
  };
}

/**
 * Modes 1 (static tokens with a scope each) and 2 (OAuth resource server, JWT via JWKS) behind
 * one gate: a presented token is first compared with the static ones, then verified as a JWT.
 */
export function createAuthenticator(settings: HttpAuthSettings, log: Logger, opts: AuthenticatorOptions = {}): Authenticator {
  const now = opts.now ?? Date.now;
  const oauth = settings.oauth;
  const resourceMetadataUrl =
    oauth !== undefined ? getOAuthProtectedResourceMetadataUrl(new URL(settings.resourceUrl ?? oauth.audience)) : undefined;
  const requiredScopes = oauth !== undefined ? [...oauth.requiredScopes] : [];
  const matchStatic = staticVerifier(settings.tokens, settings, now);
  const mode = settings.thrukAuth ?? 'service';
  const jwt =
    oauth !== undefined ? jwtVerifier(oauth, opts, mode === 'impersonate' ? (settings.userClaim ?? 'sub') : undefined) : undefined;
  const verifier: OAuthTokenVerifier = {
    verifyAccessToken: async (token) => {
      const hit = matchStatic(token);
      if (hit !== undefined) return hit;
      if (jwt === undefined || !looksLikeJwt(token)) throw invalid('The bearer token is not valid for this server');
      return jwt.verifyAccessToken(token);
    },
  };
  const challenge = { requiredScopes, ...(resourceMetadataUrl !== undefined ? { resourceMetadataUrl } : {}) };
  const doc = oauth !== undefined ? JSON.stringify(metadataDocument(settings, oauth)) : undefined;
  const cors = { 'access-control-allow-origin': '*', 'access-control-allow-methods': 'GET, OPTIONS' };
  const bearer = settings.tokens.length > 0 || oauth !== undefined;
  const enabled = bearer || mode === 'caller';
  const callerGate = mode === 'caller' ? thrukKeyGate(settings, bearer, log, opts) : undefined;

  const verifyBearer = async (req: Request): Promise<AuthInfo | Response> => {
    const header = (req.headers.get('authorization') ?? '').split(',')[0]?.trim();
    try {
      return await verifyBearerToken(header === '' ? undefined : header, { verifier, ...challenge });
    } catch (err) {
      if (err instanceof SubjectNotAllowed) {
        return new Response(
          JSON.stringify({ error: 'access_denied', error_description: 'This identity is not allowed to use this server.' }),
          {
            status: 403,
            headers: { 'content-type': 'application/json' },
          },
        );
      }
      if (err instanceof OAuthError && String(err.code) === 'server_error')
        log.warn({ reason: err.message }, 'token verification failed on the server side');
      return bearerAuthChallengeResponse(err, challenge);
    }
  };

  return {
    authenticate: async (req) => {
      if (!enabled) return undefined;
      const verified = bearer ? await verifyBearer(req) : undefined;
      if (verified instanceof Response) return verified;
      if (callerGate !== undefined) return callerGate(req, verified);
      if (mode === 'impersonate' && verified !== undefined)
        return impersonation(verified, settings.userClaim ?? 'sub', log, opts.thruk, req.signal);
      return verified;
    },
    metadata: (req) => {
      const path = new URL(req.url).pathname;
      if (doc === undefined || (path !== METADATA_PATH && !path.startsWith(`${METADATA_PATH}/`))) return undefined;
      if (req.method === 'OPTIONS') return new Response(null, { status: 204, headers: cors });
      if (req.method !== 'GET' && req.method !== 'HEAD')
        return new Response(null, { status: 405, headers: { ...cors, allow: 'GET, OPTIONS' } });
      return new Response(req.method === 'HEAD' ? null : doc, {
        status: 200,
        headers: { ...cors, 'content-type': 'application/json', 'cache-control': 'public, max-age=3600' },
      });
    },
  };
}

/** How long a caller's Thruk credentials, once accepted by Thruk, are trusted without asking again. */
const VERIFIED_TTL_MS = 60_000;
const THRUK_KEY = /^[A-Za-z0-9_]+$/;

function refusal(status: number, error: string, description: string, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify({ error, error_description: description }), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });
}

/**
 * The challenge of mode 3. "ThrukKey" names the header to send; Basic is offered only when the
 * Authorization header is not already taken by a bearer token.
 */
function thrukChallenge(basic: boolean, error: string): string {
  const key = `ThrukKey realm="thruk-mcp", header="X-Thruk-Auth-Key", error="${error}"`;
  return basic ? `${key}, Basic realm="thruk-mcp", charset="UTF-8"` : key;
}

function credentialOf(req: Request, basicAllowed: boolean): ThrukCredential | 'malformed' | undefined {
  const key = req.headers.get('x-thruk-auth-key');
  if (key !== null) {
    const k = key.trim();
    return THRUK_KEY.test(k) ? { kind: 'key', key: k } : 'malformed';
  }
  const authz = req.headers.get('authorization');
  if (!basicAllowed || authz === null || !/^Basic\s+/i.test(authz)) return undefined;
  const decoded = Buffer.from(authz.replace(/^Basic\s+/i, '').trim(), 'base64').toString('utf8');
  const cut = decoded.indexOf(':');
  if (cut <= 0 || /[\x00-\x1f\x7f]/.test(decoded)) return 'malformed';
  return { kind: 'basic', user: decoded.slice(0, cut), password: decoded.slice(cut + 1) };
}

function credentialDigest(c: ThrukCredential): string {
  return createHash('sha256')
    .update(c.kind === 'key' ? `key\0${c.key}` : `basic\0${c.user}\0${c.password}`)
    .digest('base64url');
}

/**
 * Mode 3: the caller brings its own Thruk key (X-Thruk-Auth-Key) or, when no bearer token takes the
 * Authorization header, Basic credentials. Thruk is the judge: GET /thruk/whoami with them must
 * succeed, which also tells who the caller is. Accepted credentials are remembered by digest only.
 */
function thrukKeyGate(
  settings: HttpAuthSettings,
  bearer: boolean,
  log: Logger,
  opts: AuthenticatorOptions,
): (req: Request, verified: AuthInfo | undefined) => Promise<AuthInfo | Response> {
  const thruk = opts.thruk;
  if (thruk === undefined) throw new Error('MCP_THRUK_AUTH=caller needs a Thruk client to check credentials with');
  const now = opts.now ?? Date.now;
  const accepted = new LRUCache<string, { user: string; canSubmit: boolean; at: number }>({ max: 1000 });
  const basic = !bearer;
  const hint = `Send your own Thruk API key in the X-Thruk-Auth-Key header${basic ? ' (or your Thruk user and password as Basic credentials)' : ''}: this server acts on Thruk as you.`;
  return async (req, verified) => {
    const cred = credentialOf(req, basic);
    if (cred === undefined) return refusal(401, 'invalid_request', hint, { 'www-authenticate': thrukChallenge(basic, 'invalid_request') });
    if (cred === 'malformed') {
      return refusal(401, 'invalid_token', 'The Thruk credentials are malformed: a Thruk API key has only letters, digits and _.', {
        'www-authenticate': thrukChallenge(basic, 'invalid_token'),
      });
    }
    const digest = credentialDigest(cred);
    let who = accepted.get(digest);
    if (who !== undefined && now() - who.at > VERIFIED_TTL_MS) who = undefined;
    if (who === undefined) {
      try {
        const me = await thruk.withCredential(cred).get<Record<string, unknown>>('/thruk/whoami', {
          cache: false,
          signal: AbortSignal.any([req.signal, AbortSignal.timeout(10_000)]),
        });
        const id = typeof me.id === 'string' && me.id !== '' ? me.id : '(unknown)';
        who = { user: id, canSubmit: me.can_submit_commands === true || me.can_submit_commands === 1, at: now() };
        accepted.set(digest, who);
      } catch (err) {
        if (err instanceof ThrukHttpError && (err.status === 401 || err.status === 403)) {
          return refusal(401, 'invalid_token', 'Thruk did not accept these credentials.', {
            'www-authenticate': thrukChallenge(basic, 'invalid_token'),
          });
        }
        log.warn({ reason: err instanceof Error ? err.name : 'unknown' }, "could not check a caller's Thruk credentials");
        return refusal(503, 'temporarily_unavailable', 'Thruk could not be reached to check your credentials; retry shortly.', {
          'retry-after': '5',
        });
      }
    }
    const caller: ThrukCaller = { credential: new Sealed(cred), user: who.user };
    if (verified !== undefined) return { ...verified, extra: { ...verified.extra, [CALLER]: caller } };
    // Without a bearer token, Thruk's own answer decides whether the write tools are offered.
    return {
      token: '',
      clientId: `thruk:${who.user}`,
      scopes: who.canSubmit ? [settings.readScope, settings.writeScope] : [settings.readScope],
      expiresAt: Math.floor(now() / 1000) + STATIC_TOKEN_LIFETIME_S,
      extra: { [CALLER]: caller },
    };
  };
}

/**
 * Mode 4: the verified identity names the Thruk user (a static token's `@user`, or the configured
 * JWT claim). Only what a verifier put into AuthInfo is read: no request header can choose the user.
 * A name Thruk would read as "nobody" ("0", empty, whitespace: Perl truthiness) is refused, and
 * Thruk's own /thruk/whoami must confirm that it applies exactly this user before anything is sent.
 */
async function impersonation(
  verified: AuthInfo,
  claim: string,
  log: Logger,
  thruk: ThrukClient | undefined,
  signal: AbortSignal,
): Promise<AuthInfo | Response> {
  const u = verified.extra?.['thrukUser'];
  if (typeof u !== 'string' || u === '') {
    return refusal(
      403,
      'access_denied',
      `This identity names no Thruk user to act as (the '${claim}' claim of an OAuth token, or TOKEN:scope@user for a static token).`,
    );
  }
  const problem = thrukUserProblem(u);
  if (problem !== undefined) {
    log.warn({ caller: verified.clientId, reason: problem }, 'refused an impersonation Thruk cannot carry safely');
    return refusal(403, 'access_denied', `The Thruk user this identity names ${problem}; nothing was sent to Thruk.`);
  }
  if (thruk !== undefined) {
    try {
      const me = await thruk.actingAs(u).whoami(AbortSignal.any([signal, AbortSignal.timeout(10_000)]));
      if (me.id !== u) {
        log.warn({ caller: verified.clientId, requested: u, applied: me.id }, 'refused an impersonation: Thruk applies another user');
        return refusal(
          403,
          'access_denied',
          `Thruk would act as '${me.id || '(unknown)'}', not as the Thruk user '${u}' this identity names; nothing was sent. Ask the operator to check the service key (a superuser key is needed) and Thruk's user name settings.`,
        );
      }
    } catch (err) {
      if (err instanceof ThrukHttpError && (err.status === 401 || err.status === 403 || err.status === 400)) {
        log.warn({ caller: verified.clientId, status: err.status }, 'refused an impersonation: Thruk refused the identity');
        return refusal(403, 'access_denied', `Thruk refused to act as '${u}' (HTTP ${err.status}); nothing was sent.`);
      }
      log.warn({ reason: err instanceof Error ? err.name : 'unknown' }, 'could not check an impersonated user with Thruk');
      return refusal(503, 'temporarily_unavailable', 'Thruk could not be reached to check the user this identity acts as; retry shortly.', {
        'retry-after': '5',
      });
    }
  }
  const caller: ThrukCaller = { user: u };
  return { ...verified, extra: { ...verified.extra, [CALLER]: caller } };
}
