/**
 * The oracle (issue 12 point 2), its scenarios: generated estates and histories applied to a
 * fresh simulator. The expected answers are computed from the simulator's raw state in
 * oracle-ref.ts and oracle-ref-log.ts, never through the tools' helpers. No simulator hook is
 * needed: a scenario goes through the simulator's own mutators (acks, downtimes, log lines).
 *
 * A scenario perturbs the demo estate (one or two cores): object states, never-checked objects,
 * acknowledgements, downtimes (active, future, crossing the window's edges), flapping flags,
 * check ages, and a history of outages (host and service, overlapping), flapping episodes and
 * objects that never change. The reference reads the state after the scenario is applied, so it
 * also covers the parts of the demo estate the scenario leaves alone.
 */
import fc from 'fast-check';
import { createSimulator, TWO_CORES, type Simulator } from '../../src/sim/index.js';
import { alertEntry, appendLog, downtimeEntry, flappingEntry, notificationEntries } from '../../src/sim/loglines.js';
import { addComment, addDowntime, setAck } from '../../src/sim/mutate.js';
import { ServiceRecord, type Checkable, type HostRecord, type SiteState } from '../../src/sim/types.js';

export interface ObjMut {
  site: number;
  /** index into the site's hosts (or services) modulo its length */
  idx: number;
  state: number;
  pending: boolean;
  ack: 0 | 1 | 2;
  downtime: boolean;
  flapping: boolean;
  checkAgeMin: number;
  /** active (the default), passive (results only) or active checks disabled */
  mode: 'active' | 'passive' | 'disabled';
}

export interface Outage {
  site: number;
  host: number;
  /** index into the host's services, or null: the host itself */
  svc: number | null;
  /** minutes before now */
  startMin: number;
  durMin: number;
  state: number;
}

export interface Flap {
  site: number;
  host: number;
  svc: number | null;
  startMin: number;
  stopMin: number | null;
}
export interface DowntimeSpec {
  site: number;
  host: number;
  svc: number | null;
  startMin: number;
  endMin: number;
}

export interface Scenario {
  sites: 1 | 2;
  hosts: ObjMut[];
  services: ObjMut[];
  outages: Outage[];
  flaps: Flap[];
  downtimes: DowntimeSpec[];
}

const mut = (maxState: number) =>
  fc.record({
    site: fc.integer({ min: 0, max: 1 }),
    idx: fc.nat(400),
    state: fc.integer({ min: 0, max: maxState }),
    pending: fc.constantFrom(false, false, false, true),
    ack: fc.constantFrom(0 as const, 0 as const, 1 as const, 2 as const),
    downtime: fc.boolean(),
    flapping: fc.boolean(),
    checkAgeMin: fc.constantFrom(0, 0, 1, 3, 30, 90, 600),
    mode: fc.constantFrom('active' as const, 'active' as const, 'active' as const, 'passive' as const, 'disabled' as const),
  });

export const scenarioArb: fc.Arbitrary<Scenario> = fc.record({
  sites: fc.constantFrom(1 as const, 1 as const, 2 as const),
  hosts: fc.array(mut(2), { maxLength: 8 }),
  services: fc.array(mut(3), { maxLength: 14 }),
  outages: fc.array(
    fc.record({
      site: fc.integer({ min: 0, max: 1 }),
      host: fc.nat(400),
      svc: fc.option(fc.nat(20), { freq: 2 }),
      startMin: fc.integer({ min: 1, max: 3 * 1440 }),
      durMin: fc.integer({ min: 1, max: 600 }),
      state: fc.integer({ min: 1, max: 3 }),
    }),
    { maxLength: 12 },
  ),
  flaps: fc.array(
    fc.record({
      site: fc.integer({ min: 0, max: 1 }),
      host: fc.nat(400),
      svc: fc.option(fc.nat(20), { freq: 3 }),
      startMin: fc.integer({ min: 1, max: 2 * 1440 }),
      stopMin: fc.option(fc.integer({ min: 0, max: 1440 })),
    }),
    { maxLength: 4 },
  ),
  downtimes: fc.array(
    fc.record({
      site: fc.integer({ min: 0, max: 1 }),
      host: fc.nat(400),
      svc: fc.option(fc.nat(20), { freq: 2 }),
      startMin: fc.integer({ min: -600, max: 3 * 1440 }),
      endMin: fc.integer({ min: -1440, max: 1440 }),
    }),
    { maxLength: 4 },
  ),
});

function siteOf(sim: Simulator, i: number): SiteState {
  const sites = sim.state.sites;
  return sites[i % sites.length] as SiteState;
}

function objectOf(site: SiteState, host: number, svc: number | null): Checkable {
  const h = site.hosts[host % site.hosts.length] as HostRecord;
  if (svc === null || h.services.length === 0) return h;
  return h.services[svc % h.services.length] as ServiceRecord;
}

