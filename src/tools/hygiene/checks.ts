/**
 * The five hygiene checks. Each asks Thruk for a narrow, already filtered set (downtimes in a time
 * window, downtime log rows of the window, objects in a problem state, downtime comments) and
 * joins them here; no check reads a whole status table.
 */
import type { FilterLeaf, FilterNode } from '../../thruk/filter.js';
import { compileFilter } from '../../thruk/filter.js';
import { parseTime } from '../lib/time.js';
import type { ToolContext } from '../core/define.js';
import { relIso, fetchScoped } from '../lib/downtime-entries.js';
import { cell, hostStateName, num, serviceStateName } from '../lib/format.js';
import { hostOfLogRow } from '../lib/loghost.js';
import { getRows, query, type Row } from '../lib/list.js';
import { scopeParams } from '../lib/problems.js';
import { nameText as str } from '../lib/words.js';
import { staleAcks } from '../triage/stale-acks.js';
import { acknowledge, deleteComment, deleteDowntime, extendDowntime, removeAck, type NextCall, type ObjectRef } from './next.js';

export const CHECKS = ['upcoming', 'ending', 'stale_acks', 'never_ok', 'orphan_comments'] as const;
export type Check = (typeof CHECKS)[number];

export interface Finding {
  readonly check: Check;
  readonly host: string;
  readonly service: string | null;
  /** The object's state when it is failing; absent when it is not in a problem state. */
  readonly state?: string;
  /** Sort key (epoch seconds): start, end, ack time, problem start, comment time. */
  readonly at: number;
  readonly detail: string;
  readonly advice: string;
  readonly next?: NextCall;
  readonly peer_name?: string;
}

export interface Scope {
  readonly filter: FilterNode | undefined;
  readonly backends: string[] | undefined;
  readonly windowS: number;
  readonly minDays: number;
  /** Name the backend in suggested writes (the answer spans several). */
  readonly multi: boolean;
}

interface Problem {
  readonly state: string;
  readonly handled: boolean;
  readonly since: number;
  readonly neverOk: boolean;
  readonly row: Row;
}

/** Host downtimes and comments carry null (Icinga 2) or '' (Naemon) as their service. */
const svcOf = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const keyOf = (peer: unknown, host: string, service: string | null): string => `${str(peer)}\u0000${host}\u0000${service ?? ''}`;

export type Problems = ReadonlyMap<string, Problem>;

/** Every host and service in a problem state within the scope, with narrow columns. */
export async function problemObjects(ctx: ToolContext, s: Scope): Promise<Problems> {
  const failing: FilterLeaf[] = [
    { field: 'state', op: 'neq', value: 0 },
    { field: 'has_been_checked', value: 1 },
  ];
  const p = scopeParams(s.filter, { hosts: failing, services: failing });
  const [hosts, services] = await Promise.all([
    getRows(
      ctx,
      '/hosts',
      query(p.hosts, { columns: 'name,state,acknowledged,scheduled_downtime_depth,last_state_change,peer_key,peer_name' }),
      s.backends,
    ),
    getRows(
      ctx,
      '/services',
      query(p.services, {
        columns: 'host_name,description,state,acknowledged,scheduled_downtime_depth,last_state_change,last_time_ok,peer_key,peer_name',
      }),
      s.backends,
    ),
  ]);
  const out = new Map<string, Problem>();
  const handled = (r: Row): boolean => num(r.acknowledged) > 0 || num(r.scheduled_downtime_depth) > 0;
  for (const r of hosts)
    out.set(keyOf(r.peer_key, str(r.name), null), {
      state: hostStateName(r.state),
      handled: handled(r),
      since: num(r.last_state_change),
      neverOk: false,
      row: r,
    });
  for (const r of services) {
    out.set(keyOf(r.peer_key, str(r.host_name), str(r.description)), {
      state: serviceStateName(r.state),
      handled: handled(r),
      since: num(r.last_state_change),
      neverOk: num(r.last_time_ok) === 0,
      row: r,
    });
  }
  return out;
}

