/**
 * What makes one call a failure, beyond an error result: a write sent during a dry run, a dry run
 * that did not answer "preview", missing structuredContent, a secret in the answer, a core-scoped
 * answer that names another core's hosts, and a few counts compared with Thruk's own rows.
 */
import type { Estate } from './estate.js';
import type { Scope } from './recipes.js';
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

export function genericFindings(tool: ToolInfo, args: Record<string, unknown>, out: CallOutcome, scope: Scope, estate: Estate, secret: string): Finding[] {
  const f: Finding[] = [];
  if (out.thrown !== undefined) return [{ verdict: 'fail', detail: `protocol: ${firstLine(out.thrown)}` }];
  const blocked = out.wire.filter((w) => w.blocked === true);
  if (blocked.length > 0) f.push({ verdict: 'fail', detail: `tried to send ${blocked.map((w) => `${w.method} ${w.path}`).join(', ')} while writes were not allowed` });
  if (out.isError) f.push({ verdict: 'error', detail: firstLine(out.text) });
  const json = out.structured === undefined ? '' : JSON.stringify(out.structured);
  if (secret !== '' && (out.text.includes(secret) || json.includes(secret))) f.push({ verdict: 'fail', detail: 'the API key appears in the answer' });
  if (!out.isError && tool.outputSchema !== undefined && out.structured === undefined) f.push({ verdict: 'fail', detail: 'no structuredContent although the tool declares an output schema' });
  if (args.dry_run === true && !out.isError && out.structured?.status !== 'preview') f.push({ verdict: 'fail', detail: `dry run answered status ${JSON.stringify(out.structured?.status)}, not "preview"` });
  if (scope.core !== undefined && !out.isError) {
    const leaked: string[] = [];
    for (const [core, names] of estate.exclusive) {
      if (core === scope.core) continue;
      for (const n of names) if (mentions(out.text, n) || mentions(json, n)) leaked.push(`${n}@${core}`);
    }
    if (leaked.length > 0) f.push({ verdict: 'fail', detail: `backends=${scope.core} but the answer names ${leaked.slice(0, 4).join(', ')}${leaked.length > 4 ? '…' : ''}` });
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
    case 'thruk_list_hosts': count('hosts', num(s.total), e.hosts.length); break;
    case 'thruk_list_services': count('services', num(s.total), e.services.length); break;
    case 'thruk_list_downtimes': {
      // The tool's default is active_only: in effect now.
      const now = Date.now() / 1000;
      count('downtimes in effect', num(s.total), e.downtimes.filter((d) => d.start_time <= now && now <= d.end_time).length);
      break;
    }
    case 'thruk_list_comments': count('comments', num(s.total), e.comments.length); break;
    case 'thruk_problems': {
      const missing = e.hosts.filter((h) => h.state !== 0 && !mentions(out.text, h.name)).map((h) => h.name);
      if (missing.length > 0) f.push({ verdict: 'mismatch', detail: `problem hosts not shown (include_handled): ${missing.join(', ')}` });
      break;
    }
    case 'thruk_get_host': {
      if (scope.core === undefined && estate.shared.length > 0 && estate.cores.length > 1) {
        const unnamed = estate.cores.filter((c) => estate.byCore.get(c)!.hosts.some((h) => h.name === estate.shared[0]) && !mentions(out.text, c));
        if (unnamed.length > 0) f.push({ verdict: 'mismatch', detail: `${estate.shared[0]} exists on several cores; the answer does not name ${unnamed.join(', ')}` });
      }
      break;
    }
    default:
  }
  return f;
}

export function worst(findings: Finding[]): Verdict {
  const order: Verdict[] = ['fail', 'mismatch', 'error', 'skip', 'ok'];
  for (const v of order) if (findings.some((x) => x.verdict === v)) return v;
  return 'ok';
}
