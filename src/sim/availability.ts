import { badRequest } from './errors.js';
import type { Params } from './params.js';
import { parseThrukTime } from './timeparse.js';
import type { HostRecord, JsonObject, LogEntry, ServiceRecord, SiteState } from './types.js';

const DAY = 86400;

export function reportPeriod(params: Params, now: number): [number, number] {
  const tp = params.get('timeperiod');
  const start = params.get('start');
  const end = params.get('end');
  if (tp && (start || end)) throw badRequest('bad request', 'timeperiod and start/end are mutually exclusive');
  if (start || end) {
    const s = start ? parseThrukTime(start, now) : now - DAY;
    const e = end ? parseThrukTime(end, now) : now;
    if (s === undefined || e === undefined) throw badRequest('bad request', 'failed to parse start/end');
    return [s, e];
  }
  const at = (w: string): number => parseThrukTime(w, now) ?? now;
  switch (tp ?? 'last24hours') {
    case 'today':
      return [at('today'), now];
    case 'yesterday':
      return [at('yesterday'), at('today')];
    case 'thisweek':
      return [at('thisweek'), now];
    case 'lastweek':
      return [at('lastweek'), at('thisweek')];
    case 'thismonth':
      return [at('thismonth'), now];
    case 'lastmonth':
      return [at('lastmonth'), at('thismonth')];
    case 'thisyear':
      return [at('thisyear'), now];
    case 'lastyear':
      return [at('lastyear'), at('thisyear')];
    case 'last7days':
      return [now - 7 * DAY, now];
    case 'last31days':
      return [now - 31 * DAY, now];
    default:
      return [now - DAY, now];
  }
}

interface Event {
  t: number;
  state?: number;
  hard: boolean;
  output: string;
  downtime?: boolean;
}

export function indexLogs(site: SiteState): Map<string, LogEntry[]> {
  const idx = new Map<string, LogEntry[]>();
  for (const e of site.logs) {
    if (e.hostName === null || (e.class !== 1 && e.class !== 6)) continue;
    const key = e.serviceDescription === null ? e.hostName : `${e.hostName};${e.serviceDescription}`;
    let list = idx.get(key);
    if (!list) {
      list = [];
      idx.set(key, list);
    }
    list.push(e);
  }
  return idx;
}

function events(entries: readonly LogEntry[], softToo: boolean): Event[] {
  const out: Event[] = [];
  for (const e of entries) {
    if (e.type.endsWith('DOWNTIME ALERT')) out.push({ t: e.time, hard: true, output: '', downtime: e.stateType === 'STARTED' });
    else if (e.type.endsWith(' ALERT') && !e.type.includes('FLAPPING')) {
      if (softToo || e.stateType === 'HARD') out.push({ t: e.time, state: e.state, hard: e.stateType === 'HARD', output: e.pluginOutput });
    } else if (e.type.endsWith(' STATE')) out.push({ t: e.time, state: e.state, hard: true, output: e.pluginOutput });
  }
  return out;
}

interface Segment {
  from: number;
  to: number;
  state: number | undefined;
  downtime: boolean;
  output: string;
}

function segments(entries: readonly LogEntry[], start: number, end: number, softToo: boolean): Segment[] {
  let state: number | undefined;
  let dt = false;
  let output = '';
  let cursor = start;
  const out: Segment[] = [];
  for (const ev of events(entries, softToo)) {
    if (ev.t > end) break;
    if (ev.t > cursor) {
      out.push({ from: cursor, to: ev.t, state, downtime: dt, output });
      cursor = ev.t;
    }
    if (ev.downtime !== undefined) dt = ev.downtime;
    if (ev.state !== undefined) {
      state = ev.state;
      output = ev.output;
    }
  }
  if (end > cursor) out.push({ from: cursor, to: end, state, downtime: dt, output });
  return out;
}

export function availability(entries: readonly LogEntry[], isService: boolean, start: number, end: number, softToo: boolean): JsonObject {
  const names = isService ? ['ok', 'warning', 'critical', 'unknown'] : ['up', 'down', 'unreachable'];
  const t: Record<string, number> = {
    time_indeterminate_nodata: 0,
    time_indeterminate_notrunning: 0,
    time_indeterminate_outside_timeperiod: 0,
    scheduled_time_indeterminate: 0,
  };
  for (const n of names) {
    t[`time_${n}`] = 0;
    t[`scheduled_time_${n}`] = 0;
  }
  for (const s of segments(entries, start, end, softToo)) {
    const len = s.to - s.from;
    const name = s.state === undefined ? undefined : names[s.state];
    if (!name) {
      t['time_indeterminate_nodata'] = (t['time_indeterminate_nodata'] ?? 0) + len;
      if (s.downtime) t['scheduled_time_indeterminate'] = (t['scheduled_time_indeterminate'] ?? 0) + len;
      continue;
    }
    t[`time_${name}`] = (t[`time_${name}`] ?? 0) + len;
    if (s.downtime) t[`scheduled_time_${name}`] = (t[`scheduled_time_${name}`] ?? 0) + len;
  }
  const total = Math.max(1, end - start);
  const out: JsonObject = {};
  for (const k of Object.keys(t).sort()) {
    const v = t[k] ?? 0;
    out[k] = v;
    out[`${k}_percent`] = Math.round((v / total) * 100 * 1000) / 1000;
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : 1)));
}

const HOST_CLASS = ['up', 'down', 'unreachable'];
const SVC_CLASS = ['ok', 'warning', 'critical', 'unknown'];

export function outages(
  entries: readonly LogEntry[],
  host: HostRecord,
  svc: ServiceRecord | null,
  start: number,
  end: number,
): JsonObject[] {
  const out: JsonObject[] = [];
  for (const s of segments(entries, start, end, false)) {
    if (s.state === undefined || s.state === 0) continue;
    const prev = out[out.length - 1];
    if (prev && prev['end'] === s.from && prev['class'] === (svc ? SVC_CLASS : HOST_CLASS)[s.state]) {
      prev['end'] = s.to;
      prev['duration'] = s.to - Number(prev['start']);
      continue;
    }
    const row: JsonObject = {
      class: (svc ? SVC_CLASS : HOST_CLASS)[s.state] ?? 'unknown',
      duration: s.to - s.from,
      end: s.to,
      host: host.name,
      in_downtime: s.downtime ? 1 : 0,
      plugin_output: s.output,
      start: s.from,
      type: svc ? 'SERVICE ALERT' : 'HOST ALERT',
    };
    if (svc) row['service'] = svc.description;
    out.push(row);
  }
  return out;
}