function ref(r: Row, s: Scope, host = str(r.host_name), service = svcOf(r.service_description)): ObjectRef {
  return { host, service, ...(s.multi && typeof r.peer_name === 'string' ? { backend: r.peer_name } : {}) };
}

function finding(f: Omit<Finding, 'peer_name'>, r: Row): Finding {
  return { ...f, ...(typeof r.peer_name === 'string' ? { peer_name: r.peer_name } : {}) };
}

const DOWNTIME_COLUMNS = [
  'id',
  'host_name',
  'service_description',
  'author',
  'comment',
  'start_time',
  'end_time',
  'fixed',
  'peer_key',
  'peer_name',
];

/** Downtimes that start within the window: planned work the shift should know about. */
export async function upcoming(ctx: ToolContext, s: Scope, problems: Problems): Promise<Finding[]> {
  const now = Math.floor(ctx.now() / 1000);
  const extra: FilterLeaf[] = [
    { field: 'start_time', op: 'gt', value: now },
    { field: 'start_time', op: 'lte', value: now + s.windowS },
  ];
  const { rows } = await fetchScoped(ctx, 'downtimes', s.filter, extra, { sort: 'start_time', columns: DOWNTIME_COLUMNS }, s.backends);
  return rows.map((r) => {
    const o = ref(r, s);
    const p = problems.get(keyOf(r.peer_key, o.host, o.service));
    const start = num(r.start_time);
    return finding(
      {
        check: 'upcoming',
        host: o.host,
        service: o.service,
        ...(p !== undefined ? { state: p.state } : {}),
        at: start,
        detail: `#${str(r.id)} starts ${relIso(start, ctx.now())} for ${durationWords(num(r.end_time) - start)} by ${cell(r.author, 40)}: ${cell(r.comment, 80)}`,
        advice:
          p !== undefined
            ? 'already failing before the work starts: check it is the planned cause'
            : 'planned work; delete only if it was called off',
        next: deleteDowntime(o, num(r.id)),
      },
      r,
    );
  });
}

function durationWords(s: number): string {
  if (s >= 86400 && s % 3600 === 0) return `${Math.round((s / 86400) * 10) / 10}d`;
  if (s >= 3600) return `${Math.round((s / 3600) * 10) / 10}h`;
  return `${Math.max(0, Math.round(s / 60))}m`;
}

const DOWNTIME_EVENT = /^(?:[^;]*;)?(STARTED|STOPPED|CANCELLED)(?:;|$)/;

/** What a downtime log row says happened; the column first, the line when Icinga 2 leaves it out. */
function downtimeEvent(r: Row): string | undefined {
  const st = str(r.state_type);
  if (st === 'STARTED' || st === 'STOPPED' || st === 'CANCELLED') return st;
  const opts = str(r.options).split(';');
  // host;WHAT;text or host;service;WHAT;text
  const what = str(r.type).startsWith('SERVICE') ? opts[2] : opts[1];
  return what !== undefined && DOWNTIME_EVENT.test(`${what};`) ? what.trim() : undefined;
}

/**
 * Downtimes that end within the window, and downtimes that ended within the window (from the
 * core log: Thruk forgets a downtime once it is over), on objects that still fail.
 */
