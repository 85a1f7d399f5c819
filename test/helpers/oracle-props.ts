/**
 * The oracle's properties: each builds the generated scenario, asks the tools through a real MCP
 * client and compares their numbers with the reference of oracle.ts. Shared by test/oracle.test.ts
 * (few runs, fixed seed) and scripts/oracle.ts (`npm run oracle -- --runs N`).
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { connect, type CallResult, type Harness } from './harness.js';
import { demoConfig } from './config.js';
import {
  buildScenario, refAlertCounts, refAvailabilityPercent, refHostAvailability, refProblemTimeBounds, refStale, refEpisodes, refServiceAvailability, refCounts, refFlapping, refHostStates, refRootCause, refServiceStates, refTotals, scenarioArb, type Scenario,
} from './oracle.js';

export interface OracleRun {
  numRuns: number;
  seed?: number | undefined;
  path?: string | undefined;
  /** false: stop at the first failure unshrunk (cheap, for known failures) */
  shrink?: boolean;
}

/** What a failed oracle property says: the shrunk scenario, the cause, and the replay line. */
export class OracleFailure extends Error {
  constructor(readonly property: string, readonly details: fc.RunDetails<[Scenario]>) {
    const cause = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
    super([
      `oracle property "${property}" failed at run ${details.numRuns}, shrunk ${details.numShrinks} time(s) to this minimal scenario:`,
      `  ${JSON.stringify(details.counterexample?.[0] ?? null)}`,
      `cause: ${cause}`,
      `replay: npm run oracle -- --only ${property} --seed ${details.seed} --path ${details.counterexamplePath ?? ''}`,
    ].join('\n'));
    this.name = 'OracleFailure';
  }
}

const epoch = (iso: string): number => Math.floor(Date.parse(iso) / 1000);

async function withScenario<T>(s: Scenario, body: (h: Harness) => Promise<T>): Promise<T> {
  const config = demoConfig();
  const sim = buildScenario(s, Date.now(), config.thruk.apiKey);
  const h = await connect({ simulator: sim });
  try {
    return await body(h);
  } finally {
    await h.close();
  }
}

async function ok(h: Harness, name: string, args: Record<string, unknown> = {}): Promise<CallResult> {
  const r = await h.call(name, args);
  assert.notEqual(r.isError, true, `${name} ${JSON.stringify(args)} failed: ${r.text.slice(0, 300)}`);
  return r;
}

