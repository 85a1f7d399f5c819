/* eslint-disable @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access -- answers not read typed yet (issue 16; see test/helpers/harness.ts) */
/**
 * What makes one call a failure, beyond an error result: a write sent during a dry run, a dry run
 * that did not answer "preview", missing structuredContent, a secret in the answer, a core-scoped
 * answer that names another core's hosts, and a few counts compared with Thruk's own rows.
 */
import type { Estate, Truth } from './estate.js';
import { twoHosts, type Scope } from './recipes.js';
import type { CallOutcome, ToolInfo } from './rig.js';

export type Verdict = 'ok' | 'error' | 'fail' | 'mismatch' | 'skip';

export interface Finding {
  verdict: Verdict;
  detail: string;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** `name` as a whole host name: not part of a longer name such as nae-web-01 or web-010. */
export function mentions(haystack: string, name: string): boolean {
  return new RegExp(`(^|[^\\w.-])${escapeRe(name)}($|[^\\w.-])`).test(haystack);
}

export function firstLine(s: string, max = 160): string {
  const line = s.split('\n').find((l) => l.trim() !== '') ?? '';
  return line.length > max ? `${line.slice(0, max)}…` : line;
}

export function genericFindings(
  tool: ToolInfo,
  args: Record<string, unknown>,
  out: CallOutcome,
  scope: Scope,
  estate: Estate,
  secret: string,
): Finding[] {
  const f: Finding[] = [];
  if (out.thrown !== undefined) return [{ verdict: 'fail', detail: `protocol: ${firstLine(out.thrown)}` }];
  const blocked = out.wire.filter((w) => w.blocked === true);
  if (blocked.length > 0)
    f.push({
      verdict: 'fail',
      detail: `tried to send ${blocked.map((w) => `${w.method} ${w.path}`).join(', ')} while writes were not allowed`,
    });
  if (out.isError) f.push({ verdict: 'error', detail: firstLine(out.text) });
  const json = out.structured === undefined ? '' : JSON.stringify(out.structured);
  if (secret !== '' && (out.text.includes(secret) || json.includes(secret)))
    f.push({ verdict: 'fail', detail: 'the API key appears in the answer' });
  if (!out.isError && tool.outputSchema !== undefined && out.structured === undefined)
    f.push({ verdict: 'fail', detail: 'no structuredContent although the tool declares an output schema' });
  if (args.dry_run === true && !out.isError && out.structured?.status !== 'preview')
    f.push({ verdict: 'fail', detail: `dry run answered status ${JSON.stringify(out.structured?.status)}, not "preview"` });
  if (scope.core !== undefined && !out.isError) {
    const leaked: string[] = [];
    for (const [core, names] of estate.exclusive) {
      if (core === scope.core) continue;
      for (const n of names) if (mentions(out.text, n) || mentions(json, n)) leaked.push(`${n}@${core}`);
    }
    if (leaked.length > 0)
      f.push({
        verdict: 'fail',
        detail: `backends=${scope.core} but the answer names ${leaked.slice(0, 4).join(', ')}${leaked.length > 4 ? '…' : ''}`,
      });
  }
  return f;
}

const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);

/** Counts and names the tool must agree on with Thruk's own rows for this scope. */
export function truthFindings(tool: string, out: CallOutcome, scope: Scope, estate: Estate): Finding[] {
  if (out.isError || out.structured === undefined) return [];
  const s = out.structured;
  const e = scope.e;
  const f: Finding[] = [];
  const count = (what: string, got: number | undefined, want: number) => {
    if (got !== undefined && got !== want) f.push({ verdict: 'mismatch', detail: `${what}: tool says ${got}, Thruk has ${want}` });
  };
  switch (tool) {
    case 'thruk_list_hosts':
      count('hosts', num(s.total), e.hosts.length);
      break;
    case 'thruk_list_services': {
      const hosts = new Set(twoHosts(scope));
      count(`services of ${[...hosts].join(', ')} (filter op in)`, num(s.total), e.services.filter((x) => hosts.has(x.host_name)).length);
      break;
    }
    case 'thruk_list_downtimes': {
      // The tool's default is active_only: in effect now.
      const now = Date.now() / 1000;
      count('downtimes in effect', num(s.total), e.downtimes.filter((d) => d.start_time <= now && now <= d.end_time).length);
      break;
    }
    case 'thruk_list_comments':
      count('comments', num(s.total), e.comments.length);
      break;
    case 'thruk_problems': {
      const missing = e.hosts.filter((h) => h.state !== 0 && !mentions(out.text, h.name)).map((h) => h.name);
      if (missing.length > 0) f.push({ verdict: 'mismatch', detail: `problem hosts not shown (include_handled): ${missing.join(', ')}` });
      break;
    }
    case 'thruk_get_host': {
      if (scope.core === undefined && estate.shared.length > 0 && estate.cores.length > 1) {
        const unnamed = estate.cores.filter(
          (c) => estate.byCore.get(c)!.hosts.some((h) => h.name === estate.shared[0]) && !mentions(out.text, c),
        );
        if (unnamed.length > 0)
          f.push({
            verdict: 'mismatch',
            detail: `${estate.shared[0]} exists on several cores; the answer does not name ${unnamed.join(', ')}`,
          });
      }
      break;
    }
    default:
  }
  return f;
}

