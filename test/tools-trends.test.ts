/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-return -- answers not read typed yet (issue 16; see test/helpers/harness.ts) */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createSimulator } from '../src/sim/index.js';
import { connect, demoConfig, CURRENT_ERA, rest, post, type Harness } from './helpers/loose.js';

const KEY = demoConfig().thruk.apiKey;

/**
 * A simulator whose clock can be put back, so passive check results land at chosen times:
 * web-04 flaps DOWN/UP 220 times an hour ago, web-03 has three incidents (the last ongoing).
 */
async function scenario(era: 'modern' | 'legacy'): Promise<{ h: Harness; t0: number }> {
  const t0 = Math.floor(Date.now() / 1000);
  // The clock is pinned while events are staged: deriving it from Date.now() could slip a second.
  let pinned: number | undefined;
  const sim = createSimulator({ apiKey: KEY, now: () => (pinned !== undefined ? pinned * 1000 : Date.now()) });
  const h = await connect({ era, simulator: sim });
  const at = async (t: number, host: string, state: number): Promise<void> => {
    pinned = t;
    await post(h, `/hosts/${host}/cmd/process_host_check_result`, { plugin_state: state, plugin_output: state === 0 ? 'UP' : 'DOWN' });
  };
  for (let i = 0; i < 220; i++) await at(t0 - 3600 + i * 2, 'web-04', i % 2 === 0 ? 1 : 0);
  await at(t0 - 3000, 'web-03', 1);
  await at(t0 - 2400, 'web-03', 0);
  await at(t0 - 1200, 'web-03', 1);
  await at(t0 - 900, 'web-03', 0);
  await at(t0 - 300, 'web-03', 1);
  pinned = undefined;
  return { h, t0 };
}

interface LogRow {
  host_name: string;
  service_description: string | null;
  state: number;
  state_type: string;
  time: number;
}

