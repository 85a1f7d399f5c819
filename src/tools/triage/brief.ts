import { setMaxListeners } from 'node:events';
import { z } from 'zod';
import { defineTool, type ToolContext } from '../core/define.js';
import { cell, duration, estimateTokens, hostStateName, iso, num, serviceStateName } from '../lib/format.js';
import { backendsArg, parseBackends, type Row } from '../lib/list.js';
import { backendHealth } from './backend-health.js';
import { countByPeer, countedRows, countOf, downtimeGroups, FETCH_CAP, unhandled, type DowntimeGroup, type Fetch } from './brief-data.js';

/** An active check without a result for this long is overdue whatever its interval (the brief's cheap, Thruk-side rule). */
const OVERDUE_S = 1800;
const OUTPUT_CHARS = 80;

const problem = z.object({
  kind: z.enum(['host', 'service']),
  host: z.string(),
  service: z.string().optional(),
  state: z.string(),
  hard: z.boolean(),
  since: z.string().optional(),
  age_s: z.number().optional(),
  output: z.string(),
  peer_name: z.string().optional(),
});
type Problem = z.output<typeof problem>;

const groupOut = z.object({ author: z.string(), comment: z.string(), objects: z.number(), start: z.string(), end: z.string() });
const section = <T extends z.ZodType>(row: T) => z.object({ total: z.number(), shown: z.number(), rows: z.array(row) });

const briefOutput = z.object({
  now: z.string(),
  unhandled: z.object({
    total: z.number(),
    hosts: z.number(),
    services: z.number(),
    shown: z.number(),
    rows: z.array(problem),
    older: z.number().describe('Unhandled problems not listed'),
    groups: z
      .array(
        z.object({
          kind: z.enum(['host', 'service']),
          service: z.string().optional(),
          state: z.string(),
          objects: z.number(),
          newest: z.string(),
        }),
      )
      .optional()
      .describe('Too many changed at once to list: every unhandled problem grouped by state (and service)'),
    groups_total: z.number().optional(),
    oldest_since: z.string().optional().describe('ISO time of the oldest unhandled problem'),
  }),
  handled: z.number().describe('Problems acknowledged, in downtime, or on a down/handled host'),
  downtimes: z.object({
    hours_ahead: z.number(),
    now: section(groupOut).extend({ objects: z.number() }),
    upcoming: section(groupOut).extend({ objects: z.number() }),
  }),
  flapping: section(z.object({ host: z.string(), service: z.string().optional(), peer_name: z.string().optional() })).extend({
    groups: z.array(z.object({ what: z.string(), n: z.number() })).optional(),
  }),
  stale: z.object({
    never_checked: z.number(),
    overdue: z
      .number()
      .describe(`Active checks without a result for over ${OVERDUE_S / 60} minutes (and twice their interval, when listed)`),
    shown: z.number(),
    rows: z.array(
      z.object({
        host: z.string(),
        service: z.string().optional(),
        peer_name: z.string().optional(),
        reason: z.enum(['never_checked', 'overdue']),
        last_check: z.string().optional(),
      }),
    ),
    by_backend: z.array(z.object({ peer: z.string(), n: z.number() })).optional(),
    groups: z
      .array(z.object({ what: z.string(), n: z.number() }))
      .optional()
      .describe('Never-run checks grouped, when too many to list'),
  }),
  backends: z.object({
    total: z.number(),
    ok: z.number(),
    degraded: z.number(),
    disconnected: z.number(),
    unhealthy: z.array(z.object({ name: z.string(), health: z.string(), reasons: z.array(z.string()) })),
  }),
  notes: z.array(z.string()).optional(),
});
type Brief = z.output<typeof briefOutput>;

function toProblem(kind: 'host' | 'service', r: Row, nowSec: number): Problem & { lsc: number; rank: number } {
  const st = num(r.state);
  const lsc = num(r.last_state_change);
  const p: Problem & { lsc: number; rank: number } = {
    kind,
    host: String(kind === 'host' ? r.name : r.host_name),
    state: kind === 'host' ? hostStateName(st) : serviceStateName(st),
    hard: r.state_type === 1 || r.state_type === 'HARD',
    output: cell(r.plugin_output, OUTPUT_CHARS),
    lsc,
    rank: kind === 'host' ? 0 : 1,
  };
  if (kind === 'service') p.service = String(r.description);
  if (lsc > 0) {
    p.since = iso(lsc);
    p.age_s = Math.max(0, nowSec - lsc);
  }
  if (typeof r.peer_name === 'string' && r.peer_name !== '') p.peer_name = r.peer_name;
  return p;
}

