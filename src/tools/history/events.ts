/** Log rows → typed events about one host or service, for timelines and state replay. */
import { num } from '../lib/format.js';
import { optionsOf, str, type Row } from './common.js';
import { HOST_STATE_CODES, readNotification, SERVICE_STATE_CODES } from './notify.js';

export type EventKind = 'state' | 'snapshot' | 'downtime' | 'flapping' | 'ack' | 'notification';

export interface LogEvent {
  readonly time: number;
  readonly kind: EventKind;
  readonly objKind: 'host' | 'service';
  readonly host: string;
  readonly service?: string;
  /** state / snapshot: the check state; notification: the state it reports. */
  readonly state?: number;
  /** state / snapshot: HARD or SOFT. */
  readonly hard?: boolean;
  readonly attempt?: number;
  /** downtime / flapping: STARTED, STOPPED, CANCELLED, DISABLED; ack: SET, REMOVED, EXPIRED. */
  readonly what?: string;
  /** ack set: stays across problem changes (sticky). */
  readonly sticky?: boolean;
  /** ack set with an expiry (epoch). */
  readonly expires?: number;
  readonly output?: string;
  readonly contact?: string;
  readonly reason?: string;
  readonly author?: string;
  readonly comment?: string;
  /** The row came from an external command line (the anchor never saw those). */
  readonly source?: 'command' | 'alert';
}

/** Row types the replay and the timeline read from class 1/6 (types are matched case-insensitively). */
export const OBJECT_EVENT_TYPES =
  '^((HOST|SERVICE) (ALERT|DOWNTIME ALERT|FLAPPING ALERT|ACKNOWLEDGE ALERT)|(INITIAL|CURRENT) (HOST|SERVICE) STATE)$';
/** Acknowledgement commands, matched on the line (these rows carry no host_name). */
export const ACK_COMMANDS = '^\\[[0-9]+\\] EXTERNAL COMMAND: (ACKNOWLEDGE_(HOST|SVC)_PROBLEM(_EXPIRE)?|REMOVE_(HOST|SVC)_ACKNOWLEDGEMENT);';

export function objectKey(host: string, service: string | undefined): string {
  return service === undefined || service === '' ? host : `${host}\u0000${service}`;
}

export function keyOf(e: Pick<LogEvent, 'host' | 'service'>): string {
  return objectKey(e.host, e.service);
}

function stateCode(kind: 'host' | 'service', word: string | undefined, fallback: unknown): number {
  const codes = kind === 'host' ? HOST_STATE_CODES : SERVICE_STATE_CODES;
  const w = (word ?? '').toUpperCase();
  return Object.hasOwn(codes, w) ? (codes[w] ?? 0) : num(fallback);
}

/** Alerts and state lines: `host[;service];STATE;HARD|SOFT;attempt;output`. */
function stateEvent(r: Row, type: string, time: number): LogEvent | undefined {
  const kind = /SERVICE/.test(type) ? 'service' : 'host';
  const parts = optionsOf(r).split(';');
  const off = kind === 'service' ? 2 : 1;
  const host = str(r.host_name) || (parts[0] ?? '');
  const service = kind === 'service' ? str(r.service_description) || (parts[1] ?? '') : undefined;
  if (host === '') return undefined;
  const hardText = str(r.state_type) || (parts[off + 1] ?? '');
  const output = str(r.plugin_output) || parts.slice(off + 3).join(';');
  return {
    time,
    kind: /STATE$/.test(type) ? 'snapshot' : 'state',
    objKind: kind,
    host,
    ...(service !== undefined ? { service } : {}),
    state: stateCode(kind, parts[off], r.state),
    hard: hardText.toUpperCase() === 'HARD',
    attempt: num(parts[off + 2]),
    output,
    source: 'alert',
  };
}

