import { z } from 'zod';
/** The paged log list every list tool of this toolset shares: count, exact cut, page, render. */
import type { FilterLeaf, FilterNode } from '../../thruk/filter.js';
import { ToolInputError, type ToolContext } from '../core/define.js';
import { ago, cell, formatValue, iso } from '../lib/format.js';
import { readCores, type CoreInfo } from '../lib/cores.js';
import { heldLogRows, hiddenRowsNote, logHistogram, type LogHistogram, type PreparedLogQuery } from '../lib/logquery.js';
import { listOutput, page, pick, withColumns } from '../lib/list.js';
import {
  className,
  commandObject,
  hasCheckState,
  LOG_CAP,
  optionsOf,
  rowHost,
  rowKind,
  stamp,
  stateWord,
  str,
  type Row,
} from './common.js';
import { windowText } from '../lib/logwindow.js';
import { fetchEdge } from './fetch.js';
import { prepareScoped, type LineKind } from './filters.js';
import { readNotification } from './notify.js';

/** A log list's answer: a list, plus the rows per core when several cores answered. */
export const logListOutput = listOutput.extend({
  cores: z
    .array(
      z.object({
        core: z.string(),
        total: z.number(),
        hidden: z.number().optional().describe('Rows the core holds in the window but did not return for it'),
      }),
    )
    .optional()
    .describe("Several cores: the window's rows per core"),
});
export type LogListOutput = z.output<typeof logListOutput>;

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
    return n.state !== undefined && n.reason !== 'PROBLEM' && n.reason !== 'RECOVERY' ? `${n.reason} (${n.state})` : (n.state ?? n.reason);
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
  // Naemon's Livestatus fills host_name (and service_description) of a command row from the line's
  // first fields, which for DEL_HOST_DOWNTIME;3 is the id: the line decides for commands.
  if (str(r.type) === 'EXTERNAL COMMAND') return commandObject(r);
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
  readonly data: LogListOutput;
  readonly lines: string[];
  readonly header: string;
  readonly footer: string[];
  /** Several cores: each line ends with its core, the header gets a `core` column. */
  readonly coreColumn?: boolean;
}

/** One core's part of a window: its count, and rows its Livestatus did not return for the window. */
interface CorePart {
  readonly core: CoreInfo | undefined;
  readonly total: number;
  readonly hidden: number;
  readonly histogram?: LogHistogram;
}

/** Whether the cached /sites (no request) already lists several cores in this scope. */
function knownSeveral(ctx: ToolContext, backends: string[] | undefined): boolean {
  const sites = ctx.thruk.peek<unknown>('/sites', backends ? { backends } : {});
  return Array.isArray(sites) && sites.length > 1;
}

/** Rows the core holds in the window but did not return for it (see heldLogRows). */
function silentNote(what: string, part: CorePart, since: number): string {
  return hiddenRowsNote(what, part.core?.name, part.total, part.hidden, since);
}

