/** The paged log list every list tool of this toolset shares: count, exact cut, page, render. */
import type { FilterLeaf, FilterNode } from '../../thruk/filter.js';
import { ToolInputError, type ToolContext } from '../define.js';
import { ago, cell, formatValue, iso } from '../format.js';
import { countLogs } from '../logquery.js';
import { page, pick, type ListOutput } from '../state/common.js';
import { className, commandObject, hasCheckState, LOG_CAP, optionsOf, rowHost, rowKind, stamp, stateWord, str, windowText, type Row } from './common.js';
import { fetchEdge } from './fetch.js';
import { prepareScoped, type LineKind } from './filters.js';
import { readNotification } from './notify.js';

export interface ListRequest {
  readonly what: string;
  readonly filter: FilterNode | undefined;
  readonly extra?: readonly FilterLeaf[];
  readonly line?: LineKind;
  readonly since: number;
  readonly until: number;
  readonly order: 'newest' | 'oldest';
  readonly offset: number;
  readonly limit: number;
  /** Columns for data rows; undefined = every column. */
  readonly columns: string[] | undefined;
  /** Extra columns the renderer reads (default view only). */
  readonly fetchColumns: string[] | undefined;
  readonly custom: boolean;
  readonly backends: string[] | undefined;
  /** Rewrites rows before paging (notification repair). */
  readonly transform?: (rows: Row[]) => { rows: Row[]; notes: string[] };
}

export const LOG_LINE_HEADER = ['time', 'type', 'object', 'state', 'message'];

/** State words of a log row, told host/service by its type. */
export function rowState(r: Row): string {
  const type = str(r.type);
  const kind = rowKind(r);
  if (/NOTIFICATION$/.test(type)) {
    const n = readNotification(r);
    return n.state !== undefined && n.reason !== 'PROBLEM' && n.reason !== 'RECOVERY' ? `${n.reason} (${n.state})` : n.state ?? n.reason;
  }
  if (kind !== undefined && hasCheckState(type) && r.state !== undefined && r.state !== null) {
    const st = typeof r.state_type === 'string' && /^(HARD|SOFT)$/.test(r.state_type) ? ` ${r.state_type}` : '';
    return `${stateWord(kind, r.state)}${st}`;
  }
  return typeof r.state_type === 'string' ? r.state_type : '';
}

/** The event's text; `seen` is the output last shown for the same object (repeated as "(same)"). */
function rowText(r: Row, seen?: string): string {
  const type = str(r.type);
  if (/NOTIFICATION$/.test(type)) {
    const n = readNotification(r);
    const ack = n.author !== undefined ? ` (${n.author}: ${n.comment ?? ''})` : '';
    return `to ${n.contact} via ${n.command}: ${seen !== undefined && n.output === seen ? '(same)' : n.output}${ack}`;
  }
  if (hasCheckState(type) && typeof r.plugin_output === 'string' && r.plugin_output !== '') return r.plugin_output;
  const opts = optionsOf(r);
  return opts === '' ? str(r.message) : opts;
}

function rowObject(r: Row): string {
  if (/NOTIFICATION$/.test(str(r.type))) {
    const n = readNotification(r);
    return n.service !== undefined ? `${n.host}/${n.service}` : n.host;
  }
  const h = rowHost(r);
  if (h === '') return commandObject(r);
  const s = str(r.service_description);
  return s !== '' ? `${h}/${s}` : h;
}

/** "3h ago": the one age format of every tool (format.ts); the exact time stands next to it. */
function ageOf(epochSec: unknown, nowMs: number): string {
  const t = typeof epochSec === 'number' ? epochSec : Number(epochSec);
  if (!Number.isFinite(t) || t <= 0) return '';
  return ago(nowMs / 1000 - t);
}

/** "lb-01;http-vip;STARTED; Service has entered…" → "Service has entered…": object and state have their own cells. */
function withoutEcho(text: string, object: string, state: string): string {
  const echo = `${object.replace('/', ';')};${state};`;
  return state !== '' && text.startsWith(echo) ? text.slice(echo.length).trim() : text;
}

/**
 * One line per event, compact: the date once per day (a line of its own), then the time of day,
 * with its age only when the age changed since the line above; HOST/SERVICE left out of the type
 * (the object says which); an output repeated for the same object (the notifications of an
 * alert) as "(same)", and the same notification to a further contact as "also to <contact>".
 * Stateful: one per answer.
 */
export function logLine(nowMs: number) {
  let day = '';
  let lastAge = '';
  let lastNote = '';
  const lastText = new Map<string, string>();
  return (r: Row): string => {
    const at = stamp(r.time, nowMs);
    const d = at.slice(0, 10);
    const lead = d !== day && d !== '' ? `${d}:\n` : '';
    if (lead !== '') lastAge = '';
    day = d === '' ? day : d;
    const a = ageOf(r.time, nowMs);
    const time = a !== lastAge && a !== '' ? `${at.slice(11, 19)} (${a})` : at.slice(11, 19);
    lastAge = a === '' ? lastAge : a;
    const object = rowObject(r);
    const state = rowState(r);
    const type = str(r.type);
    if (/NOTIFICATION$/.test(type)) {
      // The same notification fanned out to several contacts: say only who else got it.
      const n = readNotification(r);
      const key = [r.time, object, state, n.command, n.output, n.author ?? '', n.comment ?? ''].join('\u0000');
      const same = key === lastNote;
      lastNote = key;
      if (same) return `${lead}${time} | also to ${n.contact}`;
    } else lastNote = '';
    const seen = lastText.get(object);
    const full = rowText(r);
    const output = /NOTIFICATION$/.test(type) ? readNotification(r).output : full;
    const text = output !== '' && output === seen ? (full === output ? '(same)' : rowText(r, seen)) : withoutEcho(full, object, state);
    if (output !== '') lastText.set(object, output);
    return `${lead}${[time, type.replace(/^(HOST|SERVICE) /, ''), object, state, cell(text, 200)].join(' | ')}`;
  };
}

