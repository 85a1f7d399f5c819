import { estimateTokens } from '../lib/format.js';
import { page, type Row } from '../lib/list.js';

export interface Rendered {
  /** The data as Thruk sent it (rows cut to the budget), or absent when only result_text fits. */
  readonly result?: unknown;
  /** A non-list answer too big for the budget: its JSON text, cut. */
  readonly result_text?: string;
  readonly total?: number;
  readonly returned?: number;
  readonly truncated?: boolean;
  readonly lines: string[];
  readonly notes: string[];
}

const isRow = (v: unknown): v is Row => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Defence in depth: whatever Thruk answers, the configured key never goes back to the model. */
export function withoutSecret(value: unknown, secret: string): { value: unknown; redacted: boolean } {
  if (secret.length < 4) return { value, redacted: false };
  const text = JSON.stringify(value);
  if (text === undefined || !text.includes(secret)) return { value, redacted: false };
  return { value: JSON.parse(text.split(secret).join('***')) as unknown, redacted: true };
}

/** Unknown columns are not an error in Thruk: they come back as null in every row. */
function nullColumns(rows: readonly Row[], requested: readonly string[]): string[] {
  if (rows.length === 0) return [];
  return requested.filter((c) => /^[A-Za-z0-9_]+$/.test(c) && rows.every((r) => r[c] === null || r[c] === undefined));
}

/**
 * JSON under the answer budget: rows are cut whole (one compact JSON line each) and the cut is
 * announced; any other value is shown whole or as cut JSON text.
 */
export function renderJson(
  value: unknown,
  opts: { budgetTokens: number; secret: string; columns?: readonly string[]; more: string },
): Rendered {
  const { value: clean, redacted } = withoutSecret(value, opts.secret);
  const notes: string[] = redacted ? ['A value equal to the configured API key was replaced by ***.'] : [];
  if (Array.isArray(clean) && clean.every(isRow)) {
    const rows = clean;
    const p = page(rows, (r) => JSON.stringify(r), {
      offset: 0,
      limit: Math.max(1, rows.length),
      budgetTokens: opts.budgetTokens,
      what: 'rows',
    });
    const unknown = nullColumns(rows, opts.columns ?? []);
    if (unknown.length > 0)
      notes.push(
        `Column${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} came back null in every row: Thruk answers null for column names it does not know; check them with thruk_describe.`,
      );
    if (p.rows.length < rows.length) notes.push(`Only ${p.rows.length} of ${rows.length} rows fit the answer budget. ${opts.more}`);
    return {
      result: p.rows,
      total: rows.length,
      returned: p.rows.length,
      ...(p.rows.length < rows.length ? { truncated: true } : {}),
      lines: p.lines,
      notes,
    };
  }
  const text = JSON.stringify(clean) ?? 'null';
  if (estimateTokens(text) + 200 <= opts.budgetTokens) return { result: clean, lines: [text], notes };
  const cut = text.slice(0, Math.max(200, opts.budgetTokens * 3 - 600));
  notes.push(`The answer (${text.length} characters) was cut to fit the answer budget. ${opts.more}`);
  return { result_text: cut, truncated: true, lines: [`${cut}…`], notes };
}
