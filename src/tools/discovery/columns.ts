/** Turns one sampled row into a column list: JSON type, a short example, and what we know about it. */
import { cell, isTimeColumn } from '../lib/format.js';
import type { Row } from '../lib/list.js';
import { COLUMN_NOTES, HIDDEN_EXAMPLE, NULL_ON_THRUK } from './knowledge.js';

export interface ColumnInfo {
  name: string;
  type: string;
  example?: string;
  note?: string;
}

export interface Sampled {
  columns: ColumnInfo[];
  custom_variables: string[];
  host_custom_variables: string[];
  perf_labels: string[];
}

const EXAMPLE_MAX = 40;
const FLAG_NAME =
  /(_enabled|^(host_)?(is_[a-z_]+|in_[a-z_]+|accept_passive_checks|obsess_over_[a-z]+|check_freshness|process_performance_data|has_been_checked))$/;
/** Tables whose flags the core sends: JSON booleans on Icinga 2, 0/1 on Naemon. */
const CORE_TABLES: ReadonlySet<string> = new Set(['/hosts', '/services', '/downtimes', '/comments', '/contacts', '/processinfo']);

function jsonType(name: string, v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) {
    const kinds = new Set(
      v
        .filter((x) => x !== null && x !== undefined)
        .map((x) => (Array.isArray(x) ? 'lists' : typeof x === 'object' ? 'objects' : typeof x === 'number' ? 'numbers' : `${typeof x}s`)),
    );
    return kinds.size === 1 ? `list of ${[...kinds][0] ?? ''}` : 'list';
  }
  if (typeof v === 'number') {
    if (isTimeColumn(name.replace(/^host_/, ''))) return 'epoch seconds';
    return Number.isInteger(v) ? 'integer' : 'number';
  }
  if (typeof v === 'object') return 'object';
  return typeof v;
}

function example(name: string, v: unknown): string | undefined {
  if (v === null || v === undefined || v === '') return undefined;
  if (HIDDEN_EXAMPLE.test(name)) return '(not shown)';
  if (Array.isArray(v) && v.length === 0) return undefined;
  if (typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0) return undefined;
  return cell(v, EXAMPLE_MAX);
}

/** Names of the perf-data labels Thruk expanded into keys of this row (`rta`, `rta_unit`, …). */
function perfLabels(row: Row, field: string): string[] {
  const list = row[field];
  if (!Array.isArray(list)) return [];
  return list.map((p: unknown) => (p !== null && typeof p === 'object' && 'name' in p ? String(p.name) : '')).filter((n) => n !== '');
}

export function describeRow(path: string, row: Row): Sampled {
  const notes = COLUMN_NOTES[path] ?? {};
  const nulls = new Set(NULL_ON_THRUK[path] ?? []);
  const perf = perfLabels(row, 'perf_data_expanded');
  const hostPerf = perfLabels(row, 'host_perf_data_expanded');
  const expanded = new Set([...perf.flatMap((l) => [l, `${l}_unit`]), ...hostPerf.flatMap((l) => [`host_${l}`, `host_${l}_unit`])]);
  const out: Sampled = {
    columns: [],
    custom_variables: [],
    host_custom_variables: [],
    perf_labels: [...new Set([...perf, ...hostPerf.map((l) => `host_${l}`)])],
  };
  for (const [name, v] of Object.entries(row)) {
    if (name.startsWith('_')) {
      // On service rows Thruk adds the host's variables as _HOST<NAME>.
      (path === '/services' && name.startsWith('_HOST') ? out.host_custom_variables : out.custom_variables).push(name);
      continue;
    }
    if (expanded.has(name) && !(name in notes)) continue;
    const info: ColumnInfo = { name, type: jsonType(name, v) };
    const ex = example(name, v);
    if (ex !== undefined) info.example = ex;
    const known = notes[name];
    const parts: string[] = [];
    if (known !== undefined) parts.push(known);
    if (typeof v === 'boolean' && CORE_TABLES.has(path)) parts.push('true/false here; Naemon answers 0/1');
    else if ((v === 0 || v === 1) && known === undefined && FLAG_NAME.test(name)) parts.push('flag 0/1');
    if (info.type === 'epoch seconds' && v === 0) parts.push('0 = never');
    if (v === null && nulls.has(name)) parts.push('always null on Thruk (not in its default column set)');
    else if (v === null && known === undefined) parts.push('null in this row');
    if (parts.length > 0) info.note = parts.join('; ');
    out.columns.push(info);
  }
  return out;
}

export function documentedColumns(path: string, names: readonly string[]): ColumnInfo[] {
  const notes = COLUMN_NOTES[path] ?? {};
  return names.map((name) => {
    const note = notes[name];
    return note === undefined
      ? { name, type: isTimeColumn(name) ? 'epoch seconds' : '' }
      : { name, type: isTimeColumn(name) ? 'epoch seconds' : '', note };
  });
}
