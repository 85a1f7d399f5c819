/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access -- answers not read typed yet (issue 16; see test/helpers/harness.ts) */
/** Oracle properties over history, second round (issue 12): notifications, alert heatmap, concurrent failures, DOWN vs UNREACHABLE. */
import assert from 'node:assert/strict';
import { alertEntry, appendLog } from '../../src/sim/loglines.js';
import { epoch, ok, type Property } from './oracle-common.js';
import type { Scenario } from './oracle.js';
import { assertHiddenWarning } from './oracle-ref-window.js';
import { refAlertBuckets, refBursts, refDownVsUnreachable, refHostIncidents, refNotifications } from './oracle-ref-log2.js';

const sorted = <V>(m: Map<string, V>): Map<string, V> => new Map([...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

/** thruk_notification_summary by contact, host and service: counts, affected objects and types per group. */
export const notificationSummary: Property = async (h) => {
  for (const by of ['contact', 'host', 'service'] as const) {
    const r = await ok(h, 'thruk_notification_summary', { group_by: by, since: '-3d', limit: 1000 });
    const ref = refNotifications(h.sim, epoch(r.structured.since), epoch(r.structured.until), by);
    assertHiddenWarning(
      h.sim.state.sites,
      r.text,
      epoch(r.structured.since),
      epoch(r.structured.until),
      (e) => e.class === 3,
      `thruk_notification_summary (${by})`,
    );
    assert.equal(r.structured.total, ref.total, `thruk_notification_summary (${by}) total`);
    const multi = h.sim.state.sites.length > 1;
    const got = new Map<string, unknown>();
    for (const x of r.structured.results as Array<Record<string, any>>) {
      // By object with several cores: the group names the host as rows do (name@core), the core in peer_name too.
      const g = String(x.group);
      const host = g.slice(0, g.indexOf('/'));
      const svc = g.slice(g.indexOf('/') + 1);
      if (by !== 'contact')
        assert.equal(typeof x.peer_name === 'string', multi, `thruk_notification_summary by ${by}: ${g} names its core iff several cores`);
      if (by !== 'contact' && multi)
        assert.ok(
          (by === 'host' ? g : host).endsWith(`@${x.peer_name}`),
          `thruk_notification_summary by ${by}: ${g} is labelled name@core`,
        );
      const k = by === 'contact' ? g : by === 'host' ? g : `${host};${svc}`;
      got.set(k, { count: x.count, hosts: x.hosts_affected, services: x.services_affected, types: x.by_type });
    }
    const want = new Map(
      [...ref.groups].map(([k, g]) => [k, { count: g.count, hosts: g.hosts.size, services: g.services.size, types: g.types }]),
    );
    assert.deepEqual(sorted(got), sorted(want), `thruk_notification_summary by ${by}: count, affected and types per group`);
    const counts = (r.structured.results as Array<{ count: number }>).map((x) => x.count);
    assert.deepEqual(
      counts,
      [...counts].sort((a, b) => b - a),
      `thruk_notification_summary by ${by}: ranked by count`,
    );
  }
};

/** thruk_alert_heatmap: every bucket's alert count, the total and the peak. */
export const alertHeatmap: Property = async (h) => {
  for (const [since, bucket, size] of [
    ['-2d', '1h', 3600],
    ['-3d', '6h', 21600],
  ] as const) {
    const r = await ok(h, 'thruk_alert_heatmap', { since, bucket });
    const ref = refAlertBuckets(h.sim, epoch(r.structured.since), epoch(r.structured.until), size);
    assertHiddenWarning(
      h.sim.state.sites,
      r.text,
      epoch(r.structured.since),
      epoch(r.structured.until),
      (e) => e.type === 'HOST ALERT' || e.type === 'SERVICE ALERT',
      `thruk_alert_heatmap ${bucket}`,
    );
    const got = new Map(
      (r.structured.results as Array<{ bucket_start: string; count: number }>).map((x) => [String(epoch(x.bucket_start)), x.count]),
    );
    assert.deepEqual(
      sorted(got),
      sorted(new Map([...ref].map(([k, v]) => [String(k), v]))),
      `thruk_alert_heatmap ${bucket}: count per bucket`,
    );
    const total = [...ref.values()].reduce((a, b) => a + b, 0);
    assert.equal(r.structured.total_alerts, total, `thruk_alert_heatmap ${bucket}: total_alerts`);
    const max = Math.max(0, ...ref.values());
    assert.equal(r.structured.peak?.count ?? 0, max, `thruk_alert_heatmap ${bucket}: peak count`);
    if (max > 0)
      assert.equal(ref.get(epoch(r.structured.peak.bucket_start)), max, `thruk_alert_heatmap ${bucket}: the peak bucket holds the peak`);
    assert.match(r.text.split('\n')[0] ?? '', new RegExp(`: ${total} alerts`), `thruk_alert_heatmap ${bucket}: headline total`);
  }
};

/** thruk_concurrent_failures: bursts (start, end, distinct hosts) against a brute-force sliding window. */
export const concurrentFailures: Property = async (h) => {
  for (const [win, min] of [
    [60, 2],
    [240, 3],
  ] as const) {
    const r = await ok(h, 'thruk_concurrent_failures', {
      since: '-3d',
      window_minutes: win,
      min_hosts: min,
      sample_limit: 1000,
      max_events: 100_000,
    });
    const ref = refBursts(h.sim, epoch(r.structured.since), epoch(r.structured.until), win * 60, min);
    assertHiddenWarning(
      h.sim.state.sites,
      r.text,
      epoch(r.structured.since),
      epoch(r.structured.until),
      (e) => e.type === 'HOST ALERT' && e.state > 0,
      `thruk_concurrent_failures ${win}m/${min}`,
    );
    assert.equal(r.structured.total_down_events, ref.events, `thruk_concurrent_failures ${win}m/${min}: total_down_events`);
    const got = (r.structured.results as Array<Record<string, any>>).map((x) => ({
      start: epoch(x.window_start),
      end: epoch(x.window_end),
      count: x.count,
      hosts: [...x.hosts].sort(),
    }));
    const want = ref.bursts.map((b) => ({ start: b.start, end: b.end, count: b.hosts.size, hosts: [...b.hosts].sort() }));
    assert.deepEqual(got, want, `thruk_concurrent_failures ${win}m/${min}: bursts`);
    for (const x of r.structured.results as Array<Record<string, any>>)
      assert.equal(x.first_host, x.hosts[0], 'first_host is the first to fail');
  }
};

/** thruk_unreachable_vs_down: hosts DOWN and UNREACHABLE in the window (and now), both, per core. */
export const unreachableVsDown: Property = async (h) => {
  for (const include_current of [true, false]) {
    const r = await ok(h, 'thruk_unreachable_vs_down', { since: '-3d', include_current, sample_limit: 5000 });
    const ref = refDownVsUnreachable(h.sim, epoch(r.structured.since), epoch(r.structured.until), include_current);
    const s = r.structured;
    assert.deepEqual([...s.down_hosts].sort(), [...ref.down].sort(), `thruk_unreachable_vs_down (current ${include_current}) DOWN hosts`);
    assert.deepEqual(
      [...s.unreachable_hosts].sort(),
      [...ref.unreachable].sort(),
      `thruk_unreachable_vs_down (current ${include_current}) UNREACHABLE hosts`,
    );
    const both = [...ref.down].filter((x) => ref.unreachable.has(x)).length;
    assert.deepEqual(
      [s.down_count, s.unreachable_count, s.both_count],
      [ref.down.size, ref.unreachable.size, both],
      'thruk_unreachable_vs_down counts',
    );
    assert.match(
      r.text.split('\n')[0] ?? '',
      new RegExp(`: ${ref.down.size} DOWN, ${ref.unreachable.size} UNREACHABLE, ${both} both`),
      'thruk_unreachable_vs_down headline',
    );
  }
};

/**
 * thruk_incident_timeline of a host whose services see its outages first (a service problem 0-4
 * minutes before each host outage, as when the service check runs before the host check): the
 * incident count, the longest incident and its object, against refHostIncidents.
 */
export const timelineLongest =
  (s: Scenario): Property =>
  async (h) => {
    // With two cores, either core's log (Icinga 2 or Naemon), as the scenario has it.
    const n = h.sim.state.sites.length;
    const si = s.outages.length % n;
    const site = h.sim.state.sites[si];
    assert.ok(site);
    const now = Math.floor(Date.now() / 1000);
    const hosts = new Set<string>([site.hostByName.has('db-02') ? 'db-02' : (site.hosts[0]?.name ?? '')]);
    for (const o of s.outages) {
      if (o.site % n !== si || o.svc !== null) continue;
      const host = site.hosts[o.host % site.hosts.length];
      const svc = host?.services[o.startMin % Math.max(1, host.services.length)];
      if (host === undefined || svc === undefined || !host.hasBeenChecked || !svc.hasBeenChecked) continue;
      hosts.add(host.name);
      const start = now - o.startMin * 60 - 60 * (o.durMin % 5);
      const end = now - o.startMin * 60 + o.durMin * 60 + 30;
      appendLog(site, alertEntry(start, svc, 2, true, 1, 'oracle service first'));
      if (end <= now) appendLog(site, alertEntry(end, svc, 0, true, 1, 'oracle service ok'));
    }
    const backends = n > 1 ? { backends: site.name } : {};
    for (const host of [...hosts].slice(0, 4)) {
      const r = await ok(h, 'thruk_incident_timeline', { filter: { field: 'host', value: host }, since: '-4d', limit: 5000, ...backends });
      const ref = refHostIncidents(site, host, epoch(r.structured.since), epoch(r.structured.until));
      const sum = r.structured.summary;
      assert.equal(
        sum.incidents,
        ref.own.length,
        `thruk_incident_timeline ${host}: incidents (a host outage and the service problems it caused are one)`,
      );
      const longest = Math.max(0, ...ref.own.map((i) => i.end - i.start));
      assert.equal(sum.longest_incident?.seconds ?? 0, longest, `thruk_incident_timeline ${host}: longest incident seconds`);
      const winners = ref.own.filter((i) => i.end - i.start === longest).map((i) => i.service ?? '');
      if (sum.longest_incident !== undefined)
        assert.ok(
          winners.includes(sum.longest_incident.service ?? ''),
          `thruk_incident_timeline ${host}: longest is ${sum.longest_incident.service ?? 'the host'}, want one of ${JSON.stringify(winners)}`,
        );
      const line = r.text.split('\n').find((l) => l.startsWith('Longest: ')) ?? '';
      if (sum.longest_incident !== undefined)
        assert.ok(
          line.includes(sum.longest_incident.duration),
          `thruk_incident_timeline ${host}: the Longest line says ${sum.longest_incident.duration}`,
        );
    }
  };