type Row = Record<string, unknown>;

/** Arrays of row objects in structuredContent, one or two levels down (rows, services, …). */
function rowArrays(v: unknown, depth = 0): Row[][] {
  if (depth > 2 || v === null || typeof v !== 'object') return [];
  if (Array.isArray(v)) return v.length > 0 && v.every((x) => x !== null && typeof x === 'object' && !Array.isArray(x)) ? [v as Row[]] : [];
  return Object.values(v).flatMap((x) => rowArrays(x, depth + 1));
}

const hostOf = (r: Row): string | undefined => [r.host, r.host_name, r.name].find((x): x is string => typeof x === 'string');
const coreOf = (r: Row): string | undefined =>
  [r.peer_name, r.peer_key, r.backend, r.core, r.site].find((x): x is string => typeof x === 'string');

/**
 * With several cores, rows of a host name that exists on two of them must be told apart in the
 * text a model reads (issue 13: "web-01 DOWN" must say which web-01): `web-01@naemon`, or a
 * core/site column.
 */
export function labelFindings(out: CallOutcome, scope: Scope, estate: Estate): Finding[] {
  if (scope.core !== undefined || estate.cores.length < 2 || out.isError || out.structured === undefined) return [];
  const hasCoreColumn = out.text.split('\n').some((l) => l.includes('|') && /(^|\|)\s*(core|site|backend)s?\s*(\||$)/i.test(l));
  if (hasCoreColumn) return [];
  const unlabelled = new Set<string>();
  for (const rows of rowArrays(out.structured)) {
    const cores = new Map<string, Set<string>>();
    for (const r of rows) {
      const h = hostOf(r);
      const c = coreOf(r);
      if (h === undefined || c === undefined || !estate.shared.includes(h)) continue;
      (cores.get(h) ?? cores.set(h, new Set()).get(h)!).add(c);
    }
    for (const [h, cs] of cores) if (cs.size > 1) for (const c of cs) if (!out.text.includes(`${h}@${c}`)) unlabelled.add(`${h}@${c}`);
  }
  return unlabelled.size === 0
    ? []
    : [
        {
          verdict: 'mismatch',
          detail: `rows of ${[...unlabelled].join(', ')} are in structuredContent but the text does not say which core each row is from`,
        },
      ];
}

export function worst(findings: Finding[]): Verdict {
  const order: Verdict[] = ['fail', 'mismatch', 'error', 'skip', 'ok'];
  for (const v of order) if (findings.some((x) => x.verdict === v)) return v;
  return 'ok';
}

/**
 * Checks that need a fresh look at Thruk's rows (the log moves on): the objects the core reported
 * as flapping in the window, read with [regex] (Thruk 3.20.2 ignores a [~] filter, see
 * test/fixtures/thruk/real-stack/hosts_name_tilde_filter_ignored.json).
 */
export async function liveFindings(tool: string, out: CallOutcome, scope: Scope, truth: Truth): Promise<Finding[]> {
  if (out.isError || out.structured === undefined) return [];
  if (tool === 'thruk_flap_summary') {
    const got = num(out.structured.total_flapping_alert_objects);
    const since = Math.floor(Date.now() / 1000) - 7200;
    const rows = (await truth.get(
      '/logs',
      { 'time[gte]': String(since), 'type[regex]': '^(HOST|SERVICE) FLAPPING ALERT$', columns: 'host_name,service_description,message' },
      scope.core,
    )) as Row[];
    const objects = new Set(
      rows.map((r) =>
        String(r.message)
          .replace(/^\[\d+\] [A-Z ]+: /, '')
          .split(';')
          .slice(0, 2)
          .join(';'),
      ),
    );
    if (got !== undefined && got > objects.size)
      return [
        { verdict: 'mismatch', detail: `says ${got} objects had FLAPPING ALERT events; Thruk's log has such rows for ${objects.size}` },
      ];
  }
  return [];
}
