/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-return -- answers not read typed yet (issue 16; see test/helpers/harness.ts) */
/**
 * Log-based trend, triage and history tools with two cores behind one Thruk (issue 13): one host
 * name on both cores is two objects, each row names its core (name@core in text, peer_name in
 * structuredContent), numbers checked against the simulator's raw log rows per site; one core
 * answers unlabelled.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TWO_CORES, type Simulator } from '../src/sim/index.js';
import { alertEntry, appendLog } from '../src/sim/loglines.js';
import type { LogEntry } from '../src/sim/types.js';
import { connect, type Harness } from './helpers/harness.js';

/** A window from a midnight (a log file start), so Icinga 2's log index skips nothing. */
function window(): { since: number; until: number } {
  const until = Math.floor(Date.now() / 1000);
  const start = until - 3 * 86400;
  return { since: start - (start % 86400), until };
}

/** Raw rows of every site in the window, with the site's name (its peer_name). */
function raw(sim: Simulator, w: { since: number; until: number }, keep: (e: LogEntry) => boolean): Array<{ e: LogEntry; core: string }> {
  return sim.state.sites.flatMap((s) =>
    s.logs.filter((e) => e.time >= w.since && e.time <= w.until && keep(e)).map((e) => ({ e, core: s.name })),
  );
}

const SHARED = 'web-01';

