/**
 * State at an instant, rebuilt from the current state and the log. The current status of every
 * scoped object is the anchor (so no object is ever dropped): if it has not changed since the
 * instant it is simply its current state; otherwise the newest state line at or before the
 * instant decides. Downtime, flapping and acknowledgement come from their start/stop events,
 * read forwards up to the instant, or backwards from the first event after it. Where the log
 * cannot tell, the answer says so per object instead of guessing.
 */
import type { FilterNode } from '../../thruk/filter.js';
import type { ToolContext } from '../core/define.js';
import { iso } from '../lib/format.js';
import { failingCoreNote, failingLogCores, type PreparedLogQuery } from '../lib/logquery.js';
import { readCores } from '../lib/cores.js';
import { EVENT_COLUMNS } from './common.js';
import { ACK_COMMANDS, keyOf, OBJECT_EVENT_TYPES, toEvent, type LogEvent } from './events.js';
import { fetchEdge, type EdgeRows } from './fetch.js';
import { prepareScoped } from './filters.js';
import type { CurrentObject } from './objects.js';

/** Rows per part (before / after the instant, object rows / ack commands). */
export const REPLAY_CAP = 20_000;

export interface History {
  readonly events: Map<string, LogEvent[]>;
  /** Several cores in scope: events are keyed by object and core (one name on two cores is two objects). */
  readonly several?: boolean;
  /** The log is complete in [lo, hi]; hi is now unless the later part was cut. */
  readonly lo: number;
  readonly hi: number;
  readonly now: number;
  readonly notes: string[];
}

async function part(
  ctx: ToolContext,
  p: PreparedLogQuery,
  since: number,
  until: number,
  order: 'newest' | 'oldest',
  backends: string[] | undefined,
): Promise<EdgeRows> {
  if (until < since) return { rows: [], total: 0, from: since, to: until, truncated: false };
  return fetchEdge(ctx, p, { since, until, columns: [...EVENT_COLUMNS], maxRows: REPLAY_CAP, order, backends });
}

/** Object events of the scope in [from, now], split at t0 so each side is cut at its far end. */
export async function loadHistory(
  ctx: ToolContext,
  filter: FilterNode | undefined,
  backends: string[] | undefined,
  from: number,
  t0: number,
): Promise<History> {
  const now = Math.floor(ctx.now() / 1000);
  const [objects, acks] = await Promise.all([
    prepareScoped(ctx, { filter, backends, extra: [{ field: 'type', op: 'regex', value: OBJECT_EVENT_TYPES }] }),
    prepareScoped(ctx, {
      filter,
      backends,
      line: 'command',
      extra: [
        { field: 'class', value: 5 },
        { field: 'message', op: 'regex', value: ACK_COMMANDS },
      ],
    }),
  ]);
  const split = Math.min(t0, now);
  const [several, failing] = await Promise.all([readCores(ctx, backends).then((c) => c.several), failingLogCores(ctx, backends)]);
  const parts = await Promise.all([
    part(ctx, objects, from, split, 'newest', backends),
    part(ctx, acks, from, split, 'newest', backends),
    part(ctx, objects, split + 1, now, 'oldest', backends),
    part(ctx, acks, split + 1, now, 'oldest', backends),
  ]);
  const [ob, ab, oa, aa] = parts;
  // At the cut second some rows may be missing, so completeness starts one second inside it.
  const lo = Math.max(from, ...[ob, ab].map((x) => (x && x.truncated ? x.from + 1 : from)));
  const hi = Math.min(now, ...[oa, aa].map((x) => (x && x.truncated ? x.to - 1 : now)));
  const events = new Map<string, LogEvent[]>();
  for (const r of parts.flatMap((x) => x.rows)) {
    const e = toEvent(r);
    if (e === undefined || e.time < lo || e.time > hi) continue;
    const k = coreKey(keyOf(e), several, r.peer_name);
    const list = events.get(k);
    if (list) list.push(e);
    else events.set(k, [e]);
  }
  for (const list of events.values()) list.sort((a, b) => a.time - b.time);
  const notes = [
    ...failing.map((f) =>
      failingCoreNote(
        f,
        `its objects are replayed without their log: known only where the current state began before the instant, else unknown`,
      ),
    ),
    ...objects.notes,
  ];
  if (lo > from)
    notes.push(
      `the log before the instant holds more than ${REPLAY_CAP} rows for this scope; it was read back to ${iso(lo)} only. Narrow the filter or the lookback.`,
    );
  if (hi < now)
    notes.push(
      `the log after the instant holds more than ${REPLAY_CAP} rows for this scope; it was read up to ${iso(hi)} only, so objects that changed since then may show as unknown. Narrow the filter.`,
    );
  return { events, several, lo, hi, now, notes };
}

function coreKey(key: string, several: boolean, peer: unknown): string {
  return several ? `${key}\u0000@${typeof peer === 'string' ? peer : ''}` : key;
}

/** The log events of one current object (of its own core when several are in scope). */
export function eventsOf(h: History, obj: Pick<CurrentObject, 'key' | 'peer'>): LogEvent[] {
  return h.events.get(coreKey(obj.key, h.several === true, obj.peer)) ?? [];
}