export async function runList(ctx: ToolContext, req: ListRequest, render: (r: Row) => string): Promise<ListResult> {
  const partOf = async (prepared: PreparedLogQuery, core: CoreInfo | undefined): Promise<CorePart> => {
    const backends = core !== undefined ? [core.key] : req.backends;
    // The per-second histogram counts the window and tells fetchEdge where to cut, in one round with the held count.
    const [{ total: n, histogram }, held] = await Promise.all([
      logHistogram(ctx, prepared, req.since, req.until, backends),
      heldLogRows(ctx, prepared, req.since, req.until, backends),
    ]);
    const hidden = Math.max(0, held - n);
    return { core, total: n, hidden, histogram };
  };
  const preparing = prepareScoped(ctx, {
    filter: req.filter,
    extra: req.extra ?? [],
    backends: req.backends,
    ...(req.line ? { line: req.line } : {}),
  });
  // Unless the cached sites already show several cores, the window is counted for the whole scope
  // while the cores are still being read (issue 18: one round less when /sites is not cached);
  // with several cores that count is dropped and each core is counted on its own.
  const whole = knownSeveral(ctx, req.backends) ? undefined : preparing.then((p) => (p.empty ? undefined : partOf(p, undefined)));
  whole?.catch(() => undefined);
  const [prepared, cores] = await Promise.all([preparing, readCores(ctx, req.backends)]);
  // Newest (or oldest) N is built per core and merged: Thruk passes a window to every core and
  // merges what comes back, and a core whose Livestatus hides part of the window must be named.
  const perCore: ReadonlyArray<CoreInfo | undefined> = cores.several ? cores.all : [undefined];
  const parts: CorePart[] = prepared.empty
    ? []
    : await Promise.all(
        perCore.map(async (core): Promise<CorePart> => {
          const spec = core === undefined ? await whole : undefined;
          return spec ?? partOf(prepared, core);
        }),
      );
  const total = parts.reduce((a, p) => a + p.total, 0);
  const notes = [...prepared.notes];
  const silent = parts.filter((p) => p.hidden > 0);
  const reachable = Math.min(total, LOG_CAP);
  if (req.offset > 0 && req.offset >= reachable && total > 0) {
    if (req.offset >= LOG_CAP && total > LOG_CAP) {
      throw new ToolInputError(
        `offset ${req.offset} is beyond the ${LOG_CAP} ${req.order === 'newest' ? 'newest' : 'oldest'} events this tool pages through (the window has ${total}). Narrow the window instead: move ${req.order === 'newest' ? 'until' : 'since'} to the time of the last row you saw, or add a filter.`,
      );
    }
  }
  const need = Math.min(req.offset + req.limit, LOG_CAP);
  const fetchColumns = cores.several
    ? (withColumns(req.fetchColumns ?? req.columns, ['time', 'peer_name']) ?? [])
    : (req.fetchColumns ?? req.columns ?? []);
  const edges =
    total === 0 || req.offset >= reachable
      ? []
      : await Promise.all(
          parts
            .filter((p) => p.total > 0)
            .map((p) =>
              fetchEdge(ctx, prepared, {
                since: req.since,
                until: req.until,
                columns: fetchColumns,
                maxRows: need,
                order: req.order,
                total: p.total,
                histogram: p.histogram,
                backends: p.core !== undefined ? [p.core.key] : req.backends,
              }),
            ),
        );
  let rows = mergeByTime(
    edges.map((e) => e.rows),
    req.order,
  ).slice(0, need);
  // Where the merged page was cut: the latest per-core cut (newest first) or the earliest (oldest first).
  const edgeFrom = edges.length === 0 ? req.since : Math.max(...edges.map((e) => e.from));
  const edgeTo = edges.length === 0 ? req.until : Math.min(...edges.map((e) => e.to));
  if (req.transform) {
    const t = req.transform(rows);
    rows = t.rows;
    notes.push(...t.notes);
  }
  const shownRender = cores.several ? (r: Row): string => `${render(r)} | ${cell(r.peer_name)}` : render;
  const p = page(rows, shownRender, { offset: req.offset, limit: req.limit, budgetTokens: ctx.config.maxAnswerTokens, what: req.what });
  const columns =
    cores.several && req.columns !== undefined && !req.columns.includes('peer_name') ? [...req.columns, 'peer_name'] : req.columns;
  // page() saw only the fetched rows; paging facts are about the whole window.
  const meta: LogListOutput = { total, offset: req.offset, returned: p.meta.returned, rows: p.rows.map((r) => pick(r, columns)) };
  const end = req.offset + p.meta.returned;
  if (end < reachable && p.meta.returned > 0) meta.next_offset = end;
  if (p.meta.truncated === true) meta.truncated = true;
  const order = req.order === 'newest' ? 'newest first' : 'oldest first';
  if (total > LOG_CAP) {
    const edgeTime = req.order === 'newest' ? `from ${iso(edgeFrom)}` : `up to ${iso(edgeTo)}`;
    notes.push(
      `window has ${total} events; paging reaches the ${req.order === 'newest' ? 'newest' : 'oldest'} ${LOG_CAP} (this page was cut ${edgeTime}); narrow the window or add a filter to see the rest.`,
    );
  }
  if (total > 0 && p.meta.returned === 0 && req.offset < reachable)
    notes.push('more events share one second than this page can hold; raise limit.');
  // A core that hid rows is said first: the answer is one-sided without it.
  const warnings = silent.map((s) => silentNote(req.what, s, req.since));
  if (warnings.length > 0 || notes.length > 0) meta.notes = [...warnings, ...notes];
  if (cores.several && parts.length > 0)
    meta.cores = parts.map((x) => ({ core: x.core?.name ?? '', total: x.total, ...(x.hidden > 0 ? { hidden: x.hidden } : {}) }));
  const byCore = cores.several && total > 0 ? ` (${parts.map((x) => `${x.core?.name ?? '?'} ${x.total}`).join(', ')})` : '';
  const range =
    total === 0
      ? `No ${req.what} in ${windowText(req)}.`
      : p.meta.returned === 0
        ? `${req.what}: none at offset ${req.offset} of ${total}${byCore} in ${windowText(req)}.`
        : `${req.what} ${req.offset + 1}-${end} of ${total}${byCore}, ${order}, ${windowText(req)}`;
  const header = warnings.length > 0 ? [range, ...warnings.map((w) => `Warning: ${w}`)].join('\n') : range;
  const footer: string[] = [];
  if (meta.next_offset !== undefined) {
    const why = meta.truncated === true ? ' (cut to fit the answer budget; fewer columns fit more rows per page)' : '';
    footer.push(
      `${reachable - meta.next_offset} more${total > reachable ? ` reachable (${total - reachable} beyond the cap)` : ''} not shown${why}. Next page: offset=${meta.next_offset}.`,
    );
  }
  for (const n of notes) footer.push(`Note: ${n}`);
  return { data: meta, lines: p.lines, header, footer, coreColumn: cores.several };
}

/** Merges per-core lists that are each in `order` by time (stable: the earlier list first on ties). */
export function mergeByTime(lists: readonly Row[][], order: 'newest' | 'oldest'): Row[] {
  if (lists.length === 1) return [...(lists[0] ?? [])];
  const t = (r: Row): number => (typeof r.time === 'number' ? r.time : Number(r.time) || 0);
  const all = lists.flatMap((l, li) => l.map((r, i) => ({ r, li, i })));
  all.sort((a, b) => (order === 'newest' ? t(b.r) - t(a.r) : t(a.r) - t(b.r)) || a.li - b.li || a.i - b.i);
  return all.map((x) => x.r);
}

export function renderResult(r: ListResult, columnsHeader: readonly string[]): string {
  const parts = [r.header];
  if (r.lines.length > 0) parts.push([...columnsHeader, ...(r.coreColumn === true ? ['core'] : [])].join(' | '), ...r.lines);
  parts.push(...r.footer);
  return parts.join('\n');
}