/** DOWNTIME / FLAPPING / ACKNOWLEDGE ALERT: `host[;service];WHAT; text`. */
function markerEvent(r: Row, type: string, time: number): LogEvent | undefined {
  const kind: 'host' | 'service' = /^SERVICE/.test(type) ? 'service' : 'host';
  const parts = optionsOf(r).split(';');
  const off = kind === 'service' ? 2 : 1;
  const host = str(r.host_name) || (parts[0] ?? '');
  const service = kind === 'service' ? str(r.service_description) || (parts[1] ?? '') : undefined;
  if (host === '') return undefined;
  const what = (parts[off] ?? str(r.state_type)).trim().toUpperCase();
  const base = {
    time,
    objKind: kind,
    host,
    ...(service !== undefined ? { service } : {}),
    output: parts
      .slice(off + 1)
      .join(';')
      .trim(),
    source: 'alert' as const,
  };
  if (/DOWNTIME/.test(type)) return { ...base, kind: 'downtime', what };
  if (/FLAPPING/.test(type)) return { ...base, kind: 'flapping', what };
  return { ...base, kind: 'ack', what: what === 'STARTED' ? 'SET' : what === 'EXPIRED' ? 'EXPIRED' : 'REMOVED' };
}

/** ACKNOWLEDGE_*_PROBLEM[_EXPIRE] and REMOVE_*_ACKNOWLEDGEMENT command lines. */
export function ackCommandEvent(line: string, time: number): LogEvent | undefined {
  const parts = line.split(';');
  const cmd = parts[0] ?? '';
  const m = /^(ACKNOWLEDGE|REMOVE)_(HOST|SVC)_(PROBLEM|ACKNOWLEDGEMENT)(_EXPIRE)?$/.exec(cmd);
  if (m === null) return undefined;
  const svc = m[2] === 'SVC';
  const host = parts[1] ?? '';
  const service = svc ? (parts[2] ?? '') : undefined;
  const base = {
    time,
    kind: 'ack' as const,
    objKind: svc ? ('service' as const) : ('host' as const),
    host,
    ...(service !== undefined ? { service } : {}),
    source: 'command' as const,
  };
  if (m[1] === 'REMOVE') return { ...base, what: 'REMOVED' };
  const f = parts.slice(svc ? 3 : 2);
  const expire = m[4] !== undefined;
  const [sticky, , , maybeEnd] = f;
  const rest = f.slice(expire ? 4 : 3);
  return {
    ...base,
    what: 'SET',
    sticky: num(sticky) >= 2,
    ...(expire && num(maybeEnd) > 0 ? { expires: num(maybeEnd) } : {}),
    author: rest[0] ?? '',
    comment: rest.slice(1).join(';'),
  };
}

/** One log row as an event, or undefined for rows that are not about an object. */
export function toEvent(r: Row): LogEvent | undefined {
  const type = str(r.type).toUpperCase();
  const time = num(r.time);
  if (/^(HOST|SERVICE) ALERT$|^(INITIAL|CURRENT) (HOST|SERVICE) STATE$/.test(type)) return stateEvent(r, type, time);
  if (/^(HOST|SERVICE) (DOWNTIME|FLAPPING|ACKNOWLEDGE) ALERT$/.test(type)) return markerEvent(r, type, time);
  if (/^(HOST|SERVICE) NOTIFICATION$/.test(type)) {
    const n = readNotification(r);
    if (n.host === '') return undefined;
    return {
      time,
      kind: 'notification',
      objKind: n.kind,
      host: n.host,
      ...(n.service !== undefined ? { service: n.service } : {}),
      ...(n.stateCode !== undefined ? { state: n.stateCode } : {}),
      contact: n.contact,
      reason: n.reason,
      output: n.output,
      ...(n.author !== undefined ? { author: n.author } : {}),
      ...(n.comment !== undefined ? { comment: n.comment } : {}),
    };
  }
  if (type === 'EXTERNAL COMMAND') return ackCommandEvent(optionsOf(r), time);
  return undefined;
}
