/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-argument -- answers not read typed yet (issue 16; see test/helpers/harness.ts) */
/** Oracle properties over history: rankings, flapping, availability, timeline, reliability, recurring problems. */
import assert from 'node:assert/strict';
import type { Harness } from './loose.js';
import { epoch, ok, type Property } from './oracle-common.js';
import type { Scenario } from './oracle.js';
import { assertHiddenWarning } from './oracle-ref-window.js';
import {
  refAlertCounts,
  refAvailabilityPercent,
  refEpisodes,
  refFlapping,
  refHostAvailability,
  refProblemTimeBounds,
  refServiceAvailability,
} from './oracle-ref-log.js';

/** Alert rankings: every object's non-OK alert count, the order, the total. */
export const noisy: Property = async (h) => {
  for (const [tool, kind] of [
    ['thruk_top_noisy_hosts', 'HOST'],
    ['thruk_top_noisy_services', 'SERVICE'],
  ] as const) {
    const r = await ok(h, tool, { since: '-3d', limit: 1000 });
    const ref = refAlertCounts(h.sim, epoch(r.structured.since), epoch(r.structured.until), kind);
    assertHiddenWarning(
      h.sim.state.sites,
      r.text,
      epoch(r.structured.since),
      epoch(r.structured.until),
      (e) => e.type === `${kind} ALERT` && e.state > 0,
      tool,
    );
    const multi = h.sim.state.sites.length > 1;
    const got = new Map<string, number>();
    for (const x of r.structured.results as Array<Record<string, any>>) {
      // Several cores: each row names its core, and one name on two cores is two rows (issue 13).
      assert.equal(typeof x.peer_name === 'string', multi, `${tool}: ${x.host} names its core iff several cores are in scope`);
      const key = `${x.host}${kind === 'SERVICE' ? `;${x.service}` : ''}${multi ? `@${x.peer_name}` : ''}`;
      assert.ok(!got.has(key), `${tool}: ${key} is one row`);
      got.set(key, Number(x.alert_count));
    }
    const want = ref;
    assert.deepEqual(new Map([...got].sort()), new Map([...want].sort()), `${tool}: alert count per object`);
    const counts = (r.structured.results as Array<{ alert_count: number }>).map((x) => x.alert_count);
    assert.deepEqual(
      counts,
      [...counts].sort((a, b) => b - a),
      `${tool}: ranked by alert count`,
    );
    assert.equal(
      r.structured.total_alerts_in_window,
      [...want.values()].reduce((a, b) => a + b, 0),
      `${tool}: total_alerts_in_window`,
    );
  }
};

/** FLAPPING ALERT objects of thruk_flap_summary: only FLAPPING ALERT rows count. */
export const flapping: Property = async (h) => {
  const r = await ok(h, 'thruk_flap_summary', { since: '-3d', limit: 1000 });
  const ref = refFlapping(h.sim, epoch(r.structured.since), epoch(r.structured.until));
  const multi = h.sim.state.sites.length > 1;
  const got = new Map(
    (r.structured.flapping_alerts as Array<Record<string, any>>).map((x) => [
      `${x.host};${x.service ?? ''}${multi ? `@${String(x.peer_name)}` : ''}`,
      { started: x.started, stopped: x.stopped },
    ]),
  );
  assert.deepEqual(new Map([...got].sort()), new Map([...ref].sort()), 'thruk_flap_summary FLAPPING ALERT objects');
  assert.equal(r.structured.total_flapping_alert_objects, ref.size, 'thruk_flap_summary total_flapping_alert_objects');
};

/** Hosts of the first core whose availability a scenario touches (outages, downtimes), plus two. */
export function availabilityHosts(h: Harness, s: Scenario): string[] {
  const site = h.sim.state.sites[0];
  if (site === undefined) return [];
  const pick = (i: number): string => site.hosts[i % site.hosts.length]?.name ?? '';
  const touched = [...s.outages, ...s.downtimes]
    .filter((o) => o.site % h.sim.state.sites.length === 0 && o.svc === null)
    .map((o) => pick(o.host));
  return [...new Set([...touched, pick(3), 'db-02'])].slice(0, 6);
}

