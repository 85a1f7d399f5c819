/**
 * Which REST paths the escape hatches may reach. Matching is by decoded path segment, never by
 * string prefix: `/hostsXYZ`, `/hosts/../thruk/api_keys` and `/hosts%2F..%2Fthruk` must all fail.
 */
import { encodeSegment } from '../../thruk/client.js';
import { ToolInputError } from '../core/define.js';

/** Resource roots: the first segment alone, or the first two for Thruk's own endpoints. */
const ALLOWED_ROOTS: readonly string[] = [
  'hosts',
  'services',
  'hostgroups',
  'servicegroups',
  'contacts',
  'contactgroups',
  'timeperiods',
  'commands',
  'downtimes',
  'comments',
  'logs',
  'alerts',
  'notifications',
  'sites',
  'processinfo',
  'checks',
  'lmd',
  'index',
  'thruk/whoami',
  'thruk/jobs',
];

/** Livestatus tables: the paths that return rows and can be paged with limit/offset. */
const ROW_TABLES: ReadonlySet<string> = new Set([
  'hosts',
  'services',
  'hostgroups',
  'servicegroups',
  'contacts',
  'contactgroups',
  'timeperiods',
  'commands',
  'downtimes',
  'comments',
  'logs',
  'alerts',
  'notifications',
]);

const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
const DANGEROUS_COMMAND = /^(shutdown|restart)_(process|program)$/i;

export interface CheckedPath {
  /** The path to send: every segment re-encoded, so nothing the caller wrote is passed through raw. */
  readonly path: string;
  /** Decoded segments. */
  readonly segments: readonly string[];
  /** Thruk-internal endpoints (/thruk/…, /index) are not per backend. */
  readonly thrukInternal: boolean;
}

const allowedList = () => ALLOWED_ROOTS.map((r) => `/${r}`).join(', ');

function refuse(why: string): never {
  throw new ToolInputError(`path refused: ${why}. Allowed roots: ${allowedList()}. Nothing was sent.`);
}

export function checkPath(raw: string): CheckedPath {
  if (!raw.startsWith('/')) refuse('it must start with "/" (e.g. /hosts)');
  if (raw.includes('?') || raw.includes('#')) refuse('put query parameters into params, not into the path');
  if (CONTROL.test(raw) || raw.includes('\\')) refuse('it contains control characters or a backslash');
  if (raw.includes('..')) refuse('".." is not allowed anywhere in a path');
  const rawSegs = raw.slice(1).split('/');
  if (rawSegs.length > 1 && rawSegs[rawSegs.length - 1] === '') rawSegs.pop();
  if (rawSegs.length === 0 || rawSegs.some((s) => s === '')) refuse('empty path segments ("//") are not allowed');
  const segments = rawSegs.map((s) => {
    let d: string;
    try {
      d = decodeURIComponent(s);
    } catch {
      refuse(`segment "${s}" has broken percent-encoding`);
    }
    // A decoded '%' means double encoding (%252e): a proxy that decodes twice would see dots or slashes.
    if (d.includes('%') || d.includes('..') || d.includes('\\') || CONTROL.test(d))
      refuse(`segment "${s}" decodes to something that could change the path`);
    if (d.split('/').some((part) => part === '.')) refuse(`segment "${s}" contains a dot-segment`);
    return d;
  });
  const [first = '', second] = segments;
  // Resource names must be written plainly: an encoded root ("%68osts", "hosts%2F…") is refused outright.
  if (rawSegs[0] !== first) refuse(`"${rawSegs[0] ?? ''}" is not a plain resource name`);
  const root = first === 'thruk' ? `thruk/${second ?? ''}` : first;
  if (first === 'thruk' && rawSegs[1] !== second) refuse(`"${rawSegs[1] ?? ''}" is not a plain resource name`);
  if (!ALLOWED_ROOTS.includes(root)) refuse(`"/${root}" is not on the allowlist`);
  if (first === 'sites' && segments.length > 1) refuse('/sites/<name>/… prefixes are not accepted; use the backends argument instead');
  if (segments[segments.length - 1] === 'config') refuse('object configuration endpoints (…/config) are not reachable through this tool');
  if (segments.some((s) => DANGEROUS_COMMAND.test(s))) refuse('core shutdown and restart commands are never sent');
  return { path: `/${segments.map(encodeSegment).join('/')}`, segments, thrukInternal: first === 'thruk' || first === 'index' };
}

/** A path that returns livestatus rows and may be paged: /<table> or /hosts/<name>/(services|alerts|notifications). */
export function isRowPath(p: CheckedPath): boolean {
  const [first = '', , third] = p.segments;
  if (p.segments.length === 1) return ROW_TABLES.has(first);
  return p.segments.length === 3 && first === 'hosts' && (third === 'services' || third === 'alerts' || third === 'notifications');
}
