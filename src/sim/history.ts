import { kindOutput } from './estate-kind.js';
import {
  alertEntry,
  commandEntry,
  downtimeEntry,
  flappingEntry,
  LOG_INFO,
  LOG_PROGRAM,
  notificationEntries,
  passiveEntry,
  programEntry,
  stateEntry,
} from './loglines.js';
import type { Checkable, LogEntry, SiteState } from './types.js';
import { HostRecord, ServiceRecord } from './types.js';
import { hostStateName, serviceStateName } from './util.js';

/** Objects beyond this many hosts get no log history: large estates have sparser logs. */
const HISTORY_HOSTS = 250;
const DAY = 86400;

interface Incident {
  start: number;
  end: number;
  state: number;
}

const HOUR = 3600;

function isService(o: Checkable): o is ServiceRecord {
  return o instanceof ServiceRecord;
}

function stateWord(o: Checkable, state: number): string {
  return isService(o) ? serviceStateName(state) : hostStateName(state);
}

function okOutput(o: Checkable, at: number): string {
  return isService(o) ? kindOutput(o.kind, 0, at)[0] : kindOutput('host-ping', 0, at)[0];
}

function problemOutput(o: Checkable, state: number, at: number): string {
  return isService(o) ? kindOutput(o.kind, state, at)[0] : kindOutput('host-ping', state, at)[0];
}

function hostDownAt(o: Checkable, t: number): boolean {
  return isService(o) && o.host.state !== 0 && o.host.lastStateChange <= t;
}

function emitIncident(out: LogEntry[], o: Checkable, inc: Incident, now: number, soft: boolean): void {
  const text = problemOutput(o, inc.state, inc.start);
  out.push(alertEntry(inc.start, o, inc.state, false, 1, text));
  if (soft) return;
  const hardAt = inc.start + 30;
  if (hardAt > now) return;
  out.push(alertEntry(hardAt, o, inc.state, true, 2, text));
  const notify = o.notificationsEnabled && !hostDownAt(o, inc.start);
  if (notify) out.push(...notificationEntries(hardAt, o, o.cfg.contacts, stateWord(o, inc.state), inc.state, text));
  if (inc.end < now) {
    out.push(alertEntry(inc.end, o, 0, true, 1, okOutput(o, inc.end)));
    if (notify) out.push(...notificationEntries(inc.end, o, o.cfg.contacts, stateWord(o, 0), 0, okOutput(o, inc.end)));
  }
}

function flapping(out: LogEntry[], o: Checkable, now: number): void {
  const since = o.lastStateChange;
  let state = 0;
  for (let t = since - 7200; t < since; t += 600) {
    state = state === 0 ? o.state : 0;
    const text = state === 0 ? okOutput(o, t) : problemOutput(o, state, t);
    out.push(alertEntry(t, o, state, true, 1, text));
    if (t === since - 5400) {
      out.push(flappingEntry(t, o, true, 24.3));
      out.push(...notificationEntries(t, o, o.cfg.contacts, `FLAPPINGSTART (${stateWord(o, state)})`, state, text));
    }
  }
  out.push(alertEntry(since, o, o.state, true, 1, o.pluginOutput));
  void now;
}

function stateLines(out: LogEntry[], objs: readonly Checkable[], t: number, initial: boolean, incidents: Map<Checkable, Incident[]>): void {
  for (const o of objs) {
    if (!o.hasBeenChecked) continue;
    const inc = incidents.get(o)?.find((i) => i.start <= t && t < i.end);
    if (o.state !== 0 && o.lastStateChange <= t) {
      out.push(stateEntry(t, o, initial));
    } else {
      const state = inc ? inc.state : 0;
      out.push(stateEntry(t, o, initial, state, inc ? problemOutput(o, state, t) : okOutput(o, t), true, 1));
    }
  }
}