/** thruk_host_availability: seconds per state, no data, availability % against the log rows. */
export const availability =
  (s: Scenario): Property =>
  async (h) => {
    const site = h.sim.state.sites[0];
    assert.ok(site);
    const backends = h.sim.state.sites.length > 1 ? { backends: site.name } : {};
    for (const host of availabilityHosts(h, s)) {
      const r = await ok(h, 'thruk_host_availability', { host, since: '-2d', ...backends });
      const w = r.structured.window;
      const ref = refHostAvailability(site, host, epoch(w.since), epoch(w.until));
      const sec = r.structured.seconds as Record<string, number>;
      const got = { up: sec.up ?? 0, down: sec.down ?? 0, unreachable: sec.unreachable ?? 0, nodata: sec.indeterminate_nodata ?? 0 };
      assert.deepEqual(
        got,
        { up: ref.up, down: ref.down, unreachable: ref.unreachable, nodata: ref.nodata },
        `thruk_host_availability ${host}: seconds per state`,
      );
      assert.equal(r.structured.availability_percent, refAvailabilityPercent(ref), `thruk_host_availability ${host}: availability_percent`);
      assert.equal(r.structured.no_data_s, ref.nodata, `thruk_host_availability ${host}: no_data_s`);
    }
  };

/** thruk_service_availability: seconds per state and availability % (CRITICAL/UNKNOWN are outage). */
export const serviceAvailability =
  (s: Scenario): Property =>
  async (h) => {
    const site = h.sim.state.sites[0];
    assert.ok(site);
    const backends = h.sim.state.sites.length > 1 ? { backends: site.name } : {};
    const picks = s.outages
      .filter((o) => o.site % h.sim.state.sites.length === 0 && o.svc !== null)
      .map((o) => {
        const host = site.hosts[o.host % site.hosts.length];
        const svc = host?.services[(o.svc ?? 0) % Math.max(1, host.services.length)];
        return host !== undefined && svc !== undefined ? ([host.name, svc.description] as const) : undefined;
      })
      .filter((x): x is readonly [string, string] => x !== undefined);
    for (const [host, service] of [...picks, ['db-02', 'ping'] as const].slice(0, 5)) {
      const r = await ok(h, 'thruk_service_availability', { host, service, since: '-2d', ...backends });
      const w = r.structured.window;
      const ref = refServiceAvailability(site, host, service, epoch(w.since), epoch(w.until));
      const sec = r.structured.seconds as Record<string, number>;
      assert.deepEqual(
        [sec.ok ?? 0, sec.warning ?? 0, sec.critical ?? 0, sec.unknown ?? 0, sec.indeterminate_nodata ?? 0],
        [...ref.seconds, ref.nodata],
        `thruk_service_availability ${host}/${service}: seconds per state`,
      );
      const known = ref.seconds.reduce((a, b) => a + b, 0);
      const bad = (ref.seconds[2] ?? 0) + (ref.seconds[3] ?? 0);
      const want = known > 0 ? Math.floor(((known - (bad - Math.min(bad, ref.scheduledBad))) / known) * 100 * 10_000) / 10_000 : undefined;
      assert.equal(r.structured.availability_percent, want, `thruk_service_availability ${host}/${service}: availability_percent`);
    }
  };

/**
 * thruk_reliability_report: HARD incidents, their time and ongoing ones per object. `allCores`
 * false: with two cores, the first one only (backends); true: both, each core's object on its own
 * (`name;service@core`).
 */
export const reliability =
  (allCores: boolean): Property =>
  async (h) => {
    const first = h.sim.state.sites[0];
    assert.ok(first);
    const scoped = !allCores && h.sim.state.sites.length > 1;
    const r = await ok(h, 'thruk_reliability_report', { since: '-3d', limit: 1000, ...(scoped ? { backends: first.name } : {}) });
    const { objects, carried } = refEpisodes(
      h.sim,
      epoch(r.structured.since),
      epoch(r.structured.until),
      scoped ? first.index : undefined,
      !scoped && h.sim.state.sites.length > 1,
    );
    const got = new Map<string, { incidents: number; seconds: number; ongoing: boolean }>();
    const multi = !scoped && h.sim.state.sites.length > 1;
    for (const x of r.structured.results as Array<Record<string, any>>) {
      // Several cores in scope: each row names its core, and a shared name is two objects.
      if (multi) assert.equal(typeof x.peer_name, 'string', `thruk_reliability_report: ${x.host} names its core`);
      else assert.equal(x.peer_name, undefined, `thruk_reliability_report: one core, ${x.host} is not labelled`);
      const key = `${x.host};${x.service ?? ''}${multi ? `@${x.peer_name}` : ''}`;
      if (carried.has(key)) continue;
      const prev = got.get(key);
      got.set(key, {
        incidents: (prev?.incidents ?? 0) + x.incidents,
        seconds: (prev?.seconds ?? 0) + x.total_downtime_seconds,
        ongoing: (prev?.ongoing ?? false) || x.ongoing,
      });
    }
    assert.deepEqual(
      new Map([...got].sort()),
      new Map([...objects].sort()),
      'thruk_reliability_report incidents, downtime seconds and ongoing per object',
    );
  };