const groupRow = (g: DowntimeGroup) => ({ author: g.author, comment: g.comment, objects: g.objects, start: iso(g.start), end: iso(g.end) });

function downtimeSection(groups: readonly DowntimeGroup[], limit: number) {
  const shown = groups.slice(0, limit);
  return { total: groups.length, shown: shown.length, rows: shown.map(groupRow), objects: groups.reduce((s, g) => s + g.objects, 0) };
}

async function gather(ctx: ToolContext, args: { limit: number; hours_ahead: number; backends?: string | undefined }): Promise<Brief> {
  const f: Fetch = { ctx, backends: parseBackends(args.backends) };
  // About twenty small Thruk requests share the call's signal, each listening for its abort.
  setMaxListeners(64, ctx.signal);
  const nowSec = Math.floor(ctx.now() / 1000);
  const ahead = nowSec + Math.round(args.hours_ahead * 3600);
  const overdueBefore = String(nowSec - OVERDUE_S);
  const overdue: Array<[string, string]> = [
    ['check_type', '0'],
    ['active_checks_enabled', '1'],
    ['has_been_checked', '1'],
    ['last_check[lt]', overdueBefore],
  ];
  const [hosts, services, hostProblems, serviceProblems, dtNow, dtNext, flapH, flapS, neverH, neverS, overH, overS, health] =
    await Promise.all([
      unhandled(f, 'hosts', args.limit, nowSec),
      unhandled(f, 'services', args.limit, nowSec),
      countOf(f, '/hosts', [['state[ne]', '0']]),
      countOf(f, '/services', [['state[ne]', '0']]),
      downtimeGroups(f, [
        ['start_time[lte]', String(nowSec)],
        ['end_time[gte]', String(nowSec)],
      ]),
      downtimeGroups(f, [
        ['start_time[gt]', String(nowSec)],
        ['start_time[lte]', String(ahead)],
      ]),
      countedRows(f, '/hosts', [['is_flapping', '1']], 'name,peer_name', 'peer_name'),
      countedRows(f, '/services', [['is_flapping', '1']], 'host_name,description,peer_name', 'description'),
      countedRows(f, '/hosts', [['has_been_checked', '0']], 'name,peer_name', 'peer_name'),
      countedRows(f, '/services', [['has_been_checked', '0']], 'host_name,description,peer_name', 'description'),
      countedRows(f, '/hosts', overdue, 'name,last_check,check_interval,peer_name'),
      countedRows(f, '/services', overdue, 'host_name,description,last_check,check_interval,peer_name'),
      // A brief without backend health is still worth having: a failure here becomes a note.
      backendHealth
        .run(ctx, { latency_warn_seconds: 5, lag_warn_seconds: 120, ...(args.backends !== undefined ? { backends: args.backends } : {}) })
        .catch((err: unknown) => {
          if (ctx.signal.aborted) throw err;
          return err instanceof Error ? err : new Error(String(err));
        }),
    ]);
  const notes: string[] = [];

  const all = [...hosts.rows.map((r) => toProblem('host', r, nowSec)), ...services.rows.map((r) => toProblem('service', r, nowSec))];
  all.sort((a, b) => b.lsc - a.lsc || a.rank - b.rank || a.host.localeCompare(b.host));
  const shown = all.slice(0, args.limit);
  const total = hosts.total + services.total;
  const oldest = [hosts.oldest, services.oldest].filter((x) => x > 0);
  if (shown.length === 0 && total > 0)
    notes.push(
      `Over ${FETCH_CAP} problems changed within the last 5 minutes: too many to list one by one, so they are grouped; page through them with thruk_problems.`,
    );

  // Overdue: the interval refines the cheap rule when the rows are at hand (never report a 1-hour check after 31 minutes).
  const overdueRows = (kind: 'host' | 'service', c: { rows: readonly Row[] | undefined }) =>
    (c.rows ?? [])
      .filter((r) => nowSec - num(r.last_check) > Math.max(OVERDUE_S, num(r.check_interval) * 60 * 2 + 60))
      .map((r) => ({ kind, r }));
  const over = [...overdueRows('host', overH), ...overdueRows('service', overS)].sort((a, b) => num(a.r.last_check) - num(b.r.last_check));
  const overdueTotal =
    (overH.rows === undefined ? overH.total : overdueRows('host', overH).length) +
    (overS.rows === undefined ? overS.total : overdueRows('service', overS).length);
  const never = [
    ...(neverH.rows ?? []).map((r) => ({ kind: 'host' as const, r })),
    ...(neverS.rows ?? []).map((r) => ({ kind: 'service' as const, r })),
  ];
  // Several cores: a flapping or stale object names its core, else one name on two cores reads as a duplicate line.
  const several = (health instanceof Error ? 0 : health.data.summary.total) > 1;
  const core = (r: Row) => (several && typeof r.peer_name === 'string' && r.peer_name !== '' ? { peer_name: r.peer_name } : {});
  const staleRows = [
    ...never.map(({ kind, r }) => ({
      host: String(kind === 'host' ? r.name : r.host_name),
      ...(kind === 'service' ? { service: String(r.description) } : {}),
      ...core(r),
      reason: 'never_checked' as const,
    })),
    ...over.map(({ kind, r }) => ({
      host: String(kind === 'host' ? r.name : r.host_name),
      ...(kind === 'service' ? { service: String(r.description) } : {}),
      ...core(r),
      reason: 'overdue' as const,
      last_check: iso(r.last_check),
    })),
  ];
  const staleShown = staleRows.slice(0, args.limit);
  let byBackend: Array<{ peer: string; n: number }> | undefined;
  if (overH.rows === undefined || overS.rows === undefined) {
    // Many overdue checks at once is usually one backend that stopped: say which, by Thruk's count.
    const [bh, bs] = await Promise.all([countByPeer(f, '/hosts', overdue), countByPeer(f, '/services', overdue)]);
    const m = new Map<string, number>();
    for (const x of [...bh, ...bs]) m.set(x.peer, (m.get(x.peer) ?? 0) + x.n);
    byBackend = [...m]
      .map(([peer, n]) => ({ peer, n }))
      .sort((a, b) => b.n - a.n)
      .slice(0, args.limit);
  }

  const groupsOf = (
    h: { groups?: ReadonlyArray<{ key: string; n: number }> },
    s: { groups?: ReadonlyArray<{ key: string; n: number }> },
  ) => {
    if (h.groups === undefined && s.groups === undefined) return undefined;
    const g = [
      ...(h.groups ?? []).map((x) => ({ what: `hosts on ${x.key || '?'}`, n: x.n })),
      ...(s.groups ?? []).map((x) => ({ what: x.key, n: x.n })),
    ];
    return g.sort((a, b) => b.n - a.n).slice(0, args.limit);
  };
  const flapGroups = groupsOf(flapH, flapS);
  const neverGroups = groupsOf(neverH, neverS);
  const allGroups = [
    ...(hosts.groups ?? []).map((g) => ({
      kind: 'host' as const,
      state: hostStateName(g.state),
      objects: g.objects,
      newest: iso(g.newest),
    })),
    ...(services.groups ?? []).map((g) => ({
      kind: 'service' as const,
      ...(g.service !== undefined ? { service: g.service } : {}),
      state: serviceStateName(g.state),
      objects: g.objects,
      newest: iso(g.newest),
    })),
  ].sort((a, b) => b.newest.localeCompare(a.newest) || b.objects - a.objects);
  const groups = allGroups.slice(0, args.limit);
  const flapRows = [
    ...(flapH.rows ?? []).map((r) => ({ host: String(r.name), ...core(r) })),
    ...(flapS.rows ?? []).map((r) => ({ host: String(r.host_name), service: String(r.description), ...core(r) })),
  ];
  const flapShown = flapRows.slice(0, args.limit);
  const h = health instanceof Error ? undefined : health.data;
  if (health instanceof Error) notes.push(`Backend health unknown: /sites did not answer (${cell(health.message, 120)}).`);
  const peers = new Set(shown.map((p) => p.peer_name));
  if (peers.size <= 1) for (const p of shown) delete p.peer_name;
  return {
    now: iso(nowSec),
    unhandled: {
      total,
      hosts: hosts.total,
      services: services.total,
      shown: shown.length,
      rows: shown.map(({ lsc: _l, rank: _r, ...p }) => p),
      older: total - shown.length,
      ...(shown.length === 0 && groups.length > 0 ? { groups, groups_total: allGroups.length } : {}),
      ...(oldest.length > 0 ? { oldest_since: iso(Math.min(...oldest)) } : {}),
    },
    handled: Math.max(0, hostProblems + serviceProblems - total),
    downtimes: { hours_ahead: args.hours_ahead, now: downtimeSection(dtNow, args.limit), upcoming: downtimeSection(dtNext, args.limit) },
    flapping: {
      total: flapH.total + flapS.total,
      shown: flapShown.length,
      rows: flapShown,
      ...(flapGroups !== undefined ? { groups: flapGroups } : {}),
    },
    stale: {
      never_checked: neverH.total + neverS.total,
      overdue: overdueTotal,
      shown: staleShown.length,
      rows: staleShown,
      ...(byBackend !== undefined ? { by_backend: byBackend } : {}),
      ...(neverGroups !== undefined ? { groups: neverGroups } : {}),
    },
    backends: {
      ...(h?.summary ?? { total: 0, ok: 0, degraded: 0, disconnected: 0 }),
      unhealthy: (h?.sites ?? [])
        .filter((s) => s.health !== 'ok')
        .slice(0, args.limit)
        .map((s) => ({ name: s.name, health: s.health, reasons: s.reasons.slice(0, 3) })),
    },
    ...(notes.length > 0 ? { notes } : {}),
  };
}