/** User-chosen columns, with states as words and times as ISO. */
export function customLine(cols: readonly string[], nowMs: number) {
  return (r: Row): string =>
    cols
      .map((c) => {
        const v = r[c];
        if (c === 'time') return stamp(v, nowMs);
        if (c === 'class') return className(v);
        if (c === 'state' && /NOTIFICATION$/.test(str(r.type))) return readNotification(r).state ?? '';
        if (c === 'state' && rowKind(r) !== undefined && hasCheckState(str(r.type))) return stateWord(rowKind(r) ?? 'service', v);
        return formatValue('other', c, v, r, nowMs);
      })
      .join(' | ');
}

export interface ListResult {
  readonly data: ListOutput;
  readonly lines: string[];
  readonly header: string;
  readonly footer: string[];
}

export async function runList(ctx: ToolContext, req: ListRequest, render: (r: Row) => string): Promise<ListResult> {
  const prepared = await prepareScoped(ctx, { filter: req.filter, extra: req.extra ?? [], backends: req.backends, ...(req.line ? { line: req.line } : {}) });
  const total = prepared.empty ? 0 : await countLogs(ctx, prepared, req.since, req.until, req.backends);
  const notes = [...prepared.notes];
  const reachable = Math.min(total, LOG_CAP);
  if (req.offset > 0 && req.offset >= reachable && total > 0) {
    if (req.offset >= LOG_CAP && total > LOG_CAP) {
      throw new ToolInputError(`offset ${req.offset} is beyond the ${LOG_CAP} ${req.order === 'newest' ? 'newest' : 'oldest'} events this tool pages through (the window has ${total}). Narrow the window instead: move ${req.order === 'newest' ? 'until' : 'since'} to the time of the last row you saw, or add a filter.`);
    }
  }
  const need = Math.min(req.offset + req.limit, LOG_CAP);
  const edge = total === 0 || req.offset >= reachable
    ? { rows: [] as Row[], from: req.since, to: req.until, truncated: false }
    : await fetchEdge(ctx, prepared, { since: req.since, until: req.until, columns: req.fetchColumns ?? req.columns ?? [], maxRows: need, order: req.order, total, backends: req.backends });
  let rows = edge.rows;
  if (req.transform) {
    const t = req.transform(rows);
    rows = t.rows;
    notes.push(...t.notes);
  }
  const p = page(rows, render, { offset: req.offset, limit: req.limit, budgetTokens: ctx.config.maxAnswerTokens, what: req.what });
  // page() saw only the fetched rows; paging facts are about the whole window.
  const meta: ListOutput = { total, offset: req.offset, returned: p.meta.returned, rows: p.rows.map((r) => pick(r, req.columns)) };
  const end = req.offset + p.meta.returned;
  if (end < reachable && p.meta.returned > 0) meta.next_offset = end;
  if (p.meta.truncated === true) meta.truncated = true;
  const order = req.order === 'newest' ? 'newest first' : 'oldest first';
  if (total > LOG_CAP) {
    const edgeTime = req.order === 'newest' ? `from ${iso(edge.from)}` : `up to ${iso(edge.to)}`;
    notes.push(`window has ${total} events; paging reaches the ${req.order === 'newest' ? 'newest' : 'oldest'} ${LOG_CAP} (this page was cut ${edgeTime}); narrow the window or add a filter to see the rest.`);
  }
  if (total > 0 && p.meta.returned === 0 && req.offset < reachable) notes.push('more events share one second than this page can hold; raise limit.');
  if (notes.length > 0) meta.notes = notes;
  const range = total === 0 ? `No ${req.what} in ${windowText(req.since, req.until)}.` : p.meta.returned === 0 ? `${req.what}: none at offset ${req.offset} of ${total} in ${windowText(req.since, req.until)}.` : `${req.what} ${req.offset + 1}-${end} of ${total}, ${order}, ${windowText(req.since, req.until)}`;
  const footer: string[] = [];
  if (meta.next_offset !== undefined) {
    const why = meta.truncated === true ? ' (cut to fit the answer budget; fewer columns or a smaller limit show more per page)' : '';
    footer.push(`${reachable - meta.next_offset} more${total > reachable ? ` reachable (${total - reachable} beyond the cap)` : ''} not shown${why}. Next page: offset=${meta.next_offset}.`);
  }
  for (const n of notes) footer.push(`Note: ${n}`);
  return { data: meta, lines: p.lines, header: range, footer };
}

export function renderResult(r: ListResult, columnsHeader: readonly string[]): string {
  const parts = [r.header];
  if (r.lines.length > 0) parts.push(columnsHeader.join(' | '), ...r.lines);
  parts.push(...r.footer);
  return parts.join('\n');
}