/** A fresh simulator with the scenario applied; `nowSec` is its clock. */
export function buildScenario(s: Scenario, nowMs: number, apiKey: string): Simulator {
  // Two sites are the two real core flavours (an Icinga 2 and a Naemon core, each with its own
  // estate and log quirks), not two copies of one.
  const sim = createSimulator({ apiKey, now: () => nowMs, sites: s.sites === 2 ? TWO_CORES : ['icinga'] });
  const now = Math.floor(nowMs / 1000);
  const apply = (o: Checkable, m: ObjMut, site: SiteState): void => {
    o.lastCheck = now - m.checkAgeMin * 60;
    if (m.mode !== 'active') {
      o.activeChecksEnabled = false;
      o.checkType = m.mode === 'passive' ? 1 : 0;
    }
    if (m.pending) {
      o.hasBeenChecked = false;
      o.state = 0;
      o.stateType = 0;
      o.lastCheck = 0;
      o.lastStateChange = 0;
      return;
    }
    o.hasBeenChecked = true;
    if (o.state !== m.state) o.lastStateChange = now - 60 * (1 + m.idx);
    o.state = m.state;
    o.stateType = 1;
    o.isFlapping = m.flapping;
    if (m.ack > 0 && m.state !== 0) {
      setAck(o, m.ack, 0);
      const svc = o instanceof ServiceRecord ? o : null;
      const host = svc ? svc.host : (o as HostRecord);
      addComment(site, {
        host,
        service: svc,
        author: 'oracle',
        comment: 'ack',
        entryTime: now - 60,
        entryType: 4,
        persistent: 0,
        source: 1,
        expires: false,
        expireTime: 0,
      });
    }
    if (m.downtime) {
      const svc = o instanceof ServiceRecord ? o : null;
      const host = svc ? svc.host : (o as HostRecord);
      addDowntime(
        site,
        {
          host,
          service: svc,
          author: 'oracle',
          comment: 'oracle',
          entryTime: now - 3600,
          startTime: now - 1800,
          endTime: now + 3600,
          fixed: true,
          duration: 0,
          triggeredBy: 0,
        },
        now,
      );
    }
  };
  for (const m of s.hosts) {
    const site = siteOf(sim, m.site);
    apply(site.hosts[m.idx % site.hosts.length] as HostRecord, m, site);
  }
  for (const m of s.services) {
    const site = siteOf(sim, m.site);
    apply(site.services[m.idx % site.services.length] as ServiceRecord, { ...m }, site);
  }
  for (const o of s.outages) {
    const site = siteOf(sim, o.site);
    const obj = objectOf(site, o.host, o.svc);
    if (!obj.hasBeenChecked) continue;
    const state = obj instanceof ServiceRecord ? o.state : Math.min(o.state, 2);
    const start = now - o.startMin * 60;
    const end = start + o.durMin * 60;
    appendLog(site, alertEntry(start, obj, state, true, 1, 'oracle problem'));
    if (end <= now) appendLog(site, alertEntry(end, obj, 0, true, 1, 'oracle ok'));
    // Every other outage pages its contacts (problem and recovery), as a core does for HARD changes.
    if (o.durMin % 2 === 0) {
      const word = (st: number) =>
        (obj instanceof ServiceRecord ? ['OK', 'WARNING', 'CRITICAL', 'UNKNOWN'] : ['UP', 'DOWN', 'UNREACHABLE'])[st] as string;
      for (const e of notificationEntries(start, obj, obj.cfg.contacts, word(state), state, 'oracle problem')) appendLog(site, e);
      if (end <= now) for (const e of notificationEntries(end, obj, obj.cfg.contacts, word(0), 0, 'oracle ok')) appendLog(site, e);
    }
  }
  for (const f of s.flaps) {
    const site = siteOf(sim, f.site);
    const obj = objectOf(site, f.host, f.svc);
    appendLog(site, flappingEntry(now - f.startMin * 60, obj, true, 30));
    if (f.stopMin !== null && f.stopMin < f.startMin) appendLog(site, flappingEntry(now - f.stopMin * 60, obj, false, 3));
  }
  for (const d of s.downtimes) {
    const site = siteOf(sim, d.site);
    const obj = objectOf(site, d.host, d.svc);
    const start = now - d.startMin * 60;
    const end = Math.max(start + 60, now + d.endMin * 60);
    const svc = obj instanceof ServiceRecord ? obj : null;
    addDowntime(
      site,
      {
        host: svc ? svc.host : (obj as HostRecord),
        service: svc,
        author: 'oracle',
        comment: 'edge',
        entryTime: start - 60,
        startTime: start,
        endTime: end,
        fixed: true,
        duration: 0,
        triggeredBy: 0,
      },
      now,
    );
    if (start <= now) appendLog(site, downtimeEntry(start, obj, 'STARTED'));
    if (end <= now) appendLog(site, downtimeEntry(end, obj, 'STOPPED'));
  }
  return sim;
}
