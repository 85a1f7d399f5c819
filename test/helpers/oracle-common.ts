/* eslint-disable @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access -- answers not read typed yet (issue 16; see test/helpers/harness.ts) */
/** What the oracle's properties share: a property's type, a checked tool call, paging through text tables. */
import assert from 'node:assert/strict';
import type { CallResult, Harness } from './loose.js';

export const epoch = (iso: string): number => Math.floor(Date.parse(iso) / 1000);

export async function ok(h: Harness, name: string, args: Record<string, unknown> = {}): Promise<CallResult> {
  const r = await h.call(name, args);
  assert.notEqual(r.isError, true, `${name} ${JSON.stringify(args)} failed: ${r.text.slice(0, 300)}`);
  return r;
}

/** Table rows of a text answer: lines after the header line that starts with `first`, split at ' | '. */
export function tableRows(text: string, first: string): string[][] {
  const lines = text.split('\n');
  const at = lines.findIndex((l) => l.startsWith(`${first} | `));
  if (at < 0) return [];
  const out: string[][] = [];
  for (const l of lines.slice(at + 1)) {
    if (!l.includes(' | ')) break;
    out.push(l.split(' | '));
  }
  return out;
}

/** Every page of a paged tool: the table rows of each page's text, and the first page's data. */
export async function allPages(
  h: Harness,
  name: string,
  args: Record<string, unknown>,
  first: string,
): Promise<{ rows: string[][]; total: number }> {
  const rows: string[][] = [];
  let offset = 0;
  let total = 0;
  for (let i = 0; i < 50; i++) {
    const r = await ok(h, name, { ...args, offset });
    total = r.structured.total;
    rows.push(...tableRows(r.text, first));
    if (r.structured.next_offset === undefined) break;
    offset = r.structured.next_offset;
  }
  return { rows, total };
}

export function sub(obj: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(keys.map((k) => [k, obj[k] ?? 0]));
}

export type Property = (h: Harness) => Promise<void>;