export async function ending(ctx: ToolContext, s: Scope, problems: Problems): Promise<{ rows: Finding[]; handled: number }> {
  const now = Math.floor(ctx.now() / 1000);
  const resolveTime = (v: string | number) => parseTime(v, ctx.now(), 'time');
  const soon: FilterLeaf[] = [
    { field: 'start_time', op: 'lte', value: now },
    { field: 'end_time', op: 'gte', value: now },
    { field: 'end_time', op: 'lte', value: now + s.windowS },
  ];
  const logFilter = compileFilter(
    'logs',
    undefined,
    [
      { field: 'since', value: now - s.windowS },
      { field: 'type', op: 'in', value: ['HOST DOWNTIME ALERT', 'SERVICE DOWNTIME ALERT'] },
    ],
    { resolveTime },
  );
  const [active, log] = await Promise.all([
    fetchScoped(ctx, 'downtimes', s.filter, soon, { sort: 'end_time', columns: DOWNTIME_COLUMNS }, s.backends),
    getRows(
      ctx,
      '/logs',
      query(logFilter.params, { columns: 'time,type,host_name,service_description,state_type,options,message,peer_key,peer_name' }),
      s.backends,
    ),
  ]);
  const out: Finding[] = [];
  const stillActive = new Set<string>();
  for (const r of active.rows) {
    const o = ref(r, s);
    const k = keyOf(r.peer_key, o.host, o.service);
    stillActive.add(k);
    const p = problems.get(k);
    if (p === undefined) continue;
    const end = num(r.end_time);
    out.push(
      finding(
        {
          check: 'ending',
          host: o.host,
          service: o.service,
          state: p.state,
          at: end,
          detail: `downtime #${str(r.id)} ends ${relIso(end, ctx.now())}; ${p.state} ${relIso(p.since, ctx.now())}: ${cell(r.comment, 80)}`,
          advice: 'still failing: extend the downtime, or fix it before the alerts start',
          next: extendDowntime(o, end, str(r.comment)),
        },
        r,
      ),
    );
  }
  // The newest downtime event per object decides: a STARTED after a STOPPED means it is covered again.
  const latest = new Map<string, { r: Row; t: number; what: string; host: string; service: string | null }>();
  for (const r of log) {
    const what = downtimeEvent(r);
    const host = hostOfLogRow(r);
    if (what === undefined || host === '') continue;
    const service = str(r.type).startsWith('SERVICE') ? (svcOf(r.service_description) ?? svcOf(str(r.options).split(';')[1])) : null;
    const k = keyOf(r.peer_key, host, service);
    const t = num(r.time);
    const seen = latest.get(k);
    if (seen === undefined || t >= seen.t) latest.set(k, { r, t, what, host, service });
  }
  let handled = 0;
  for (const [k, e] of latest) {
    if (e.what === 'STARTED' || stillActive.has(k)) continue;
    const p = problems.get(k);
    if (p === undefined) continue;
    if (p.handled) {
      handled += 1;
      continue;
    }
    const o = ref(e.r, s, e.host, e.service);
    out.push(
      finding(
        {
          check: 'ending',
          host: o.host,
          service: o.service,
          state: p.state,
          at: e.t,
          detail: `downtime ${e.what === 'CANCELLED' ? 'cancelled' : 'ended'} ${relIso(e.t, ctx.now())}; ${p.state} ${relIso(p.since, ctx.now())}, unhandled`,
          advice: 'alerting again after planned work: acknowledge with a ticket, or schedule a new downtime',
          next: acknowledge(o, 'still failing after the planned downtime ended'),
        },
        e.r,
      ),
    );
  }
  return { rows: out, handled };
}

/** thruk_stale_acks, folded in: the same tool computes the rows, this adds what to do. */
export async function staleAckFindings(ctx: ToolContext, s: Scope): Promise<{ rows: Finding[]; cut: number }> {
  const all = { ...ctx, config: { ...ctx.config, maxAnswerTokens: Number.MAX_SAFE_INTEGER } };
  const res = await staleAcks.run(all, { min_days: s.minDays, limit: 1000, offset: 0, filter: s.filter, backends: s.backends?.join(',') });
  const rows = res.data.rows.map((r): Finding => {
    const o: ObjectRef = { host: r.host, service: r.service, ...(s.multi && r.peer_name !== undefined ? { backend: r.peer_name } : {}) };
    return {
      check: 'stale_acks',
      host: r.host,
      service: r.service,
      state: r.state,
      at: Date.parse(r.ack_time) / 1000,
      detail: `acknowledged ${r.ack_since_days}d ago by ${cell(r.ack_author, 40)}: ${cell(r.ack_comment, 80)}`,
      advice: `ask ${cell(r.ack_author, 40)} whether it is still worked on; remove the ack so it alerts again`,
      next: removeAck(o),
      ...(r.peer_name !== undefined ? { peer_name: r.peer_name } : {}),
    };
  });
  return { rows, cut: res.data.total - res.data.returned };
}

