import { createHash, timingSafeEqual } from 'node:crypto';
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
import type { HttpAuthSettings, OAuthSettings, StaticToken } from '../config-http.js';
import type { Logger } from '../log.js';

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
    return new OAuthError(OAuthErrorCode.ServerError, 'The authorization server\'s keys could not be fetched');
  }
  return invalid('Token is invalid');
}

export function jwtVerifier(oauth: OAuthSettings, opts: AuthenticatorOptions = {}): OAuthTokenVerifier {
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
      if (!oauth.requiredScopes.every((s) => scopes.includes(s))) throw new OAuthError(OAuthErrorCode.InsufficientScope, 'Insufficient scope');
      const email = typeof payload['email'] === 'string' ? payload['email'] : undefined;
      if (allowed.size > 0 && !(payload.sub !== undefined && allowed.has(payload.sub)) && !(email !== undefined && allowed.has(email.toLowerCase()))) {
        throw new SubjectNotAllowed();
      }
      const client = [payload['client_id'], payload['azp'], payload.sub].find((v): v is string => typeof v === 'string');
      return {
        token,
        clientId: client ?? 'unknown',
        scopes,
        expiresAt: payload.exp as number,
        resource: new URL(oauth.audience),
        extra: { sub: payload.sub, email },
      };
    },
  };
}

function staticVerifier(tokens: readonly StaticToken[], settings: HttpAuthSettings, now: () => number): (presented: string) => AuthInfo | undefined {
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
  const resourceMetadataUrl = oauth !== undefined ? getOAuthProtectedResourceMetadataUrl(new URL(settings.resourceUrl ?? oauth.audience)) : undefined;
  const requiredScopes = oauth !== undefined ? [...oauth.requiredScopes] : [];
  const matchStatic = staticVerifier(settings.tokens, settings, now);
  const jwt = oauth !== undefined ? jwtVerifier(oauth, opts) : undefined;
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
  const enabled = settings.tokens.length > 0 || oauth !== undefined;

  return {
    authenticate: async (req) => {
      if (!enabled) return undefined;
      const header = (req.headers.get('authorization') ?? '').split(',')[0]?.trim();
      try {
        return await verifyBearerToken(header === '' ? undefined : header, { verifier, ...challenge });
      } catch (err) {
        if (err instanceof SubjectNotAllowed) {
          return new Response(JSON.stringify({ error: 'access_denied', error_description: 'This identity is not allowed to use this server.' }), {
            status: 403,
            headers: { 'content-type': 'application/json' },
          });
        }
        if (err instanceof OAuthError && String(err.code) === 'server_error') log.warn({ reason: err.message }, 'token verification failed on the server side');
        return bearerAuthChallengeResponse(err, challenge);
      }
    },
    metadata: (req) => {
      const path = new URL(req.url).pathname;
      if (doc === undefined || (path !== METADATA_PATH && !path.startsWith(`${METADATA_PATH}/`))) return undefined;
      if (req.method === 'OPTIONS') return new Response(null, { status: 204, headers: cors });
      if (req.method !== 'GET' && req.method !== 'HEAD') return new Response(null, { status: 405, headers: { ...cors, allow: 'GET, OPTIONS' } });
      return new Response(req.method === 'HEAD' ? null : doc, { status: 200, headers: { ...cors, 'content-type': 'application/json', 'cache-control': 'public, max-age=3600' } });
    },
  };
}