export function buildHistory(site: SiteState, now: number, rng: () => number): void {
  const from = now - 7 * DAY;
  const hosts = site.hosts.slice(0, HISTORY_HOSTS);
  const objs: Checkable[] = [];
  for (const h of hosts) {
    objs.push(h);
    objs.push(...h.services);
  }
  const out: LogEntry[] = [];
  const incidents = new Map<Checkable, Incident[]>();

  const story = scriptedObjects(site);
  for (const o of objs) {
    if (!o.hasBeenChecked || o.checkType === 1 || o.state !== 0 || o.isFlapping) continue;
    if (rng() > (o instanceof HostRecord ? 0.04 : 0.09)) continue;
    const start = Math.floor(from + rng() * (now - from - 3 * 3600));
    const end = start + 180 + Math.floor(rng() * 5400);
    const state = o instanceof HostRecord ? 1 : rng() < 0.6 ? 1 : 2;
    // Drawn anyway so the rest of the history stays the same with or without the scripted stories.
    if (story.has(o)) continue;
    incidents.set(o, [{ start, end, state }]);
    o.lastStateChange = end;
    o.lastHardStateChange = end;
    o.percentStateChange = Math.max(o.percentStateChange, 6.2);
    if (o instanceof ServiceRecord) o.setLastTime(state, end - 30);
    else if (o instanceof HostRecord) o.lastTimeDown = end - 30;
    emitIncident(out, o, { start, end, state }, now, false);
  }

  for (const o of objs) {
    if (!o.hasBeenChecked) continue;
    if (o.isFlapping) {
      flapping(out, o, now);
      continue;
    }
    if (o.checkType === 1) {
      for (let t = o.lastCheck; t > from; t -= DAY) {
        const state = t === o.lastCheck ? o.state : 0;
        out.push(passiveEntry(t, o, state, state === 0 ? okOutput(o, t) : o.pluginOutput));
      }
    }
    if (o.state !== 0 && o.lastStateChange > from) {
      emitIncident(out, o, { start: o.lastStateChange, end: Infinity, state: o.state }, now, o.stateType === 0);
    }
  }

  for (const c of site.comments) {
    if (c.entryType !== 4 || c.entryTime < from || c.host.id >= HISTORY_HOSTS) continue;
    const o: Checkable = c.service ?? c.host;
    const obj = c.service ? `SVC_PROBLEM;${c.hostName};${c.serviceDescription ?? ''}` : `HOST_PROBLEM;${c.hostName}`;
    out.push(commandEntry(c.entryTime, `ACKNOWLEDGE_${obj};${o.ackType};1;${c.persistent};${c.author};${c.comment}`));
    out.push(
      ...notificationEntries(
        c.entryTime,
        o,
        o.cfg.contacts,
        `ACKNOWLEDGEMENT (${stateWord(o, o.state)})`,
        o.state,
        o.pluginOutput,
        `;${c.author};${c.comment}`,
      ),
    );
  }
  for (const d of site.downtimes) {
    if (d.host.id >= HISTORY_HOSTS) continue;
    const o: Checkable = d.service ?? d.host;
    const cmd = d.service ? `SCHEDULE_SVC_DOWNTIME;${d.hostName};${d.serviceDescription ?? ''}` : `SCHEDULE_HOST_DOWNTIME;${d.hostName}`;
    if (d.entryTime > from)
      out.push(
        commandEntry(
          d.entryTime,
          `${cmd};${d.startTime};${d.endTime};${d.fixed ? 1 : 0};${d.triggeredBy};${d.duration};${d.author};${d.comment}`,
        ),
      );
    if (d.active && d.startTime > from) {
      out.push(downtimeEntry(d.startTime, o, 'STARTED'));
      out.push(...notificationEntries(d.startTime, o, o.cfg.contacts, `DOWNTIMESTART (${stateWord(o, o.state)})`, o.state, o.pluginOutput));
    }
  }

  scriptedStories(out, site, now, incidents);

  const start = site.program.programStart;
  const pid = site.program.pid;
  const started =
    site.core === 'naemon'
      ? `Naemon 1.5.2 starting... (PID=${pid})`
      : site.core === 'nagios4'
        ? `Nagios 4.4.14 starting... (PID=${pid})`
        : `Icinga 2 has been started (PID=${pid})`;
  out.push(programEntry(start, LOG_PROGRAM, '', started));
  out.push(programEntry(start, LOG_PROGRAM, 'LOG VERSION', '2.0'));
  stateLines(out, objs, start, true, incidents);
  for (let t = from - (from % DAY) + DAY; t <= now; t += DAY) {
    out.push(programEntry(t, LOG_INFO, 'LOG ROTATION', 'DAILY'));
    out.push(programEntry(t, LOG_PROGRAM, 'LOG VERSION', '2.0'));
    stateLines(out, objs, t, false, incidents);
  }

  const sorted = out.filter((e) => e.time >= from && e.time <= now).map((e, i) => ({ e, i }));
  sorted.sort((a, b) => a.e.time - b.e.time || a.i - b.i);
  for (const { e } of sorted) site.logs.push(e);
}