/** Table rows of a text answer: lines after the header line that starts with `first`, split at ' | '. */
function tableRows(text: string, first: string): string[][] {
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
async function allPages(h: Harness, name: string, args: Record<string, unknown>, first: string): Promise<{ rows: string[][]; total: number }> {
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

function sub(obj: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(keys.map((k) => [k, obj[k] ?? 0]));
}

// ------------------------------------------------------------------ the properties

type Property = (h: Harness) => Promise<void>;

/** Counters: thruk_totals, thruk_problem_counts, thruk_problems' counts. */
const counters: Property = async (h) => {
  const ref = refTotals(h.sim);
  const t = await ok(h, 'thruk_totals');
  assert.deepEqual(sub(t.structured.hosts, Object.keys(ref.hosts)), ref.hosts, 'thruk_totals hosts');
  assert.deepEqual(sub(t.structured.services, Object.keys(ref.services)), ref.services, 'thruk_totals services');
  const pc = await ok(h, 'thruk_problem_counts');
  for (const k of ['down', 'unreachable', 'down_and_unhandled', 'unreachable_and_unhandled']) assert.equal(pc.structured.hosts[k] ?? 0, ref.hosts[k], `thruk_problem_counts hosts.${k}`);
  for (const k of ['warning', 'critical', 'unknown', 'warning_and_unhandled', 'critical_and_unhandled', 'unknown_and_unhandled']) assert.equal(pc.structured.services[k] ?? 0, ref.services[k], `thruk_problem_counts services.${k}`);
  const p = await ok(h, 'thruk_problems', { limit: 1000 });
  for (const k of ['down', 'unreachable']) assert.equal(p.structured.counts.hosts[k] ?? 0, ref.hosts[k], `thruk_problems counts.hosts.${k}`);
  for (const k of ['warning', 'critical', 'unknown']) assert.equal(p.structured.counts.services[k] ?? 0, ref.services[k], `thruk_problems counts.services.${k}`);
  // thruk_problems' own rule: a host problem is handled when acknowledged or in downtime (Thruk's
  // down_and_unhandled also needs active checks enabled); a service problem also when its host is.
  let hostUnhandled = 0;
  let hostProblems = 0;
  let svcUnhandled = 0;
  for (const site of h.sim.state.sites) {
    for (const x of site.hosts) {
      if (!x.hasBeenChecked || x.state === 0) continue;
      hostProblems++;
      if (x.ackType === 0 && x.scheduledDowntimeDepth === 0) hostUnhandled++;
    }
    for (const x of site.services) {
      if (!x.hasBeenChecked || x.state === 0) continue;
      if (x.ackType === 0 && x.scheduledDowntimeDepth === 0 && x.host.state === 0 && x.host.ackType === 0 && x.host.scheduledDowntimeDepth === 0) svcUnhandled++;
    }
  }
  assert.equal(p.structured.counts.hosts.unhandled ?? 0, hostUnhandled, 'thruk_problems counts.hosts.unhandled');
  assert.equal(p.structured.counts.hosts.handled ?? 0, hostProblems - hostUnhandled, 'thruk_problems counts.hosts.handled');
  assert.equal(p.structured.counts.services.unhandled ?? 0, svcUnhandled, 'thruk_problems counts.services.unhandled');
  assert.equal(p.structured.total, hostUnhandled + svcUnhandled, 'thruk_problems total (unhandled listed)');
  // The headline says the same numbers as the data.
  assert.match(p.text, new RegExp(`\\(${hostUnhandled} unhandled, ${hostProblems - hostUnhandled} handled\\)`), 'thruk_problems host headline');
};

/** thruk_list_hosts / thruk_list_services: totals and the state word of every row. */
const lists = (pending: boolean): Property => async (h) => {
  const hostRef = refHostStates(h.sim);
  const lh = await allPages(h, 'thruk_list_hosts', { limit: 1000 }, 'host');
  assert.equal(lh.total, hostRef.size, 'thruk_list_hosts total');
  const hostRows = new Map(lh.rows.map((r) => [r[0] as string, (r[1] as string).split(' ')[0] as string]));
  for (const [k, want] of hostRef) {
    if ((want === 'PENDING') !== pending) continue;
    assert.equal(hostRows.get(k), want, `thruk_list_hosts state of ${k}`);
  }
  const svcRef = refServiceStates(h.sim);
  const ls = await allPages(h, 'thruk_list_services', { limit: 1000 }, 'host');
  assert.equal(ls.total, svcRef.size, 'thruk_list_services total');
  const got = new Map(ls.rows.map((r) => {
    const [host, at] = (r[0] as string).split('@');
    return [`${host};${r[1] as string}${at !== undefined ? `@${at}` : ''}`, (r[2] as string).split(' ')[0] as string];
  }));
  for (const [k, want] of svcRef) {
    if ((want === 'PENDING') !== pending) continue;
    assert.equal(got.get(k), want, `thruk_list_services state of ${k}`);
  }
};

/** Downtime and comment counts. */
const handling: Property = async (h) => {
  const ref = refCounts(h.sim, Math.floor(Date.now() / 1000));
  const d = await ok(h, 'thruk_list_downtimes', { limit: 1000 });
  assert.equal(d.structured.total, ref.activeDowntimes, 'thruk_list_downtimes total (active_only by default)');
  const all = await ok(h, 'thruk_list_downtimes', { limit: 1000, active_only: false });
  assert.equal(all.structured.total, ref.downtimes, 'thruk_list_downtimes active_only=false total');
  const c = await ok(h, 'thruk_list_comments', { limit: 1000 });
  assert.equal(c.structured.total, ref.comments, 'thruk_list_comments total');
};

/** Alert rankings: every object's non-OK alert count, the order, the total. */
const noisy: Property = async (h) => {
  for (const [tool, kind] of [['thruk_top_noisy_hosts', 'HOST'], ['thruk_top_noisy_services', 'SERVICE']] as const) {
    const r = await ok(h, tool, { since: '-3d', limit: 1000 });
    const ref = refAlertCounts(h.sim, epoch(r.structured.since), epoch(r.structured.until), kind);
    const multi = h.sim.state.sites.length > 1;
    const got = new Map<string, number>();
    for (const x of r.structured.results as Array<Record<string, any>>) {
      const key = `${x.host}${kind === 'SERVICE' ? `;${x.service}` : ''}`;
      got.set(key, (got.get(key) ?? 0) + Number(x.alert_count));
    }
    const want = new Map<string, number>();
    // Across cores the tools merge an object name (issue 13 is another helper's); compare per name.
    for (const [k, n] of ref) {
      const key = multi ? k.replace(/@[^@]*$/, '') : k;
      want.set(key, (want.get(key) ?? 0) + n);
    }
    assert.deepEqual(new Map([...got].sort()), new Map([...want].sort()), `${tool}: alert count per object`);
    const counts = (r.structured.results as Array<{ alert_count: number }>).map((x) => x.alert_count);
    assert.deepEqual(counts, [...counts].sort((a, b) => b - a), `${tool}: ranked by alert count`);
    assert.equal(r.structured.total_alerts_in_window, [...want.values()].reduce((a, b) => a + b, 0), `${tool}: total_alerts_in_window`);
  }
};

/** Root causes: counts, roots, impacted counts, unattributed; text and data agree. With a host group scope, roots outside it too. */
const rootCause = (group?: string): Property => async (h) => {
  const r = await ok(h, 'thruk_root_cause', { limit: 1000, sample_limit: 1000, ...(group !== undefined ? { filter: { field: 'hostgroup', value: group } } : {}) });
  const ref = refRootCause(h.sim, epoch(r.structured.since), epoch(r.structured.until), group !== undefined ? (x) => x.groups.includes(group) : undefined);
  const s = r.structured;
  assert.equal(s.total_affected_hosts, ref.affected, 'thruk_root_cause total_affected_hosts');
  assert.equal(s.down_count, ref.down, 'thruk_root_cause down_count');
  assert.equal(s.unreachable_count, ref.unreachable, 'thruk_root_cause unreachable_count');
  assert.equal(s.unattributed_count, ref.unattributed, 'thruk_root_cause unattributed_count');
  const got = new Map((s.root_causes as Array<Record<string, any>>).map((x) => [x.core !== undefined ? `${x.root_cause_host}@${x.core}` : x.root_cause_host, x.impacted_count]));
  assert.deepEqual(new Map([...got].sort()), new Map([...ref.roots].sort()), 'thruk_root_cause roots and impacted counts');
  assert.match(r.text.split('\n')[0] ?? '', new RegExp(`: ${ref.affected} affected hosts? \\(${ref.down} DOWN, ${ref.unreachable} UNREACHABLE\\) → ${ref.roots.size} root causes?, ${ref.unattributed} UNREACHABLE unattributed`), 'thruk_root_cause headline');
};

/** FLAPPING ALERT objects of thruk_flap_summary: only FLAPPING ALERT rows count. */
const flapping: Property = async (h) => {
  const r = await ok(h, 'thruk_flap_summary', { since: '-3d', limit: 1000 });
  const ref = refFlapping(h.sim, epoch(r.structured.since), epoch(r.structured.until));
  const got = new Map((r.structured.flapping_alerts as Array<Record<string, any>>).map((x) => [`${x.host};${x.service ?? ''}`, { started: x.started, stopped: x.stopped }]));
  assert.deepEqual(new Map([...got].sort()), new Map([...ref].sort()), 'thruk_flap_summary FLAPPING ALERT objects');
  assert.equal(r.structured.total_flapping_alert_objects, ref.size, 'thruk_flap_summary total_flapping_alert_objects');
};

/** Hosts of the first core whose availability a scenario touches (outages, downtimes), plus two. */
function availabilityHosts(h: Harness, s: Scenario): string[] {
  const site = h.sim.state.sites[0];
  if (site === undefined) return [];
  const pick = (i: number): string => site.hosts[i % site.hosts.length]?.name ?? '';
  const touched = [...s.outages, ...s.downtimes].filter((o) => o.site % h.sim.state.sites.length === 0 && o.svc === null).map((o) => pick(o.host));
  return [...new Set([...touched, pick(3), 'db-02'])].slice(0, 6);
}

/** thruk_host_availability: seconds per state, no data, availability % against the log rows. */
const availability = (s: Scenario): Property => async (h) => {
  const site = h.sim.state.sites[0];
  assert.ok(site);
  const backends = h.sim.state.sites.length > 1 ? { backends: site.name } : {};
  for (const host of availabilityHosts(h, s)) {
    const r = await ok(h, 'thruk_host_availability', { host, since: '-2d', ...backends });
    const w = r.structured.window;
    const ref = refHostAvailability(site, host, epoch(w.since), epoch(w.until));
    const sec = r.structured.seconds as Record<string, number>;
    const got = { up: sec.up ?? 0, down: sec.down ?? 0, unreachable: sec.unreachable ?? 0, nodata: sec.indeterminate_nodata ?? 0 };
    assert.deepEqual(got, { up: ref.up, down: ref.down, unreachable: ref.unreachable, nodata: ref.nodata }, `thruk_host_availability ${host}: seconds per state`);
    assert.equal(r.structured.availability_percent, refAvailabilityPercent(ref), `thruk_host_availability ${host}: availability_percent`);
    assert.equal(r.structured.no_data_s, ref.nodata, `thruk_host_availability ${host}: no_data_s`);
  }
};

/** thruk_service_availability: seconds per state and availability % (CRITICAL/UNKNOWN are outage). */
const serviceAvailability = (s: Scenario): Property => async (h) => {
  const site = h.sim.state.sites[0];
  assert.ok(site);
  const backends = h.sim.state.sites.length > 1 ? { backends: site.name } : {};
  const picks = s.outages.filter((o) => o.site % h.sim.state.sites.length === 0 && o.svc !== null).map((o) => {
    const host = site.hosts[o.host % site.hosts.length];
    const svc = host?.services[(o.svc ?? 0) % Math.max(1, host.services.length)];
    return host !== undefined && svc !== undefined ? [host.name, svc.description] as const : undefined;
  }).filter((x): x is readonly [string, string] => x !== undefined);
  for (const [host, service] of [...picks, ['db-02', 'ping'] as const].slice(0, 5)) {
    const r = await ok(h, 'thruk_service_availability', { host, service, since: '-2d', ...backends });
    const w = r.structured.window;
    const ref = refServiceAvailability(site, host, service, epoch(w.since), epoch(w.until));
    const sec = r.structured.seconds as Record<string, number>;
    assert.deepEqual([sec.ok ?? 0, sec.warning ?? 0, sec.critical ?? 0, sec.unknown ?? 0, sec.indeterminate_nodata ?? 0], [...ref.seconds, ref.nodata], `thruk_service_availability ${host}/${service}: seconds per state`);
    const known = ref.seconds.reduce((a, b) => a + b, 0);
    const bad = (ref.seconds[2] ?? 0) + (ref.seconds[3] ?? 0);
    const want = known > 0 ? Math.floor(((known - (bad - Math.min(bad, ref.scheduledBad))) / known) * 100 * 10_000) / 10_000 : undefined;
    assert.equal(r.structured.availability_percent, want, `thruk_service_availability ${host}/${service}: availability_percent`);
  }
};

/**
 * thruk_reliability_report: HARD incidents, their time and ongoing ones per object. `allCores`
 * false: with two cores, the first one only (backends); true: both, an object name's episodes
 * summed over the cores.
 */
const reliability = (allCores: boolean): Property => async (h) => {
  const first = h.sim.state.sites[0];
  assert.ok(first);
  const scoped = !allCores && h.sim.state.sites.length > 1;
  const r = await ok(h, 'thruk_reliability_report', { since: '-3d', limit: 1000, ...(scoped ? { backends: first.name } : {}) });
  const { objects, carried } = refEpisodes(h.sim, epoch(r.structured.since), epoch(r.structured.until), scoped ? first.index : undefined);
  const got = new Map<string, { incidents: number; seconds: number; ongoing: boolean }>();
  for (const x of r.structured.results as Array<Record<string, any>>) {
    const key = `${x.host};${x.service ?? ''}`;
    if (carried.has(key)) continue;
    const prev = got.get(key);
    got.set(key, { incidents: (prev?.incidents ?? 0) + x.incidents, seconds: (prev?.seconds ?? 0) + x.total_downtime_seconds, ongoing: (prev?.ongoing ?? false) || x.ongoing });
  }
  assert.deepEqual(new Map([...got].sort()), new Map([...objects].sort()), 'thruk_reliability_report incidents, downtime seconds and ongoing per object');
};

/** thruk_hostgroup_availability_summary: the time-weighted group figure, and (todo) its no-data share in the headline. */
const groupAvailability = (since: string, headline: boolean): Property => async (h) => {
  const site = h.sim.state.sites[0];
  assert.ok(site);
  const backends = h.sim.state.sites.length > 1 ? { backends: site.name } : {};
  const r = await ok(h, 'thruk_hostgroup_availability_summary', { hostgroup: 'database-servers', since, limit: 1000, ...backends });
  const w = r.structured.window;
  let known = 0;
  let lost = 0;
  let nodata = 0;
  for (const host of site.hosts.filter((x) => x.groups.includes('database-servers'))) {
    const a = refHostAvailability(site, host.name, epoch(w.since), epoch(w.until));
    const k = a.up + a.down + a.unreachable;
    known += k;
    lost += a.down + a.unreachable - Math.min(a.down + a.unreachable, a.scheduledBad);
    nodata += a.nodata;
  }
  const want = known > 0 ? Math.floor(((known - lost) / known) * 100 * 10_000) / 10_000 : undefined;
  assert.equal(r.structured.hosts.availability_percent, want, 'thruk_hostgroup_availability_summary hosts.availability_percent (time-weighted)');
  if (!headline) return;
  const share = nodata / (known + nodata);
  const line = r.text.split('\n').find((l) => l.startsWith('Hosts: ')) ?? '';
  if (share > 0) assert.match(line, /no data/i, `the headline "${line}" hides that ${(share * 100).toFixed(1)} % of the window has no data`);
};

/** thruk_incident_timeline of a host: problem time between the bounds of refProblemTimeBounds (no double count). */
const timeline = (s: Scenario): Property => async (h) => {
  const site = h.sim.state.sites[0];
  assert.ok(site);
  const backends = h.sim.state.sites.length > 1 ? { backends: site.name } : {};
  const hosts = [...new Set([...s.outages.filter((o) => o.site % h.sim.state.sites.length === 0).map((o) => site.hosts[o.host % site.hosts.length]?.name ?? ''), 'db-02'])].slice(0, 4);
  for (const host of hosts) {
    const r = await ok(h, 'thruk_incident_timeline', { filter: { field: 'host', value: host }, since: '-4d', ...backends });
    const b = refProblemTimeBounds(site, host, epoch(r.structured.since), epoch(r.structured.until));
    const got = r.structured.summary.problem_seconds as number;
    assert.ok(got >= b.lower && got <= b.upper, `thruk_incident_timeline ${host}: problem time ${got} s outside [${b.lower}, ${b.upper}] (a host outage and its services' problems counted twice?)`);
  }
};

/** thruk_stale_checks: flagged checks per reason (latency left out: its threshold set out of reach). */
const stale: Property = async (h) => {
  const o = { factor: 2, grace: 60, passiveMax: 3600 };
  const r = await ok(h, 'thruk_stale_checks', { staleness_factor: o.factor, grace_seconds: o.grace, passive_max_age_s: o.passiveMax, latency_threshold_s: 86_400, limit: 5000 });
  const want = refStale(h.sim, epoch(r.structured.now), o);
  assert.deepEqual(r.structured.counts, want, 'thruk_stale_checks counts per reason');
  assert.equal(r.structured.total, Object.values(want).reduce((a, b) => a + b, 0), 'thruk_stale_checks total');
};

/** Unhandled problems as thruk_unacked_critical and thruk_oldest_problems define them, from the records. */
function refUnhandled(h: Harness, minServiceState: number, changedBefore: number | undefined): { counts: Record<string, number>; total: number } {
  const counts: Record<string, number> = {};
  const bump = (k: string): void => { counts[k] = (counts[k] ?? 0) + 1; };
  const old = (lsc: number): boolean => changedBefore === undefined || lsc <= changedBefore;
  for (const site of h.sim.state.sites) {
    for (const x of site.hosts) {
      if (x.hasBeenChecked && x.state !== 0 && x.ackType === 0 && x.scheduledDowntimeDepth === 0 && old(x.lastStateChange)) bump(x.state === 1 ? 'hosts_down' : 'hosts_unreachable');
    }
    for (const x of site.services) {
      const hostOk = x.host.state === 0 && x.host.ackType === 0 && x.host.scheduledDowntimeDepth === 0;
      if (x.hasBeenChecked && x.state >= minServiceState && x.ackType === 0 && x.scheduledDowntimeDepth === 0 && hostOk && old(x.lastStateChange)) {
        bump(`services_${['ok', 'warning', 'critical', 'unknown'][x.state] as string}`);
      }
    }
  }
  return { counts, total: Object.values(counts).reduce((a, b) => a + b, 0) };
}

/** thruk_unacked_critical and thruk_oldest_problems: who is unhandled, how many, oldest first. */
const unhandled: Property = async (h) => {
  const u = await ok(h, 'thruk_unacked_critical', { limit: 1000 });
  const ref = refUnhandled(h, 2, epoch(u.structured.changed_before));
  assert.deepEqual(u.structured.counts, ref.counts, 'thruk_unacked_critical counts');
  assert.equal(u.structured.total, ref.total, 'thruk_unacked_critical total');
  const o = await ok(h, 'thruk_oldest_problems', { limit: 1000 });
  assert.equal(o.structured.total, refUnhandled(h, 1, undefined).total, 'thruk_oldest_problems total');
  const since = (o.structured.rows as Array<{ since?: string }>).map((r) => r.since).filter((x): x is string => x !== undefined);
  assert.deepEqual(since, [...since].sort(), 'thruk_oldest_problems: oldest first');
};

/** thruk_recurring_problems: objects with at least min_alerts non-OK alerts, and their counts. */
const recurring: Property = async (h) => {
  const r = await ok(h, 'thruk_recurring_problems', { since: '-3d', min_alerts: 2, limit: 1000 });
  const since = epoch(r.structured.since);
  const until = epoch(r.structured.until);
  const multi = h.sim.state.sites.length > 1;
  const want = new Map<string, number>();
  for (const kind of ['HOST', 'SERVICE'] as const) {
    for (const [k, n] of refAlertCounts(h.sim, since, until, kind)) {
      const key = `${multi ? k.replace(/@[^@]*$/, '') : k}${kind === 'HOST' ? ';' : ''}`;
      want.set(key, (want.get(key) ?? 0) + n);
    }
  }
  for (const [k, n] of want) if (n < 2) want.delete(k);
  const got = new Map<string, number>();
  for (const x of r.structured.results as Array<Record<string, any>>) {
    const key = `${x.host};${x.service ?? ''}`;
    got.set(key, (got.get(key) ?? 0) + Number(x.alert_count));
  }
  assert.deepEqual(new Map([...got].sort()), new Map([...want].sort()), 'thruk_recurring_problems objects and alert counts');
  assert.equal(r.structured.total_objects_above_threshold, want.size, 'thruk_recurring_problems total_objects_above_threshold');
};

/**
 * A deliberately wrong claim (no host is ever pending), to show that shrinking and replay work.
 * It reads the simulator directly (no MCP round trip): shrinking runs it many times.
 */
const wrongOnPurpose = (s: Scenario): void => {
  const sim = buildScenario(s, Date.now(), 'x');
  assert.equal(refTotals(sim).hosts.pending, 0, 'hosts.pending (deliberately wrong claim)');
};

/** Not run by scripts/oracle.ts: the self-test of the runner. */
export const SELF_TEST: Readonly<Record<string, (s: Scenario) => void>> = { 'wrong-on-purpose': wrongOnPurpose };

export const PROPERTIES: Readonly<Record<string, Property>> = {
  counters,
  lists: lists(false),
  handling,
  noisy,
  'root-cause': rootCause(),
  'root-cause-scoped': rootCause('windows-servers'),
  pending: lists(true),
  flapping,
  stale,
  unhandled,
  recurring,
  reliability: reliability(false),
  'reliability-cores': reliability(true),
};

/** Properties that look at the scenario itself too (which objects it touched). */
const SCENARIO_PROPERTIES: Readonly<Record<string, (s: Scenario) => Property>> = {
  availability,
  'group-availability': () => groupAvailability('-2d', false),
  'no-data-headline': () => groupAvailability('-10d', true),
  timeline,
  'service-availability': serviceAvailability,
};

export const ALL_PROPERTIES: readonly string[] = [...Object.keys(PROPERTIES), ...Object.keys(SCENARIO_PROPERTIES)];

export async function runOracle(name: string, o: OracleRun): Promise<number> {
  const scenarioProp = SCENARIO_PROPERTIES[name];
  const prop = PROPERTIES[name] ?? (scenarioProp !== undefined ? 'scenario' : undefined);
  const self = SELF_TEST[name];
  if (prop === undefined && self === undefined) throw new Error(`no oracle property ${name}`);
  const body = scenarioProp !== undefined ? (s: Scenario) => withScenario(s, scenarioProp(s))
    : typeof prop === 'function' ? (s: Scenario) => withScenario(s, prop) : (s: Scenario) => Promise.resolve(self?.(s));
  const details = await fc.check(fc.asyncProperty(scenarioArb, body), {
    numRuns: o.numRuns,
    ...(o.seed !== undefined ? { seed: o.seed } : {}),
    ...(o.path !== undefined && o.path !== '' ? { path: o.path } : {}),
    endOnFailure: o.shrink === false,
  });
  if (details.failed) throw new OracleFailure(name, details);
  return details.numRuns;
}