/** Services never OK since the core knows them (last_time_ok is 0), checked at least once. */
export function neverOk(ctx: ToolContext, s: Scope, problems: Problems): Finding[] {
  const out: Finding[] = [];
  for (const p of problems.values()) {
    if (!p.neverOk || typeof p.row.description !== 'string') continue;
    const o = ref(p.row, s, str(p.row.host_name), p.row.description);
    out.push(
      finding(
        {
          check: 'never_ok',
          host: o.host,
          service: o.service,
          state: p.state,
          at: p.since,
          detail: `never OK; ${p.state} ${relIso(p.since, ctx.now())}${p.handled ? ', handled' : ''}`,
          advice: p.handled
            ? 'fix the check definition or its thresholds (a config change)'
            : 'likely a broken or mis-set check: acknowledge with a ticket while the definition is fixed',
          ...(p.handled ? {} : { next: acknowledge(o, 'never OK since it was created: check definition under review') }),
        },
        p.row,
      ),
    );
  }
  return out;
}

/**
 * Downtime comments (entry type 2) whose downtime is gone. A comment does not name its downtime,
 * so each is paired with a downtime of the same object written at the nearest time; the core
 * writes both at once. What is left over has no downtime.
 */
export async function orphanComments(ctx: ToolContext, s: Scope): Promise<Finding[]> {
  const comments = await fetchScoped(
    ctx,
    'comments',
    s.filter,
    [{ field: 'entry_type', value: 'downtime' }],
    {
      sort: 'entry_time',
      columns: ['id', 'host_name', 'service_description', 'author', 'comment', 'entry_time', 'peer_key', 'peer_name'],
    },
    s.backends,
  );
  if (comments.rows.length === 0) return [];
  const hosts = [...new Set(comments.rows.map((r) => str(r.host_name)))];
  // Only the downtimes of hosts that carry a downtime comment.
  const extra: FilterLeaf[] = hosts.length <= 200 ? [{ field: 'host', op: 'in', value: hosts }] : [];
  const downtimes = await fetchScoped(
    ctx,
    'downtimes',
    s.filter,
    extra,
    { sort: 'entry_time', columns: ['id', 'host_name', 'service_description', 'entry_time', 'peer_key'] },
    s.backends,
  );
  const free = new Map<string, number[]>();
  for (const d of downtimes.rows) {
    const k = keyOf(d.peer_key, str(d.host_name), svcOf(d.service_description));
    free.set(k, [...(free.get(k) ?? []), num(d.entry_time)]);
  }
  const out: Finding[] = [];
  for (const c of comments.rows) {
    const o = ref(c, s);
    const times = free.get(keyOf(c.peer_key, o.host, o.service)) ?? [];
    const t = num(c.entry_time);
    let best = -1;
    for (let i = 0; i < times.length; i++) if (best < 0 || Math.abs((times[i] ?? 0) - t) < Math.abs((times[best] ?? 0) - t)) best = i;
    if (best >= 0) {
      times.splice(best, 1);
      continue;
    }
    out.push(
      finding(
        {
          check: 'orphan_comments',
          host: o.host,
          service: o.service,
          at: t,
          detail: `comment #${str(c.id)} written ${relIso(t, ctx.now())} by ${cell(c.author, 40)}, no downtime left: ${cell(c.comment, 80)}`,
          advice: 'left behind by a downtime that no longer exists: delete it',
          next: deleteComment(o, num(c.id)),
        },
        c,
      ),
    );
  }
  return out;
}
