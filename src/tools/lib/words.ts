/**
 * The small text vocabulary every toolset shares: counted nouns, the "several cores" test and the
 * ways a cell becomes a string. One definition each (test/vocabulary.test.ts keeps it so); where two
 * helpers did different things they carry different names.
 */
import { cell } from './format.js';

/** "1 host", "3 hosts" (or an irregular plural: "2 entries"). */
export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

/** true when the rows come from more than one core (then each line names its core). */
export function multiplePeers(rows: readonly { peer_name?: unknown }[]): boolean {
  const first = rows[0]?.peer_name;
  return rows.some((r) => r.peer_name !== first);
}

/** An object name exactly as Thruk sent it: strings, numbers as digits, anything else '' (names go into data unchanged, unlike cell()). */
export function nameText(v: unknown): string {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '';
}

/** A string column, or '' for anything else (numbers included). */
export function stringOr(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/** A column as display text: strings as they are, null/absent as '', anything else through cell(). */
export function cellText(v: unknown): string {
  return typeof v === 'string' ? v : v === null || v === undefined ? '' : cell(v);
}