/** The brief with at most `keep` lines per section (counts unchanged, shown/older updated). */
function trimmed(b: Brief, keep: number): Brief {
  const u = b.unhandled;
  const rows = u.rows.slice(0, keep);
  const section = <T extends { total: number; shown: number; rows: readonly unknown[] }>(x: T): T => ({
    ...x,
    rows: x.rows.slice(0, keep),
    shown: Math.min(x.shown, keep),
  });
  return {
    ...b,
    unhandled: {
      ...u,
      rows,
      shown: rows.length,
      older: u.total - rows.length,
      ...(u.groups !== undefined ? { groups: u.groups.slice(0, keep) } : {}),
    },
    downtimes: { ...b.downtimes, now: section(b.downtimes.now), upcoming: section(b.downtimes.upcoming) },
    flapping: section(b.flapping),
    stale: { ...b.stale, rows: b.stale.rows.slice(0, keep), shown: Math.min(b.stale.shown, keep) },
    backends: { ...b.backends, unhealthy: b.backends.unhealthy.slice(0, keep) },
  };
}

const of = (shown: number, total: number, what: string) => (shown < total ? `showing ${shown} of ${total} ${what}` : `${total} ${what}`);

function groupLine(g: z.output<typeof groupOut>, nowMs: number, upcoming: boolean): string {
  const at = (s: string) => {
    const t = Date.parse(s) / 1000;
    const d = t - nowMs / 1000;
    return `${d >= 0 ? `in ${duration(d)}` : `${duration(-d)} ago`} (${s})`;
  };
  return `"${cell(g.comment, 60)}" by ${g.author || '?'}: ${g.objects} object${g.objects === 1 ? '' : 's'}, ${upcoming ? `starts ${at(g.start)}, ` : ''}ends ${at(g.end)}`;
}