// Tool answers do not depend on the protocol era: run once on the current one (protocol suites loop over ERAS).
{
  const era = CURRENT_ERA;
  describe(`trends toolset over the ${era} protocol era`, () => {
    let h: Harness;
    let t0: number;
    before(async () => {
      ({ h, t0 } = await scenario(era));
    });
    after(async () => {
      await h.close();
    });

    const alertRows = async (type: string, since: number, until: number, extra: Record<string, string> = {}): Promise<LogRow[]> =>
      rest(h, '/logs', {
        class: '1',
        type,
        'time[gte]': String(since),
        'time[lte]': String(until),
        columns: 'host_name,service_description,state,state_type,time',
        ...extra,
      });

    it('lists the trend tools as read-only with output schemas', async () => {
      const { tools } = await h.client.listTools();
      for (const n of [
        'thruk_top_noisy_hosts',
        'thruk_top_noisy_services',
        'thruk_flap_summary',
        'thruk_alert_heatmap',
        'thruk_notification_heatmap',
        'thruk_recurring_problems',
        'thruk_reliability_report',
      ]) {
        const t = tools.find((x) => x.name === n);
        assert.ok(t, `missing ${n}`);
        assert.equal(t.annotations?.readOnlyHint, true);
        assert.ok(t.outputSchema);
      }
    });

    it('thruk_top_noisy_hosts counts non-OK host alerts exactly, per host and per host group', async () => {
      const since = t0 - 7 * 86400;
      const truth = (await alertRows('HOST ALERT', since, t0)).filter((r) => r.state !== 0);
      const perHost = new Map<string, number>();
      for (const r of truth) perHost.set(r.host_name, (perHost.get(r.host_name) ?? 0) + 1);
      const r = await h.call('thruk_top_noisy_hosts', { since, until: t0, limit: 1000 });
      assert.equal(r.isError, undefined, r.text);
      assert.equal(r.structured.total_alerts_in_window, truth.length);
      assert.deepEqual(new Map(r.structured.results.map((x: any) => [x.host, x.alert_count])), perHost);
      assert.equal(r.structured.results[0].host, 'web-04', 'the flapping host is the noisiest');
      assert.equal(r.structured.results[0].alert_count, 110);
      const web03 = r.structured.results.find((x: any) => x.host === 'web-03');
      assert.equal(web03.last_state, 'DOWN');
      assert.equal(web03.last_alert_time, new Date((t0 - 300) * 1000).toISOString().replace('.000Z', 'Z'));
      assert.match(r.text, /^Noisy hosts .*: \d+ non-OK host alerts on \d+ hosts/);
      assert.match(r.text, /\nweb-04 \| 110 \| DOWN \| /);
      assert.ok(!/\bnull\b|undefined|NaN/.test(r.text));

      const g = await h.call('thruk_top_noisy_hosts', { since, until: t0, group_by: 'hostgroup', limit: 1000 });
      const groups = (await rest(h, '/hosts', { columns: 'name,groups' })) as Array<{ name: string; groups: string[] }>;
      const expected = new Map<string, number>();
      for (const [host, n] of perHost)
        for (const grp of groups.find((x) => x.name === host)?.groups ?? ['(none)']) expected.set(grp, (expected.get(grp) ?? 0) + n);
      assert.deepEqual(new Map(g.structured.results.map((x: any) => [x.hostgroup, x.alert_count])), expected);
      assert.ok(g.structured.results.every((x: any) => x.hosts_affected >= 1));
    });

    it('thruk_top_noisy_services ranks services and rolls them up per host and service group', async () => {
      const since = t0 - 7 * 86400;
      const truth = (await alertRows('SERVICE ALERT', since, t0)).filter((r) => r.state !== 0);
      const r = await h.call('thruk_top_noisy_services', { since, until: t0, limit: 1000 });
      assert.equal(r.structured.total_alerts_in_window, truth.length);
      const per = new Map<string, number>();
      for (const x of truth)
        per.set(`${x.host_name}|${x.service_description}`, (per.get(`${x.host_name}|${x.service_description}`) ?? 0) + 1);
      assert.deepEqual(new Map(r.structured.results.map((x: any) => [`${x.host}|${x.service}`, x.alert_count])), per);
      for (let i = 1; i < r.structured.results.length; i++)
        assert.ok(r.structured.results[i - 1].alert_count >= r.structured.results[i].alert_count, 'ranked');
      const byHost = await h.call('thruk_top_noisy_services', { since, until: t0, group_by: 'host', limit: 1000 });
      assert.equal(
        byHost.structured.results.reduce((a: number, x: any) => a + x.alert_count, 0),
        truth.length,
      );
      assert.ok(byHost.structured.results.every((x: any) => x.services_affected >= 1 && x.service === undefined));
      const sg = await h.call('thruk_top_noisy_services', { since, until: t0, group_by: 'servicegroup' });
      assert.equal(sg.isError, undefined, sg.text);
      assert.match(sg.text, /servicegroup \| alerts \| hosts \| services \| last alert/);
      const hard = await h.call('thruk_top_noisy_services', { since, until: t0, state_type: 'hard', limit: 1000 });
      assert.equal(hard.structured.total_alerts_in_window, truth.filter((x) => x.state_type === 'HARD').length);
    });

    it('pages the ranking and says how to get the rest', async () => {
      const r = await h.call('thruk_top_noisy_services', { since: '-7d', limit: 2 });
      assert.equal(r.structured.returned, 2);
      assert.equal(r.structured.next_offset, 2);
      assert.match(r.text, /more not shown\. Next page: offset=2\./);
      const p2 = await h.call('thruk_top_noisy_services', { since: '-7d', limit: 2, offset: 2 });
      assert.equal(p2.structured.offset, 2);
      assert.notDeepEqual(p2.structured.results[0], r.structured.results[0]);
    });

    it('reads the deprecated hours argument as since=-Nh, and since wins over it', async () => {
      const r = await h.call('thruk_top_noisy_hosts', { hours: 2 });
      assert.equal(r.isError, undefined, r.text);
      assert.equal(Date.parse(r.structured.until) / 1000 - Date.parse(r.structured.since) / 1000, 7200);
      assert.match(r.text, /Note: hours is deprecated; read as since="-2h"/);
      const both = await h.call('thruk_flap_summary', { hours: 2, since: '-30m' });
      assert.equal(Date.parse(both.structured.until) / 1000 - Date.parse(both.structured.since) / 1000, 1800);
      assert.match(both.text, /hours is deprecated and was ignored/);
      const bad = await h.call('thruk_top_noisy_hosts', { hours: 0 });
      assert.equal(bad.isError, true);
    });

    it('empty results: a window in the future and a filter that matches nothing', async () => {
      const future = await h.call('thruk_top_noisy_hosts', { since: '+1h', until: '+2h' });
      assert.equal(future.isError, undefined, future.text);
      assert.equal(future.structured.total_alerts_in_window, 0);
      assert.deepEqual(future.structured.results, []);
      assert.match(future.text, /no non-OK host alerts\./);
      const none = await h.call('thruk_recurring_problems', { since: '-7d', filter: { field: 'hostgroup', value: 'no-such-group' } });
      assert.equal(none.structured.total_objects_above_threshold, 0);
      assert.match(none.text, /Note: hostgroup "no-such-group" matches no host\./);
      const noHost = await h.call('thruk_flap_summary', { filter: { field: 'host', value: 'nohost-zz' } });
      assert.equal(noHost.structured.total_flapping_objects, 0);
      const heat = await h.call('thruk_alert_heatmap', { since: '+1h', until: '+3h' });
      assert.equal(heat.structured.total_alerts, 0);
      assert.ok(heat.structured.results.length >= 2 && heat.structured.results.every((b: any) => b.count === 0));
    });

    it('window edges: since/until are inclusive, reversed windows and bad times are errors', async () => {
      const at = t0 - 300;
      const exact = await h.call('thruk_top_noisy_hosts', { since: at, until: at, filter: { field: 'host', value: 'web-03' } });
      assert.equal(exact.structured.total_alerts_in_window, 1, 'an alert exactly at since=until is counted');
      const before = await h.call('thruk_top_noisy_hosts', { since: at - 60, until: at - 1, filter: { field: 'host', value: 'web-03' } });
      assert.equal(before.structured.total_alerts_in_window, 0);
      const rev = await h.call('thruk_top_noisy_hosts', { since: '-1h', until: '-2h' });
      assert.equal(rev.isError, true);
      assert.match(rev.text, /until is before since/);
      const bad = await h.call('thruk_alert_heatmap', { since: 'last tuesday-ish' });
      assert.equal(bad.isError, true);
      assert.match(bad.text, /since: cannot read/);
      const iso = await h.call('thruk_top_noisy_hosts', {
        since: new Date((t0 - 3600) * 1000).toISOString(),
        until: new Date(t0 * 1000).toISOString().replace('Z', '+00:00'),
      });
      assert.equal(iso.isError, undefined, iso.text);
    });

    it('refuses hostile input with a clear message', async () => {
      const nl = await h.call('thruk_top_noisy_hosts', { filter: { field: 'host', value: 'web-01\nGET /x' } });
      assert.equal(nl.isError, true);
      assert.match(nl.text, /line break or control character/);
      const q = await h.call('thruk_recurring_problems', { filter: { field: 'host', value: 'x" or name ~ ".*' } });
      assert.equal(q.isError, undefined, 'quotes are data, not syntax');
      assert.equal(q.structured.total_objects_above_threshold, 0);
      const field = await h.call('thruk_top_noisy_hosts', { filter: { field: 'service', value: 'x' } });
      assert.equal(field.isError, true, 'service is not a host-alert filter field');
      const extra = await h.call('thruk_alert_heatmap', { bucket: '5m' });
      assert.equal(extra.isError, true);
      const unknown = await h.call('thruk_reliability_report', { columns: 'x' });
      assert.equal(unknown.isError, true);
      assert.match(unknown.text, /unknown argument 'columns'/);
    });

    it('thruk_flap_summary counts state changes from the ordered log and shows FLAPPING ALERT events', async () => {
      const since = t0 - 2 * 3600;
      const r = await h.call('thruk_flap_summary', { since, until: t0, limit: 1000 });
      assert.equal(r.isError, undefined, r.text);
      const web04 = r.structured.results.find((x: any) => x.host === 'web-04' && x.service === undefined);
      // 220 UP/DOWN alerts, the first of them a fresh change (attempt 1): 220 changes.
      const web04Rows = await rest(h, '/logs', {
        class: '1',
        type: 'HOST ALERT',
        'time[gte]': String(since),
        'time[lte]': String(t0),
        columns: 'options',
        sort: 'time',
        'message[regex]': 'HOST ALERT: web-04;',
      });
      assert.equal(web04Rows.length, 220);
      assert.equal(web04Rows[0].options.split(';')[3], '1');
      assert.equal(web04.transition_count, 220);
      assert.equal(web04.alert_count, 220);
      assert.deepEqual(web04.states_seen, ['UP', 'DOWN']);
      assert.equal(web04.last_state, 'UP');
      const web03 = r.structured.results.find((x: any) => x.host === 'web-03');
      const truth = await alertRows('HOST ALERT', since, t0, {
        'message[regex]': 'HOST ALERT: web-03;',
        sort: 'time',
        columns: 'options,state',
      });
      assert.equal(truth.length, 5);
      const firstAttempt = Number(String((truth[0] as any).options).split(';')[3]);
      let n = firstAttempt === 1 ? 1 : 0;
      for (let i = 1; i < truth.length; i++) if (truth[i]?.state !== truth[i - 1]?.state) n++;
      assert.equal(web03.transition_count, n);
      const strict = await h.call('thruk_flap_summary', { since, until: t0, min_transitions: n + 1 });
      assert.ok(!strict.structured.results.some((x: any) => x.host === 'web-03'), 'min_transitions is honoured');
      const week = await h.call('thruk_flap_summary', { since: '-7d' });
      const flapTruth = await rest(h, '/logs', {
        class: '1',
        'type[regex]': 'FLAPPING ALERT$',
        'time[gte]': '-7d',
        columns: 'host_name,service_description,state_type',
      });
      assert.equal(
        week.structured.total_flapping_alert_objects,
        new Set(flapTruth.map((x: any) => `${x.host_name}|${x.service_description}`)).size,
      );
      assert.ok(flapTruth.length > 0, 'the demo history has FLAPPING ALERT rows');
      assert.match(week.text, /FLAPPING ALERT events \(\d+ of \d+, newest first\)/);
    });

    it('thruk_flap_summary names the candidates it could not read within max_events', async () => {
      const r = await h.call('thruk_flap_summary', { since: t0 - 2 * 3600, until: t0, max_events: 100 });
      assert.equal(r.isError, undefined, r.text);
      assert.equal(r.structured.candidates_not_analysed, 1, 'web-04 alone has 220 rows');
      assert.match(r.text, /Note: 1 of \d+ candidate objects \(220 alerts\) were not analysed: .*max_events=100/);
      assert.ok(
        r.structured.results.some((x: any) => x.host === 'web-03'),
        'the other candidates are still analysed',
      );
    });

    it('thruk_recurring_problems lists objects at or above min_alerts, recoveries excluded', async () => {
      const since = t0 - 7 * 86400;
      const truth = (await rest(h, '/logs', {
        class: '1',
        'type[regex]': '^(HOST|SERVICE) ALERT$',
        'state[ne]': '0',
        'time[gte]': String(since),
        'time[lte]': String(t0),
        columns: 'host_name,service_description',
      })) as LogRow[];
      const per = new Map<string, number>();
      for (const x of truth)
        per.set(`${x.host_name}|${x.service_description ?? ''}`, (per.get(`${x.host_name}|${x.service_description ?? ''}`) ?? 0) + 1);
      const r = await h.call('thruk_recurring_problems', { since, until: t0, min_alerts: 3, limit: 1000 });
      const expected = [...per.entries()].filter(([, n]) => n >= 3);
      assert.equal(r.structured.total_objects_above_threshold, expected.length);
      for (const x of r.structured.results) assert.equal(x.alert_count, per.get(`${x.host}|${x.service ?? ''}`));
      const hour = await h.call('thruk_recurring_problems', {
        since: t0 - 3500,
        until: t0,
        min_alerts: 3,
        filter: { field: 'host', value: 'web-03' },
      });
      const web03 = hour.structured.results.find((x: any) => x.host === 'web-03' && x.service === undefined);
      assert.deepEqual(web03.states, { DOWN: 3 });
      assert.equal(web03.last_state, 'DOWN');
      assert.equal(web03.first_seen, new Date((t0 - 3000) * 1000).toISOString().replace('.000Z', 'Z'));
      const bad = await h.call('thruk_recurring_problems', { min_alerts: 0 });
      assert.equal(bad.isError, true);
    });

    it('thruk_reliability_report reduces HARD incidents into MTTR, MTBF and downtime', async () => {
      const r = await h.call('thruk_reliability_report', { since: t0 - 3300, until: t0, filter: { field: 'host', value: 'web-03' } });
      assert.equal(r.isError, undefined, r.text);
      const web03 = r.structured.results.find((x: any) => x.service === undefined);
      assert.equal(web03.incidents, 3);
      assert.equal(web03.total_downtime_seconds, 600 + 300 + 300);
      assert.equal(web03.longest_incident_seconds, 600);
      assert.equal(web03.mttr_seconds, 450);
      assert.equal(web03.mtbf_seconds, (3000 - 300) / 2);
      assert.equal(web03.ongoing, true);
      assert.equal(web03.mttr_human, '7m');
      assert.match(r.text, /\nweb-03 \| 3 \| 20m \| [\d.]+% \| 10m \| 7m \| 22m \| yes, since /);
      // A recovery first in the window closes an incident that began before it: counted from since, not in MTTR.
      const clipped = await h.call('thruk_reliability_report', { since: t0 - 2700, until: t0, filter: { field: 'host', value: 'web-03' } });
      const c = clipped.structured.results.find((x: any) => x.service === undefined);
      assert.equal(c.incidents, 3);
      assert.equal(c.total_downtime_seconds, 300 + 300 + 300);
      assert.equal(c.mttr_seconds, 300);
    });

    it('thruk_reliability_report says exactly how much of the window max_events let it analyse', async () => {
      const since = t0 - 30 * 86400;
      const total = (
        await rest(h, '/logs', {
          class: '1',
          'type[regex]': '^(HOST|SERVICE) ALERT$',
          state_type: 'HARD',
          'time[gte]': String(since),
          'time[lte]': String(t0),
          columns: 'count(*)',
        })
      )['count(*)'];
      const r = await h.call('thruk_reliability_report', { since, until: t0, max_events: 100 });
      assert.equal(r.structured.total_events, total);
      assert.ok(total > 100);
      assert.ok(r.structured.events_analysed <= 100 && r.structured.events_analysed > 0);
      assert.ok(r.structured.analysed_since > r.structured.since);
      assert.match(
        r.text,
        new RegExp(`Note: The window holds ${total} HARD alerts, more than max_events=100: analysed the newest \\d+, from `),
      );
      const sorted = r.structured.results.map((x: any) => x.total_downtime_seconds);
      assert.deepEqual(
        sorted,
        [...sorted].sort((a: number, b: number) => b - a),
        'most downtime first',
      );
    });

    it('thruk_alert_heatmap buckets exactly what the log holds, empty buckets included', async () => {
      const since = t0 - 6 * 3600;
      const truth = (await rest(h, '/logs', {
        class: '1',
        'type[regex]': '^(HOST|SERVICE) ALERT$',
        'time[gte]': String(since),
        'time[lte]': String(t0),
        columns: 'time',
      })) as Array<{ time: number }>;
      const r = await h.call('thruk_alert_heatmap', { since, until: t0, bucket: '15m' });
      assert.equal(r.isError, undefined, r.text);
      assert.equal(r.structured.total_alerts, truth.length);
      const first = Math.floor(since / 900) * 900;
      assert.equal(r.structured.results.length, Math.floor(t0 / 900) - Math.floor(since / 900) + 1);
      assert.equal(r.structured.results[0].bucket_start, new Date(first * 1000).toISOString().replace('.000Z', 'Z'));
      const counts = r.structured.results.map(() => 0);
      for (const x of truth) counts[Math.floor((x.time - first) / 900)]++;
      assert.deepEqual(
        r.structured.results.map((b: any) => b.count),
        counts,
      );
      assert.ok(
        r.structured.results.some((b: any) => b.count === 0),
        'empty buckets are listed',
      );
      assert.equal(r.structured.peak.count, Math.max(...counts));
      assert.match(r.text, /\(\d+ buckets\)/, 'runs of empty buckets collapse in the text');
      const logCalls = h.sim.requests.filter((q) => q.path.endsWith('/logs')).length;
      await h.call('thruk_alert_heatmap', { since: '-7d', bucket: '1h' });
      assert.ok(
        h.sim.requests.filter((q) => q.path.endsWith('/logs')).length - logCalls <= 4,
        'a 168-bucket heatmap takes two log requests (plus the two hidden-rows counts), not one per bucket',
      );
    });

    it('thruk_alert_heatmap refuses too many buckets and names a bucket that fits', async () => {
      const r = await h.call('thruk_alert_heatmap', { since: '-30d', bucket: '15m' });
      assert.equal(r.isError, true);
      assert.match(r.text, /spans \d+ buckets of 15m \(at most 500\); use bucket="6h" or shorten the window/);
    });

    it('thruk_notification_heatmap counts notifications, honours since/until inside the filter', async () => {
      const since = t0 - 7 * 86400;
      const truth = (await rest(h, '/logs', {
        class: '3',
        'time[gte]': String(since),
        'time[lte]': String(t0),
        columns: 'time',
      })) as unknown[];
      const r = await h.call('thruk_notification_heatmap', { since, until: t0, bucket: '1d' });
      assert.equal(r.structured.total_notifications, truth.length);
      assert.ok(truth.length > 0);
      const f = await h.call('thruk_notification_heatmap', {
        bucket: '1h',
        filter: {
          operator: 'and',
          conditions: [
            { field: 'since', value: '-2h' },
            { field: 'contact', value: 'nobody-zz' },
          ],
        },
      });
      assert.equal(f.isError, undefined, f.text);
      assert.equal(Date.parse(f.structured.until) - Date.parse(f.structured.since), 7200 * 1000);
      assert.equal(f.structured.total_notifications, 0);
    });
  });
}

