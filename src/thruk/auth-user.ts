/**
 * Which Thruk user names can travel in X-Thruk-Auth-User. Thruk reads the header with Perl
 * truthiness (`$c->req->header('X-Thruk-Auth-User') || default_user_name || '(api)'`, see
 * Thruk::Context::_request_username): "0" and "" are false there, so such a name silently becomes
 * the default user or Thruk's internal superuser `(api)`. HTTP strips whitespace around a header
 * value, and the value reaches Thruk as raw bytes it does not decode, so names with surrounding
 * whitespace or non-ASCII characters would name somebody else. All of these are refused before
 * anything is sent; what Thruk then really applies is checked with /thruk/whoami (client.ts).
 */

const MAX_USER = 256;

/** Why `name` cannot be sent as X-Thruk-Auth-User, or undefined when it can. */
export function thrukUserProblem(name: string): string | undefined {
  if (name.trim() === '') return 'is empty, and Thruk would act as its default user or its internal superuser (api) instead';
  if (name.trim() === '0') return "is '0', which Thruk reads as false and replaces by its default user or its internal superuser (api)";
  if (name !== name.trim()) return 'has whitespace around it, which HTTP strips on the way: Thruk would see a different name';
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'contains control characters';
  if (/[^\u0020-\u007e]/.test(name))
    return 'contains non-ASCII characters, which reach Thruk as undecoded header bytes and would name a different user';
  if (name.length > MAX_USER) return `is longer than ${MAX_USER} characters`;
  return undefined;
}

/** Thruk acts as someone else than the user the server asked for (or verified): nothing was sent. */
export class ThrukIdentityError extends Error {
  override readonly name = 'ThrukIdentityError';
  readonly requested: string;
  readonly applied: string;
  constructor(requested: string, applied: string) {
    super(`Thruk acts as '${applied}', not as the requested user '${requested}'; refused, nothing was sent to Thruk`);
    this.requested = requested;
    this.applied = applied;
  }
}