/** thruk_hostgroup_availability_summary: the time-weighted group figure, and (todo) its no-data share in the headline. */
export const groupAvailability =
  (since: string, headline: boolean): Property =>
  async (h) => {
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
    assert.equal(
      r.structured.hosts.availability_percent,
      want,
      'thruk_hostgroup_availability_summary hosts.availability_percent (time-weighted)',
    );
    if (!headline) return;
    const share = nodata / (known + nodata);
    const line = r.text.split('\n').find((l) => l.startsWith('Hosts: ')) ?? '';
    if (share > 0)
      assert.match(line, /no data/i, `the headline "${line}" hides that ${(share * 100).toFixed(1)} % of the window has no data`);
  };

/** thruk_incident_timeline of a host: problem time between the bounds of refProblemTimeBounds (no double count). */
export const timeline =
  (s: Scenario): Property =>
  async (h) => {
    const site = h.sim.state.sites[0];
    assert.ok(site);
    const backends = h.sim.state.sites.length > 1 ? { backends: site.name } : {};
    const hosts = [
      ...new Set([
        ...s.outages.filter((o) => o.site % h.sim.state.sites.length === 0).map((o) => site.hosts[o.host % site.hosts.length]?.name ?? ''),
        'db-02',
      ]),
    ].slice(0, 4);
    for (const host of hosts) {
      const r = await ok(h, 'thruk_incident_timeline', { filter: { field: 'host', value: host }, since: '-4d', ...backends });
      const b = refProblemTimeBounds(site, host, epoch(r.structured.since), epoch(r.structured.until));
      const got = r.structured.summary.problem_seconds as number;
      assert.ok(
        got >= b.lower && got <= b.upper,
        `thruk_incident_timeline ${host}: problem time ${got} s outside [${b.lower}, ${b.upper}] (a host outage and its services' problems counted twice?)`,
      );
    }
  };

/** thruk_recurring_problems: objects with at least min_alerts non-OK alerts, and their counts. */
export const recurring: Property = async (h) => {
  const r = await ok(h, 'thruk_recurring_problems', { since: '-3d', min_alerts: 2, limit: 1000 });
  const since = epoch(r.structured.since);
  const until = epoch(r.structured.until);
  const multi = h.sim.state.sites.length > 1;
  // refAlertCounts keys: host[;service][@core]; each core's object on its own (issue 13).
  const want = new Map<string, number>();
  for (const kind of ['HOST', 'SERVICE'] as const)
    for (const [k, n] of refAlertCounts(h.sim, since, until, kind)) if (n >= 2) want.set(k, n);
  const got = new Map<string, number>();
  for (const x of r.structured.results as Array<Record<string, any>>) {
    assert.equal(
      typeof x.peer_name === 'string',
      multi,
      `thruk_recurring_problems: ${x.host} names its core iff several cores are in scope`,
    );
    const key = `${x.host}${x.service !== undefined ? `;${x.service}` : ''}${multi ? `@${x.peer_name}` : ''}`;
    assert.ok(!got.has(key), `thruk_recurring_problems: ${key} is one row`);
    got.set(key, Number(x.alert_count));
  }
  assert.deepEqual(new Map([...got].sort()), new Map([...want].sort()), 'thruk_recurring_problems objects and alert counts');
  assert.equal(r.structured.total_objects_above_threshold, want.size, 'thruk_recurring_problems total_objects_above_threshold');
};