export interface Snapshot {
  /** undefined = unknown, or pending (never checked). */
  readonly state?: number;
  readonly pending?: boolean;
  readonly hard?: boolean;
  /** When the state began (exact), or the latest time it is known to have held since. */
  readonly since?: number;
  readonly sinceBefore?: number;
  readonly output?: string;
  readonly downtime?: boolean;
  readonly acked?: boolean;
  readonly flapping?: boolean;
  readonly basis: 'current' | 'log' | 'unknown';
  readonly note?: string;
}

function isStateEvent(e: LogEvent): boolean {
  // Icinga 2 logs a CURRENT … STATE line with no output for objects not yet checked after a restart.
  return e.kind === 'state' || (e.kind === 'snapshot' && (e.output ?? '') !== '');
}

/** A flag from its start/stop events: forwards up to t, else backwards from the first later event. */
function flagAt(
  evs: readonly LogEvent[],
  t: number,
  current: boolean,
  h: History,
  meaning: (e: LogEvent) => boolean | undefined,
): boolean | undefined {
  let v: boolean | undefined;
  for (const e of evs) {
    if (e.time > t) break;
    const m = meaning(e);
    if (m !== undefined) v = m;
  }
  if (v !== undefined) return v;
  for (const e of evs) {
    if (e.time <= t) continue;
    const m = meaning(e);
    if (m !== undefined) return !m;
  }
  return h.hi >= h.now ? current : undefined;
}

/** STARTED means on; STOPPED, CANCELLED, DISABLED mean off. */
const started =
  (kind: LogEvent['kind']) =>
  (e: LogEvent): boolean | undefined => {
    if (e.kind !== kind || e.what === undefined) return undefined;
    return e.what === 'STARTED';
  };

function ackAt(evs: readonly LogEvent[], t: number, state: number | undefined, current: boolean, h: History): boolean | undefined {
  if (state === 0) return false;
  let acked: boolean | undefined;
  let sticky = false;
  let expires = 0;
  let prev: number | undefined;
  for (const e of evs) {
    if (e.time > t) break;
    if (e.kind === 'ack') {
      acked = e.what === 'SET';
      sticky = e.sticky === true;
      expires = e.expires ?? 0;
    } else if (e.kind === 'state') {
      // Recovery ends every acknowledgement; another problem state ends a non-sticky one.
      if (e.state === 0 || (acked === true && !sticky && prev !== undefined && e.state !== prev)) acked = false;
      prev = e.state;
    }
  }
  if (acked === true && expires > 0 && expires <= t) acked = false;
  if (acked !== undefined) return acked;
  for (const e of evs) {
    if (e.time <= t) continue;
    if (e.kind === 'ack') return e.what !== 'SET';
    if (e.kind === 'state') return undefined;
  }
  return h.hi >= h.now ? current : undefined;
}

/** The scoped object's state at t (t ≤ now). */
export function snapshotAt(obj: CurrentObject, h: History, t: number): Snapshot {
  const evs = eventsOf(h, obj);
  const flags = (state: number | undefined) => {
    const out: { downtime?: boolean; flapping?: boolean; acked?: boolean } = {};
    const d = flagAt(evs, t, obj.downtime, h, started('downtime'));
    const f = flagAt(evs, t, obj.flapping, h, started('flapping'));
    const a = ackAt(evs, t, state, obj.acked, h);
    if (d !== undefined) out.downtime = d;
    if (f !== undefined) out.flapping = f;
    if (a !== undefined) out.acked = a;
    return out;
  };
  if (!obj.checked) return { pending: true, basis: 'current', note: 'never checked', ...flags(undefined) };
  const states = evs.filter(isStateEvent);
  if (obj.lsc > 0 && obj.lsc <= t) {
    const later = states.filter((e) => e.time >= obj.lsc && e.time <= t).at(-1);
    return {
      state: obj.state,
      hard: later?.hard ?? obj.hard,
      since: obj.lsc,
      output: later?.output ?? obj.output,
      basis: 'current',
      ...flags(obj.state),
    };
  }
  const idx = states.findLastIndex((e) => e.time <= t);
  const last = states[idx];
  if (last !== undefined && last.state !== undefined) {
    let i = idx;
    while (i > 0 && states[i - 1]?.state === last.state) i--;
    const first = states[i];
    const changed = i > 0 && first?.kind === 'state';
    const since = changed ? { since: first.time } : { sinceBefore: first?.time ?? last.time };
    return { state: last.state, hard: last.hard ?? true, ...since, output: last.output ?? '', basis: 'log', ...flags(last.state) };
  }
  if (obj.lsc > t)
    return {
      basis: 'unknown',
      note: `unknown: changed at ${iso(obj.lsc)} and the log holds no earlier state (history incomplete before ${iso(h.lo)})`,
    };
  if (h.hi >= h.now && !states.some((e) => e.time > t && e.kind === 'state')) {
    return {
      state: obj.state,
      hard: obj.hard,
      sinceBefore: h.lo,
      output: obj.output,
      basis: 'current',
      note: `unchanged since before ${iso(h.lo)}`,
      ...flags(obj.state),
    };
  }
  return { basis: 'unknown', note: `unknown: history incomplete before ${iso(h.lo)}` };
}

/** State changes (alerts with a new state) in (t1, t2]. */
export function transitions(obj: CurrentObject, h: History, t1: number, t2: number): number {
  let prev: number | undefined;
  let n = 0;
  for (const e of eventsOf(h, obj)) {
    if (!isStateEvent(e)) continue;
    if (e.time > t1 && e.time <= t2 && e.kind === 'state' && prev !== undefined && e.state !== prev) n++;
    prev = e.state;
  }
  return n;
}
