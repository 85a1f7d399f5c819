/** Arguments, row helpers and rendering shared by the history tools. */
import { z } from 'zod';
import { timeString } from '../lib/time-arg.js';
import { ago, hostStateName, iso, num, serviceStateName } from '../lib/format.js';
import type { Row } from '../lib/logquery.js';

export type { Row };

/** The Python thruk-mcp's default log columns (parity). */
export const DEFAULT_LOG_COLUMNS = ['time', 'type', 'class', 'host_name', 'service_description', 'state', 'state_type', 'message'] as const;
/** The Python thruk-mcp's default notification columns (parity). */
export const DEFAULT_NOTIFICATION_COLUMNS = [
  'time',
  'type',
  'class',
  'host_name',
  'service_description',
  'state',
  'contact_name',
  'command_name',
  'message',
] as const;
/** What our compact rendering and event parsing read from a log row. */
export const EVENT_COLUMNS = [
  'time',
  'class',
  'type',
  'host_name',
  'service_description',
  'state',
  'state_type',
  'plugin_output',
  'contact_name',
  'options',
  'peer_name',
] as const;

/** Rows one list call may address (offset + limit); beyond it the caller narrows the window. */
export const LOG_CAP = 10_000;

const LOG_CLASS_NAMES: Record<number, string> = {
  0: 'info',
  1: 'alert',
  2: 'program',
  3: 'notification',
  4: 'passive',
  5: 'command',
  6: 'state',
};

export const timeArg = (what: string) => timeString().describe(what);

export const untilArg = timeArg('End (default now)').optional();

/** `time`/`-time` only: the log table is ordered by time and nothing else is worth its cost. */
export function parseTimeSort(sort: string): 'newest' | 'oldest' {
  const s = sort.trim();
  if (s === '-time') return 'newest';
  if (s === 'time' || s === '+time') return 'oldest';
  throw new Error(`unreachable sort ${s}`);
}

export const logSortArg = z
  .enum(['-time', 'time', '+time'], { error: 'logs sort by time only: "-time" (newest first) or "time" (oldest first)' })
  .default('-time')
  .describe('Newest or oldest first');

/** The part of a log message after "[epoch] TYPE: " (Thruk's `options`), from whichever column is there. */
export function optionsOf(r: Row): string {
  if (typeof r.options === 'string') return r.options;
  if (typeof r.message !== 'string') return '';
  const m = /^\[\d+\]\s*(?:[A-Z][A-Z0-9 _]*?:\s)?(.*)$/s.exec(r.message);
  return m?.[1] ?? r.message;
}

/** Host-level and service-level object rows whose line starts with the host name. */
const OBJECT_LINE =
  /^((HOST|SERVICE) (ALERT|DOWNTIME ALERT|FLAPPING ALERT|ACKNOWLEDGE ALERT|EVENT HANDLER)|(INITIAL|CURRENT) (HOST|SERVICE) STATE|PASSIVE (HOST|SERVICE) CHECK)$/;

/** The host of an object row: the column, or the line where Icinga 2 left the column null. */
export function rowHost(r: Row): string {
  if (typeof r.host_name === 'string' && r.host_name !== '') return r.host_name;
  const type = typeof r.type === 'string' ? r.type : '';
  if (OBJECT_LINE.test(type)) return optionsOf(r).split(';')[0] ?? '';
  if (/NOTIFICATION$/.test(type)) return optionsOf(r).split(';')[1] ?? '';
  return '';
}

/** The object an external command is about ("ACKNOWLEDGE_SVC_PROBLEM;host;svc;…"), when it names one. */
export function commandObject(r: Row): string {
  if (str(r.type) !== 'EXTERNAL COMMAND') return '';
  const m = /^([A-Z_]+);([^;]*);?([^;]*)/.exec(optionsOf(r));
  const name = m?.[1] ?? '';
  // DEL_*_DOWNTIME / DEL_*_COMMENT take an id, not a name ("DEL_HOST_DOWNTIME;3" is downtime 3).
  const del = /^DEL_(HOST|SVC)_(DOWNTIME|COMMENT)$/.exec(name);
  if (m !== null && del !== null)
    return `${del[1] === 'SVC' ? 'service' : 'host'} ${del[2] === 'DOWNTIME' ? 'downtime' : 'comment'} #${m[2] ?? ''}`;
  // Other DEL_* take ids too; group and contact commands name no single object.
  if (m === null || /^DEL_|GROUP|CONTACT/.test(name) || !/HOST|SVC/.test(name)) return '';
  return /SVC/.test(name) && !/HOST_SVC/.test(name) ? `${m[2] ?? ''}/${m[3] ?? ''}` : (m[2] ?? '');
}

/** Fills host_name where the line has it and the column does not (Icinga 2 host rows). */
export function repairHosts(rows: Row[]): { rows: Row[]; notes: string[] } {
  let n = 0;
  const out = rows.map((r) => {
    if (!('host_name' in r) || (typeof r.host_name === 'string' && r.host_name !== '')) return r;
    const h = rowHost(r);
    if (h === '') return r;
    n++;
    return { ...r, host_name: h };
  });
  return {
    rows: out,
    notes: n === 0 ? [] : [`${n} host-level rows had no host_name (Icinga 2 Livestatus); it was read from the log line.`],
  };
}

/** Host or service row, decided by the log type (state numbers collide: DOWN=1=WARNING). */
export function rowKind(r: Row): 'host' | 'service' | undefined {
  const t = typeof r.type === 'string' ? r.type : '';
  if (/\bSERVICE\b/.test(t)) return 'service';
  if (/\bHOST\b/.test(t)) return 'host';
  if (typeof r.service_description === 'string' && r.service_description !== '') return 'service';
  return undefined;
}

export function stateWord(kind: 'host' | 'service', state: unknown): string {
  return kind === 'host' ? hostStateName(state) : serviceStateName(state);
}

/** Types whose `state` column is a check state (not a downtime/flapping marker). */
export function hasCheckState(type: string): boolean {
  return /(HOST|SERVICE) ALERT$|(HOST|SERVICE) STATE$|PASSIVE (HOST|SERVICE) CHECK$/.test(type);
}

export function className(v: unknown): string {
  return LOG_CLASS_NAMES[num(v)] ?? String(v);
}

/** "2026-11-21T02:00:00Z (3h ago)": absolute for the record, relative for the reader. */
export function stamp(epochSec: unknown, nowMs: number): string {
  const t = num(epochSec);
  if (t <= 0) return '';
  const d = nowMs / 1000 - t;
  return `${iso(t)} (${ago(d)})`;
}

/** Object label "host" or "host/service". */
export function label(host: string, service: string | undefined): string {
  return service === undefined || service === '' ? host : `${host}/${service}`;
}

import { cellText as str, plural } from '../lib/words.js';

export { str, plural };