const objectLabel = (r: { host: string; service?: string | undefined; peer_name?: string | undefined }): string =>
  `${r.host}${r.peer_name !== undefined ? `@${r.peer_name}` : ''}${r.service !== undefined ? `/${r.service}` : ''}`;

/** The compact text: one headline per section, then at most `limit` lines each, "showing N of TOTAL" where cut. */
export function renderBrief(b: Brief, nowMs: number): string {
  const out: string[] = [`Shift brief at ${b.now}.`];
  const u = b.unhandled;
  if (u.total === 0) out.push(`No unhandled problems (${b.handled} handled: acknowledged, in downtime or behind a host problem).`);
  else {
    const head = `Unhandled problems: ${u.total} (${u.hosts} hosts, ${u.services} services); ${b.handled} more handled.`;
    out.push(
      u.groups !== undefined
        ? `${head} Too many changed at once to list one by one; grouped by state and check, newest first, ${of(u.groups.length, u.groups_total ?? u.groups.length, 'groups')}:`
        : `${head} Newest first, ${of(u.shown, u.total, 'problems')}:`,
    );
    if (u.rows.length > 0) out.push('host | service | state | since | output');
    for (const p of u.rows)
      out.push(
        [
          p.peer_name !== undefined ? `${p.host}@${p.peer_name}` : p.host,
          p.service ?? '',
          `${p.state}${p.hard ? '' : ' (soft)'}`,
          p.age_s !== undefined ? `${duration(p.age_s)} ago (${p.since})` : '?',
          p.output,
        ].join(' | '),
      );
    if (u.groups !== undefined) {
      out.push('state | service | objects | newest change');
      for (const g of u.groups)
        out.push(
          `${g.state} | ${g.service ?? '(hosts)'} | ${g.objects} | ${duration(nowMs / 1000 - Date.parse(g.newest) / 1000)} ago (${g.newest})`,
        );
    }
    if (u.older > 0 && u.groups === undefined)
      out.push(
        `+ ${u.older} older unhandled${u.oldest_since !== undefined ? `, the oldest since ${duration(nowMs / 1000 - Date.parse(u.oldest_since) / 1000)} ago (${u.oldest_since})` : ''}.`,
      );
  }
  const d = b.downtimes;
  const dt = (what: string, s: typeof d.now, upcoming: boolean) => {
    if (s.total === 0) return [`${what}: none.`];
    return [
      `${what}: ${of(s.shown, s.total, s.total === 1 ? 'maintenance' : 'maintenances')}, ${s.objects} object${s.objects === 1 ? '' : 's'} (planned, not incidents):`,
      ...s.rows.map((g) => `- ${groupLine(g, nowMs, upcoming)}`),
    ];
  };
  out.push(...dt('In downtime now', d.now, false), ...dt(`Downtimes starting within ${d.hours_ahead}h`, d.upcoming, true));
  const fl = b.flapping;
  out.push(
    fl.total === 0
      ? 'Flapping now: none.'
      : `Flapping now: ${of(fl.shown, fl.total, fl.total === 1 ? 'object' : 'objects')}${fl.rows.length > 0 ? `: ${fl.rows.map(objectLabel).join(', ')}` : ''}${fl.groups !== undefined ? `; by check: ${fl.groups.map((g) => `${g.what} ${g.n}`).join(', ')}` : ''}.`,
  );
  const st = b.stale;
  if (st.never_checked + st.overdue === 0) out.push('Stale checks: none (every check has run recently).');
  else {
    out.push(
      `Stale checks: ${st.never_checked} never run, ${st.overdue} without a result for over ${OVERDUE_S / 60}m${st.shown < st.never_checked + st.overdue ? `; showing ${st.shown} of ${st.never_checked + st.overdue}` : ''}${st.rows.length > 0 ? ':' : '.'}`,
    );
    for (const r of st.rows)
      out.push(`- ${objectLabel(r)}: ${r.reason === 'never_checked' ? 'never run' : `last result ${r.last_check ?? '?'}`}`);
    if (st.groups !== undefined) out.push(`Never run, by check: ${st.groups.map((g) => `${g.what} ${g.n}`).join(', ')}.`);
    if (st.by_backend !== undefined) out.push(`Overdue by backend: ${st.by_backend.map((x) => `${x.peer || '?'} ${x.n}`).join(', ')}.`);
  }
  const be = b.backends;
  if (be.total > 0 && be.ok === be.total) out.push(`Backends: all ${be.total} connected and healthy.`);
  else if (be.total > 0) {
    out.push(
      `Backends: ${be.total - be.ok} of ${be.total} unhealthy (${be.disconnected} disconnected, ${be.degraded} degraded); answers about their hosts may be incomplete.`,
    );
    for (const s of be.unhealthy) out.push(`- ${s.name}: ${s.health}${s.reasons.length > 0 ? `, ${s.reasons.join('; ')}` : ''}`);
  }
  for (const n of b.notes ?? []) out.push(`Note: ${n}`);
  return out.join('\n');
}

export const brief = defineTool({
  name: 'thruk_brief',
  title: 'Shift brief',
  toolset: 'triage',
  access: 'read',
  description:
    'Shift brief, "what should I know right now?": unhandled problems newest first with age, downtimes now and soon, flapping, stale checks, backends down or lagging.',
  input: z
    .object({
      limit: z.number().int().min(1).max(50).default(10).describe('Lines per section'),
      hours_ahead: z.number().min(0).max(168).default(4).describe('Downtimes starting within these hours'),
      backends: backendsArg,
    })
    .strict(),
  output: briefOutput,
  run: async (ctx, args) => {
    const full = await gather(ctx, args);
    // Within the answer budget: fewer lines per section until it fits; every cut still says "showing N of TOTAL".
    let data = full;
    let text = renderBrief(data, ctx.now());
    for (
      let keep = args.limit - 1;
      keep >= 1 && estimateTokens(text) > ctx.config.maxAnswerTokens;
      keep = Math.min(keep - 1, Math.floor(keep / 2))
    ) {
      data = trimmed(full, keep);
      text = renderBrief(data, ctx.now());
    }
    return { data, text };
  },
});
