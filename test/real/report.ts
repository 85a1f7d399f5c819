/** The tables the real suite prints: one row per tool with a cell per scope, and the round trips. */
import type { Finding, Verdict } from './checks.js';
import type { StepResult } from './roundtrips.js';

export interface CallRow {
  tool: string;
  access: string;
  scope: string;
  verdict: Verdict;
  ms: number;
  requests: number;
  findings: Finding[];
  args: Record<string, unknown>;
  /** The answer's text, kept for non-ok calls (the report file), cut to 4000 characters. */
  text?: string;
  /** Thruk requests that failed (status 400+) during a non-ok call: the exact request and answer. */
  failedRequests?: Array<{ method: string; path: string; query: string; status?: number; error?: string }>;
}

const LABEL: Record<Verdict, string> = { ok: 'ok', error: 'ERROR', fail: 'FAIL', mismatch: 'MISMATCH', skip: 'skip' };

function cell(r: CallRow | undefined): string {
  if (r === undefined) return '';
  return r.verdict === 'skip' ? 'skip' : `${LABEL[r.verdict]} ${Math.round(r.ms)}ms/${r.requests}r`;
}

function table(header: string[], rows: string[][], markdown: boolean): string {
  if (markdown) {
    const esc = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
    return [
      `| ${header.map(esc).join(' | ')} |`,
      `|${header.map(() => '---').join('|')}|`,
      ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`),
    ].join('\n');
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => (c ?? '').padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export function toolTable(rows: CallRow[], scopes: string[], markdown = false): string {
  const tools = [...new Set(rows.map((r) => r.tool))];
  const body = tools.map((t) => {
    const mine = rows.filter((r) => r.tool === t);
    return [t, mine[0]?.access ?? '', ...scopes.map((s) => cell(mine.find((r) => r.scope === s)))];
  });
  return table(['tool', 'access', ...scopes], body, markdown);
}

export function findingsList(rows: CallRow[]): string {
  const bad = rows.filter((r) => r.verdict !== 'ok');
  if (bad.length === 0) return 'No findings.';
  return bad
    .map(
      (r) =>
        `- ${r.tool} [${r.scope}] ${JSON.stringify(r.args)}\n${r.findings.map((f) => `    ${LABEL[f.verdict]}: ${f.detail}`).join('\n')}`,
    )
    .join('\n');
}

export function stepTable(steps: StepResult[], markdown = false): string {
  return table(
    ['core', 'target', 'step', 'result', 'detail'],
    steps.map((s) => [s.core, s.target, s.step, s.verdict === 'ok' ? 'ok' : s.verdict.toUpperCase(), s.detail]),
    markdown,
  );
}