describe('log tools with two cores', () => {
  let h: Harness;
  const w = window();
  before(async () => {
    h = await connect({ sim: { sites: TWO_CORES } });
    // The shared name web-01 gets an outage on each core that overlap in time: merged by name they
    // would read as one incident (DOWN, DOWN, UP, UP), kept apart they are two.
    const at = (hours: number): number => w.since + hours * 3600;
    for (const [i, down, up] of [
      [0, 2, 3],
      [1, 2.5, 5],
    ] as const) {
      const site = h.sim.state.sites[i];
      const host = site?.hosts.find((x) => x.name === SHARED);
      assert.ok(site && host, `${SHARED} on site ${i}`);
      appendLog(site, alertEntry(at(down), host, 1, true, 1, 'CRITICAL - down'));
      appendLog(site, alertEntry(at(up), host, 0, true, 1, 'OK - up'));
    }
  });
  after(async () => {
    await h.close();
  });

  it('the simulator has a host name with alerts on both cores (the case under test)', () => {
    const cores = new Map<string, Set<string>>();
    for (const { e, core } of raw(h.sim, w, (e) => e.type === 'HOST ALERT' && e.state !== 0)) {
      const set = cores.get(e.hostName ?? '') ?? new Set();
      set.add(core);
      cores.set(e.hostName ?? '', set);
    }
    assert.ok(
      [...cores.values()].some((s) => s.size > 1),
      'a shared host name with alerts on both cores',
    );
  });

  it("thruk_reliability_report gives each core's web-01 its own incidents", async () => {
    const r = await h.call('thruk_reliability_report', {
      since: w.since,
      until: w.until,
      limit: 1000,
      filter: { field: 'host', value: SHARED },
    });
    assert.notEqual(r.isError, true, r.text);
    const rows = (r.structured.results as Array<Record<string, any>>).filter((x) => x.service === undefined);
    // Reference: each core's HARD host alerts of the name, DOWN to UP.
    const want = h.sim.state.sites
      .map((s) => {
        const ev = raw(h.sim, w, (e) => e.type === 'HOST ALERT' && e.stateType === 'HARD' && e.hostName === SHARED).filter(
          (x) => x.core === s.name,
        );
        const down = ev.find((x) => x.e.state !== 0)?.e.time ?? 0;
        const up = ev.find((x) => x.e.state === 0 && x.e.time > down)?.e.time ?? 0;
        return { core: s.name, incidents: ev.filter((x) => x.e.state !== 0).length, seconds: up - down };
      })
      .sort((a, b) => a.core.localeCompare(b.core));
    assert.deepEqual(
      rows
        .map((x) => ({ core: x.peer_name, incidents: x.incidents, seconds: x.total_downtime_seconds }))
        .sort((a, b) => a.core.localeCompare(b.core)),
      want,
    );
    for (const x of rows) assert.ok(r.text.includes(`${SHARED}@${x.peer_name} |`), r.text);
  });

  it("thruk_top_noisy_hosts counts each core's host on its own and names the core", async () => {
    const r = await h.call('thruk_top_noisy_hosts', { since: w.since, until: w.until, limit: 1000 });
    assert.notEqual(r.isError, true, r.text);
    const want = new Map<string, number>();
    for (const { e, core } of raw(h.sim, w, (e) => e.type === 'HOST ALERT' && e.state !== 0)) {
      const k = `${e.hostName ?? ''}@${core}`;
      want.set(k, (want.get(k) ?? 0) + 1);
    }
    const got = new Map<string, number>();
    for (const x of r.structured.results as Array<Record<string, any>>) {
      assert.equal(typeof x.peer_name, 'string', `${x.host} names its core`);
      const k = `${x.host}@${x.peer_name}`;
      assert.ok(!got.has(k), `${k} is one row`);
      got.set(k, x.alert_count);
      assert.ok(r.text.includes(`${x.host}@${x.peer_name} |`), `text labels ${k}`);
    }
    assert.deepEqual(new Map([...got].sort()), new Map([...want].sort()));
  });

  it('thruk_top_noisy_services group_by=host rolls a shared host name up once per core', async () => {
    const r = await h.call('thruk_top_noisy_services', { since: w.since, until: w.until, limit: 1000, group_by: 'host' });
    assert.notEqual(r.isError, true, r.text);
    const want = new Map<string, number>();
    for (const { e, core } of raw(h.sim, w, (e) => e.type === 'SERVICE ALERT' && e.state !== 0)) {
      const k = `${e.hostName ?? ''}@${core}`;
      want.set(k, (want.get(k) ?? 0) + 1);
    }
    const got = new Map((r.structured.results as Array<Record<string, any>>).map((x) => [`${x.host}@${x.peer_name}`, x.alert_count]));
    assert.deepEqual(new Map([...got].sort()), new Map([...want].sort()));
  });

  it("thruk_notification_summary group_by=host counts each core's host on its own", async () => {
    const r = await h.call('thruk_notification_summary', { group_by: 'host', since: w.since, until: w.until, limit: 1000 });
    assert.notEqual(r.isError, true, r.text);
    const notified = raw(h.sim, w, (e) => e.class === 3);
    assert.ok(notified.length > 0, 'notifications in the window');
    const want = new Map<string, number>();
    for (const { e, core } of notified) want.set(`${e.hostName ?? ''}@${core}`, (want.get(`${e.hostName ?? ''}@${core}`) ?? 0) + 1);
    const rows = r.structured.results as Array<Record<string, any>>;
    for (const x of rows)
      assert.equal(x.group, `${String(x.group).replace(/@[^@]*$/, '')}@${x.peer_name}`, 'group is name@core and peer_name its core');
    assert.deepEqual(new Map(rows.map((x) => [String(x.group), Number(x.count)] as [string, number]).sort()), new Map([...want].sort()));
    assert.equal(r.structured.total, notified.length);
  });

  it("thruk_state_at replays each core's web-01 from its own log", async () => {
    // 4 h in: the first core's web-01 recovered at 3 h, the second's is DOWN from 2.5 h to 5 h.
    const t = w.since + 4 * 3600;
    const r = await h.call('thruk_state_at', { filter: { field: 'host', value: SHARED }, timestamp: t, limit: 1000 });
    assert.notEqual(r.isError, true, r.text);
    const hosts = (r.structured.rows as Array<Record<string, any>>).filter((x) => x.service === undefined);
    const want = h.sim.state.sites.map((s) => {
      const last = [...s.logs].reverse().find((e) => e.time <= t && e.type === 'HOST ALERT' && e.hostName === SHARED);
      return [s.name, last?.state === 0 ? 'UP' : last?.state === 1 ? 'DOWN' : 'UNREACHABLE'];
    });
    assert.deepEqual(hosts.map((x) => [x.peer_name, x.state]).sort(), want.sort());
    for (const [core, state] of want) assert.match(r.text, new RegExp(`${SHARED}@${core} \\| ${state}`));
  });

  it('thruk_unreachable_vs_down lists name@core per core', async () => {
    const r = await h.call('thruk_unreachable_vs_down', { since: w.since, until: w.until, include_current: false, sample_limit: 5000 });
    assert.notEqual(r.isError, true, r.text);
    const hosts = (state: number) =>
      [
        ...new Set(raw(h.sim, w, (e) => e.type === 'HOST ALERT' && e.state === state).map(({ e, core }) => `${e.hostName ?? ''}@${core}`)),
      ].sort();
    assert.deepEqual(r.structured.down_hosts, hosts(1));
    assert.deepEqual(r.structured.unreachable_hosts, hosts(2));
  });

  it('thruk_concurrent_failures names each failing host with its core', async () => {
    const r = await h.call('thruk_concurrent_failures', { since: w.since, until: w.until, min_hosts: 2, window_minutes: 60 });
    assert.notEqual(r.isError, true, r.text);
    const failed = new Set(
      raw(h.sim, w, (e) => e.type === 'HOST ALERT' && e.state !== 0).map(({ e, core }) => `${e.hostName ?? ''}@${core}`),
    );
    assert.equal(r.structured.total_down_events, raw(h.sim, w, (e) => e.type === 'HOST ALERT' && e.state !== 0).length);
    for (const b of r.structured.results as Array<{ hosts: string[] }>)
      for (const x of b.hosts) assert.ok(failed.has(x), `${x} failed on that core`);
  });

  it('thruk_incident_timeline of a shared name keeps the cores apart', async () => {
    const shared = (() => {
      const by = new Map<string, Set<string>>();
      for (const { e, core } of raw(h.sim, w, (e) => (e.type === 'HOST ALERT' || e.type === 'SERVICE ALERT') && e.hostName !== null)) {
        const s = by.get(e.hostName as string) ?? new Set();
        s.add(core);
        by.set(e.hostName as string, s);
      }
      return [...by].find(([, s]) => s.size > 1)?.[0];
    })();
    assert.ok(shared, 'a host name with state alerts on both cores');
    const r = await h.call('thruk_incident_timeline', {
      filter: { field: 'host', value: shared },
      since: w.since,
      until: w.until,
      limit: 5000,
    });
    assert.notEqual(r.isError, true, r.text);
    const events = r.structured.events as Array<Record<string, any>>;
    const cores = new Set(events.map((e) => e.peer_name));
    assert.deepEqual([...cores].sort(), h.sim.state.sites.map((s) => s.name).sort(), 'events of both cores, each naming its core');
    for (const e of events) assert.equal(e.host, shared);
    // State changes per core: never more than that core's own state alerts of the name.
    for (const core of cores) {
      const mine = raw(h.sim, w, (e) => (e.type === 'HOST ALERT' || e.type === 'SERVICE ALERT') && e.hostName === shared).filter(
        (x) => x.core === core,
      ).length;
      assert.ok(events.filter((e) => e.type === 'state_change' && e.peer_name === core).length <= mine, core);
    }
    for (const i of r.structured.incidents as Array<Record<string, any>>) assert.equal(typeof i.peer_name, 'string');
    assert.match(r.text, new RegExp(`${shared}@`));
  });
});

describe('log tools with one core', () => {
  it('answers name their objects without a core', async () => {
    const h = await connect();
    try {
      const w = window();
      for (const [tool, args] of [
        ['thruk_top_noisy_hosts', {}],
        ['thruk_reliability_report', {}],
        ['thruk_recurring_problems', {}],
        ['thruk_unreachable_vs_down', { include_current: false }],
      ] as const) {
        const r = await h.call(tool, { since: w.since, until: w.until, ...args });
        assert.notEqual(r.isError, true, r.text);
        const s = JSON.stringify(r.structured);
        assert.ok(!s.includes('"peer_name"'), `${tool}: no peer_name`);
        assert.ok(!/@(icinga|naemon|core)\b/.test(r.text), `${tool}: no @core label`);
      }
    } finally {
      await h.close();
    }
  });
});