describe('trends over two backends', () => {
  let h: Harness;
  before(async () => {
    h = await connect({ simulator: createSimulator({ apiKey: KEY, sites: ['north', 'south'] }) });
  });
  after(async () => {
    await h.close();
  });

  it('folds the backends together, or asks only the ones named', async () => {
    const t0 = Math.floor(Date.now() / 1000);
    const since = t0 - 7 * 86400;
    const q = {
      class: '1',
      'type[regex]': '^(HOST|SERVICE) ALERT$',
      'state[ne]': '0',
      'time[gte]': String(since),
      'time[lte]': String(t0),
      columns: 'count(*)',
    };
    const north = (await rest(h, '/sites/north/logs', q))['count(*)'];
    const south = (await rest(h, '/sites/south/logs', q))['count(*)'];
    assert.ok(north > 0 && south > 0);
    const all = await h.call('thruk_recurring_problems', { since, until: t0, min_alerts: 1, limit: 1000 });
    assert.equal(
      all.structured.results.reduce((a: number, x: any) => a + x.alert_count, 0),
      north + south,
    );
    const one = await h.call('thruk_recurring_problems', { since, until: t0, min_alerts: 1, limit: 1000, backends: 'north' });
    assert.equal(
      one.structured.results.reduce((a: number, x: any) => a + x.alert_count, 0),
      north,
    );
    const heat = await h.call('thruk_notification_heatmap', {
      since,
      until: t0,
      bucket: '1d',
      backends: 'south',
      filter: { field: 'host', value: 'web-01' },
    });
    assert.equal(heat.isError, undefined, heat.text);
    assert.match(heat.text, /Note: Icinga 2 logs host notifications without a host name/);
  });
});