function startOfDay(t: number): number {
  return t - (t % DAY);
}

interface Story {
  host: string;
  service?: string;
}
const STORY_OBJECTS: readonly Story[] = [
  { host: 'db-02' },
  { host: 'db-02', service: 'ping' },
  { host: 'web-03' },
  { host: 'web-01', service: 'http' },
  { host: 'app-02', service: 'load' },
  { host: 'db-01', service: 'load' },
];

function storyObject(site: SiteState, s: Story): Checkable | undefined {
  const h = site.hostByName.get(s.host);
  if (!h || h.id >= HISTORY_HOSTS) return undefined;
  return s.service === undefined ? h : h.services.find((x) => x.description === s.service);
}

/** Objects with a scripted past (all currently OK/UP, as the stories end in recovery). */
function scriptedObjects(site: SiteState): Set<Checkable> {
  const out = new Set<Checkable>();
  for (const s of STORY_OBJECTS) {
    const o = storyObject(site, s);
    if (o && o.state === 0 && o.hasBeenChecked) out.add(o);
  }
  return out;
}

function recovered(o: Checkable, incs: Incident[], incidents: Map<Checkable, Incident[]>): void {
  const last = incs[incs.length - 1];
  if (!last) return;
  incidents.set(o, incs);
  o.lastStateChange = last.end;
  o.lastHardStateChange = last.end;
  if (o instanceof ServiceRecord) o.setLastTime(last.state, last.end - 30);
  else if (o instanceof HostRecord) o.lastTimeDown = last.end - 30;
}

/**
 * Hand-written episodes for the history tools to find: a host outage last night with an
 * acknowledgement (story 7), a maintenance downtime with a reboot inside it, a cancelled
 * downtime, a flapping episode that started and stopped, and a soft blip that never went hard.
 */
