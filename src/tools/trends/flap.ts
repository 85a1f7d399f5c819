/**
 * Objects that changed state often. Step 1 counts alerts per object on the Thruk side: only an
 * object with more than min_transitions alerts can have that many transitions. Step 2 reads the
 * ordered rows of those candidates' hosts, as many as max_events allows, and says exactly which
 * candidates did not fit. FLAPPING ALERT rows (the core's own verdict) are counted alongside.
 */
import type { ToolContext } from '../core/define.js';
import { num } from '../lib/format.js';
import { aggregateLogsPerCore, coreParts, withHostSet, type PreparedLogQuery, type Row } from '../lib/logquery.js';
import type { ObjectStats } from './aggregate.js';
import { chunks, coreOf, hostOf, NAME_CHUNK, objectKey, serviceOf, type LogWindow } from '../lib/logwindow.js';

export interface Transitions {
  readonly host: string;
  readonly service: string;
  /** The core when several are in scope, else ''. */
  readonly core: string;
  readonly transitions: number;
  readonly alerts: number;
  readonly states: number[];
  readonly lastState: number;
  readonly last: number;
}

/**
 * State changes among one object's alerts, in time order: each alert whose state differs from the
 * previous alert's. The first alert of the window is a change too when it is attempt 1 (an alert
 * is only logged for a change or a further attempt of the same state), so ten UP/DOWN alerts are
 * ten changes, not nine; `firstAttempt` undefined keeps the old reading (first row not counted).
 */
export function countTransitions(states: readonly number[], firstAttempt?: number): number {
  let n = firstAttempt !== undefined && firstAttempt <= 1 && states.length > 0 ? 1 : 0;
  for (let i = 1; i < states.length; i++) if (states[i] !== states[i - 1]) n++;
  return n;
}

/** The attempt of an alert row (`host[;service];STATE;HARD|SOFT;attempt;output`). */
function attemptOf(r: Row, service: string): number | undefined {
  if (typeof r.options !== 'string') return undefined;
  const a = Number(r.options.split(';')[service === '' ? 3 : 4]);
  return Number.isFinite(a) && a > 0 ? a : undefined;
}

/** Hosts to read, busiest candidate first, while their rows fit in `maxRows`. */
export function planHosts(
  all: readonly ObjectStats[],
  candidates: readonly ObjectStats[],
  maxRows: number,
): { hosts: string[]; rows: number; skipped: number; skippedRows: number } {
  const rowsOfHost = new Map<string, number>();
  for (const s of all) rowsOfHost.set(s.host, (rowsOfHost.get(s.host) ?? 0) + s.count);
  const chosen = new Set<string>();
  const refused = new Set<string>();
  let rows = 0;
  let skipped = 0;
  let skippedRows = 0;
  for (const c of candidates) {
    if (chosen.has(c.host)) continue;
    const n = rowsOfHost.get(c.host) ?? 0;
    if (!refused.has(c.host) && rows + n <= maxRows) {
      chosen.add(c.host);
      rows += n;
      continue;
    }
    refused.add(c.host);
    skipped++;
    skippedRows += c.count;
  }
  return { hosts: [...chosen], rows, skipped, skippedRows };
}

export async function readCandidates(
  ctx: ToolContext,
  p: PreparedLogQuery,
  w: LogWindow,
  hosts: readonly string[],
  wanted: ReadonlySet<string>,
  backends: string[] | undefined,
): Promise<{ objects: Transitions[]; rowsRead: number }> {
  const seq = new Map<
    string,
    { host: string; service: string; core: string; states: number[]; last: number; firstAttempt: number | undefined }
  >();
  let rowsRead = 0;
  // Each core on its own: the same name on two cores is two objects with two state sequences.
  for (const part of await coreParts(ctx, backends))
    for (const chunk of chunks(hosts, NAME_CHUNK)) {
      const res = await ctx.thruk.get<unknown>('/logs', {
        query: [
          ...withHostSet(p, chunk).params,
          ['time[gte]', String(w.since)],
          ['time[lte]', String(w.until)],
          ['columns', 'host_name,service_description,state,time,options,type'],
          // Sorted but never limited: Thruk would cut before sorting.
          ['sort', 'time'],
        ],
        ...(part.backends ? { backends: part.backends } : {}),
        signal: ctx.signal,
      });
      const rows = Array.isArray(res) ? (res as Row[]) : [];
      rowsRead += rows.length;
      for (const r of rows) {
        const host = hostOf(r);
        const service = serviceOf(r);
        const key = objectKey(host, service, part.core);
        if (!wanted.has(key)) continue;
        let s = seq.get(key);
        if (s === undefined) {
          s = { host, service, core: part.core, states: [], last: 0, firstAttempt: attemptOf(r, service) };
          seq.set(key, s);
        }
        s.states.push(num(r.state));
        s.last = Math.max(s.last, num(r.time));
      }
    }
  const objects = [...seq.values()].map((s) => ({
    host: s.host,
    service: s.service,
    core: s.core,
    transitions: countTransitions(s.states, s.firstAttempt ?? 1),
    alerts: s.states.length,
    states: [...new Set(s.states)].sort((a, b) => a - b),
    lastState: s.states.at(-1) ?? 0,
    last: s.last,
  }));
  return { objects, rowsRead };
}

export interface FlapEvents {
  readonly host: string;
  readonly service: string;
  readonly core: string;
  started: number;
  stopped: number;
  last: number;
  lastEvent: string;
}

const FLAPPING_TYPE = /^(HOST|SERVICE) FLAPPING ALERT$/i;
const FLAP_WHAT = new Set(['STARTED', 'STOPPED', 'DISABLED']);

/**
 * FLAPPING ALERT rows per object; the core writes STARTED/STOPPED into state_type. Only rows that
 * are FLAPPING ALERTs with such a marker count, whatever else the query returned: downtime alerts
 * also say STARTED/STOPPED and state alerts HARD, and a real Thruk answered those too (125
 * "flapping" objects for one FLAPPING ALERT line).
 */
export async function flapEvents(
  ctx: ToolContext,
  p: PreparedLogQuery,
  w: LogWindow,
  backends: string[] | undefined,
): Promise<FlapEvents[]> {
  const rows = await aggregateLogsPerCore(ctx, p, {
    since: w.since,
    until: w.until,
    groupBy: ['host_name', 'service_description', 'type', 'state_type'],
    backends,
    notes: w.notes,
  });
  const out = new Map<string, FlapEvents>();
  for (const r of rows) {
    const what = typeof r.state_type === 'string' ? r.state_type.trim().toUpperCase() : '';
    if (typeof r.type !== 'string' || !FLAPPING_TYPE.test(r.type) || !FLAP_WHAT.has(what) || num(r.count) <= 0) continue;
    const host = hostOf(r);
    const service = serviceOf(r);
    const core = coreOf(r);
    const key = objectKey(host, service, core);
    let e = out.get(key);
    if (e === undefined) {
      e = { host, service, core, started: 0, stopped: 0, last: 0, lastEvent: '' };
      out.set(key, e);
    }
    if (what === 'STARTED') e.started += num(r.count);
    else if (what === 'STOPPED' || what === 'DISABLED') e.stopped += num(r.count);
    if (num(r.last) >= e.last) {
      e.last = num(r.last);
      e.lastEvent = what;
    }
  }
  return [...out.values()].sort(
    (a, b) => b.last - a.last || a.host.localeCompare(b.host) || a.service.localeCompare(b.service) || a.core.localeCompare(b.core),
  );
}
