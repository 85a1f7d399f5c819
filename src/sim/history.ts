import { kindOutput } from './estate-kind.js';
import {
  alertEntry, commandEntry, downtimeEntry, flappingEntry, LOG_INFO, LOG_PROGRAM, notificationEntries, passiveEntry,
  programEntry, stateEntry,
} from './loglines.js';
import type { Checkable, LogEntry, SiteState } from './types.js';
import { HostRecord, ServiceRecord } from './types.js';
import { hostStateName, serviceStateName } from './util.js';

/** Objects beyond this many hosts get no log history: large estates have sparser logs. */
const HISTORY_HOSTS = 250;
const DAY = 86400;

interface Incident { start: number; end: number; state: number }

function isService(o: Checkable): o is ServiceRecord { return o instanceof ServiceRecord; }

function stateWord(o: Checkable, state: number): string {
  return isService(o) ? serviceStateName(state) : hostStateName(state);
}

function okOutput(o: Checkable): string {
  return isService(o) ? kindOutput(o.kind, 0)[0] : kindOutput('host-ping', 0)[0];
}

function problemOutput(o: Checkable, state: number): string {
  return isService(o) ? kindOutput(o.kind, state)[0] : kindOutput('host-ping', state)[0];
}

function hostDownAt(o: Checkable, t: number): boolean {
  return isService(o) && o.host.state !== 0 && o.host.lastStateChange <= t;
}

function emitIncident(out: LogEntry[], o: Checkable, inc: Incident, now: number, soft: boolean): void {
  const text = problemOutput(o, inc.state);
  out.push(alertEntry(inc.start, o, inc.state, false, 1, text));
  if (soft) return;
  const hardAt = inc.start + 30;
  if (hardAt > now) return;
  out.push(alertEntry(hardAt, o, inc.state, true, 2, text));
  const notify = o.notificationsEnabled && !hostDownAt(o, inc.start);
  if (notify) out.push(...notificationEntries(hardAt, o, o.cfg.contacts, stateWord(o, inc.state), inc.state, text));
  if (inc.end < now) {
    out.push(alertEntry(inc.end, o, 0, true, 1, okOutput(o)));
    if (notify) out.push(...notificationEntries(inc.end, o, o.cfg.contacts, stateWord(o, 0), 0, okOutput(o)));
  }
}

function flapping(out: LogEntry[], o: Checkable, now: number): void {
  const since = o.lastStateChange;
  let state = 0;
  for (let t = since - 7200; t < since; t += 600) {
    state = state === 0 ? o.state : 0;
    const text = state === 0 ? okOutput(o) : problemOutput(o, state);
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
      out.push(stateEntry(t, o, initial, state, inc ? problemOutput(o, state) : okOutput(o), true, 1));
    }
  }
}

export function buildHistory(site: SiteState, now: number, rng: () => number): void {
  const from = now - 7 * DAY;
  const hosts = site.hosts.slice(0, HISTORY_HOSTS);
  const objs: Checkable[] = [];
  for (const h of hosts) { objs.push(h); objs.push(...h.services); }
  const out: LogEntry[] = [];
  const incidents = new Map<Checkable, Incident[]>();

  for (const o of objs) {
    if (!o.hasBeenChecked || o.checkType === 1 || o.state !== 0 || o.isFlapping) continue;
    if (rng() > (o instanceof HostRecord ? 0.04 : 0.09)) continue;
    const start = Math.floor(from + rng() * (now - from - 3 * 3600));
    const end = start + 180 + Math.floor(rng() * 5400);
    const state = o instanceof HostRecord ? 1 : (rng() < 0.6 ? 1 : 2);
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
    if (o.isFlapping) { flapping(out, o, now); continue; }
    if (o.checkType === 1) {
      for (let t = o.lastCheck; t > from; t -= DAY) {
        const state = t === o.lastCheck ? o.state : 0;
        out.push(passiveEntry(t, o, state, state === 0 ? okOutput(o) : o.pluginOutput));
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
    out.push(...notificationEntries(c.entryTime, o, o.cfg.contacts, `ACKNOWLEDGEMENT (${stateWord(o, o.state)})`, o.state, o.pluginOutput, `;${c.author};${c.comment}`));
  }
  for (const d of site.downtimes) {
    if (d.host.id >= HISTORY_HOSTS) continue;
    const o: Checkable = d.service ?? d.host;
    const cmd = d.service ? `SCHEDULE_SVC_DOWNTIME;${d.hostName};${d.serviceDescription ?? ''}` : `SCHEDULE_HOST_DOWNTIME;${d.hostName}`;
    if (d.entryTime > from) out.push(commandEntry(d.entryTime, `${cmd};${d.startTime};${d.endTime};${d.fixed ? 1 : 0};${d.triggeredBy};${d.duration};${d.author};${d.comment}`));
    if (d.active && d.startTime > from) {
      out.push(downtimeEntry(d.startTime, o, 'STARTED'));
      out.push(...notificationEntries(d.startTime, o, o.cfg.contacts, `DOWNTIMESTART (${stateWord(o, o.state)})`, o.state, o.pluginOutput));
    }
  }

  const start = site.program.programStart;
  out.push(programEntry(start, LOG_PROGRAM, '', `Icinga 2 has been started (PID=${site.program.pid})`));
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