function scriptedStories(out: LogEntry[], site: SiteState, now: number, incidents: Map<Checkable, Incident[]>): void {
  const ok = scriptedObjects(site);
  const get = (host: string, service?: string): Checkable | undefined => {
    const o = storyObject(site, service === undefined ? { host } : { host, service });
    return o && ok.has(o) ? o : undefined;
  };
  const contacts = (o: Checkable) => o.cfg.contacts;
  const db02 = get('db-02');
  if (db02) {
    let s = startOfDay(now - 3 * HOUR) + HOUR + 600;
    if (s + 85 * 60 + HOUR > now) s -= DAY;
    const e = s + 85 * 60;
    const down = problemOutput(db02, 1, s);
    out.push(alertEntry(s, db02, 1, false, 1, down), alertEntry(s + 60, db02, 1, true, 2, down));
    out.push(...notificationEntries(s + 60, db02, contacts(db02), 'DOWN', 1, down));
    const text = 'Investigating, disk controller reset';
    out.push(commandEntry(s + 1200, `ACKNOWLEDGE_HOST_PROBLEM;db-02;1;1;0;oncall;${text}`));
    out.push(...notificationEntries(s + 1200, db02, contacts(db02), 'ACKNOWLEDGEMENT (DOWN)', 1, down, `;oncall;${text}`));
    out.push(alertEntry(e, db02, 0, true, 1, okOutput(db02, e)));
    out.push(...notificationEntries(e, db02, contacts(db02), 'UP', 0, okOutput(db02, e)));
    recovered(db02, [{ start: s, end: e, state: 1 }], incidents);
    const ping = get('db-02', 'ping');
    if (ping) {
      const crit = problemOutput(ping, 2, now);
      out.push(
        alertEntry(s + 20, ping, 2, false, 1, crit),
        alertEntry(s + 80, ping, 2, true, 2, crit),
        alertEntry(e + 40, ping, 0, true, 1, okOutput(ping, now)),
      );
      recovered(ping, [{ start: s + 20, end: e + 40, state: 2 }], incidents);
    }
  }
  const web03 = get('web-03');
  if (web03) {
    const d = startOfDay(now - 3 * DAY) + 22 * HOUR;
    out.push(commandEntry(d - 600, `SCHEDULE_HOST_DOWNTIME;web-03;${d};${d + 7200};1;0;7200;icingaadmin;Kernel update`));
    out.push(
      downtimeEntry(d, web03, 'STARTED'),
      ...notificationEntries(d, web03, contacts(web03), 'DOWNTIMESTART (UP)', 0, okOutput(web03, now)),
    );
    const down = problemOutput(web03, 1, now);
    out.push(
      alertEntry(d + 900, web03, 1, false, 1, down),
      alertEntry(d + 960, web03, 1, true, 2, down),
      alertEntry(d + 1500, web03, 0, true, 1, okOutput(web03, now)),
    );
    out.push(
      downtimeEntry(d + 7200, web03, 'STOPPED'),
      ...notificationEntries(d + 7200, web03, contacts(web03), 'DOWNTIMEEND (UP)', 0, okOutput(web03, now)),
    );
    recovered(web03, [{ start: d + 900, end: d + 1500, state: 1 }], incidents);
  }
  const http = get('web-01', 'http');
  if (http) {
    const c = startOfDay(now - 4 * DAY) + 14 * HOUR;
    out.push(commandEntry(c - 60, `SCHEDULE_SVC_DOWNTIME;web-01;http;${c};${c + 3600};1;0;3600;icingaadmin;Certificate rollout`));
    out.push(
      downtimeEntry(c, http, 'STARTED'),
      ...notificationEntries(c, http, contacts(http), 'DOWNTIMESTART (OK)', 0, okOutput(http, now)),
    );
    out.push(commandEntry(c + 1200, 'DEL_SVC_DOWNTIME;41'));
    out.push(
      downtimeEntry(c + 1200, http, 'CANCELLED'),
      ...notificationEntries(c + 1200, http, contacts(http), 'DOWNTIMECANCELLED (OK)', 0, okOutput(http, now)),
    );
  }
  const load = get('app-02', 'load');
  if (load) {
    const f = startOfDay(now - 5 * DAY) + 9 * HOUR;
    const warn = problemOutput(load, 1, now);
    const incs: Incident[] = [];
    for (let i = 0; i < 5; i++) {
      const t = f + i * 600;
      out.push(
        alertEntry(t, load, 1, false, 1, warn),
        alertEntry(t + 30, load, 1, true, 2, warn),
        alertEntry(t + 300, load, 0, true, 1, okOutput(load, now)),
      );
      if (i === 0)
        out.push(
          ...notificationEntries(t + 30, load, contacts(load), 'WARNING', 1, warn),
          ...notificationEntries(t + 300, load, contacts(load), 'OK', 0, okOutput(load, now)),
        );
      incs.push({ start: t, end: t + 300, state: 1 });
    }
    out.push(
      flappingEntry(f + 1830, load, true, 31.4),
      ...notificationEntries(f + 1830, load, contacts(load), 'FLAPPINGSTART (WARNING)', 1, warn),
    );
    out.push(
      flappingEntry(f + 2400 + 1800, load, false, 3.9),
      ...notificationEntries(f + 4200, load, contacts(load), 'FLAPPINGSTOP (OK)', 0, okOutput(load, now)),
    );
    recovered(load, incs, incidents);
  }
  const blip = get('db-01', 'load');
  if (blip) {
    const b = startOfDay(now - 2 * DAY) + 15 * HOUR;
    out.push(alertEntry(b, blip, 1, false, 1, problemOutput(blip, 1, now)), alertEntry(b + 60, blip, 0, false, 2, okOutput(blip, now)));
    recovered(blip, [{ start: b, end: b + 60, state: 1 }], incidents);
  }
}
