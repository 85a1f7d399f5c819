/**
 * Notification log rows, read from the log line itself. Icinga 2's Livestatus mis-parses them
 * (command_name holds the output, state_type the state name, state is always 3, plugin_output is
 * empty, host_name is null on HOST NOTIFICATION rows), while the line keeps every field:
 *   HOST NOTIFICATION: contact;host;TYPE;command;output[;author;comment]
 *   SERVICE NOTIFICATION: contact;host;service;TYPE;command;output[;author;comment]
 * TYPE is a state (CRITICAL), RECOVERY, or REASON (STATE) such as ACKNOWLEDGEMENT (CRITICAL).
 */
import { num } from '../lib/format.js';
import { optionsOf, str, type Row } from './common.js';

export const HOST_STATE_CODES: Readonly<Record<string, number>> = { UP: 0, DOWN: 1, UNREACHABLE: 2 };
export const SERVICE_STATE_CODES: Readonly<Record<string, number>> = { OK: 0, WARNING: 1, CRITICAL: 2, UNKNOWN: 3 };

export interface Notification {
  readonly kind: 'host' | 'service';
  readonly host: string;
  readonly service?: string;
  readonly contact: string;
  readonly command: string;
  /** PROBLEM, RECOVERY, ACKNOWLEDGEMENT, FLAPPINGSTART, DOWNTIMESTART, CUSTOM… */
  readonly reason: string;
  /** State name when the line says it (FLAPPINGSTART alone does not). */
  readonly state?: string;
  readonly stateCode?: number;
  readonly output: string;
  readonly author?: string;
  readonly comment?: string;
  /** The Thruk columns disagreed with the line and were replaced. */
  readonly repaired: boolean;
}

function codes(kind: 'host' | 'service'): Readonly<Record<string, number>> {
  return kind === 'host' ? HOST_STATE_CODES : SERVICE_STATE_CODES;
}

/** "CRITICAL", "RECOVERY", "DOWN (DOWN)", "ACKNOWLEDGEMENT (WARNING)" → reason and state. */
export function parseNotificationType(kind: 'host' | 'service', field: string): { reason: string; state?: string } {
  const m = /^([A-Z_]+)(?:\s*\(([A-Z_]+)\))?$/.exec(field.trim().toUpperCase());
  if (m === null) return { reason: field.trim() };
  const word = m[1] ?? '';
  const paren = m[2];
  const names = codes(kind);
  const ok = kind === 'host' ? 'UP' : 'OK';
  if (Object.hasOwn(names, word)) return { reason: word === ok ? 'RECOVERY' : 'PROBLEM', state: word };
  if (word === 'RECOVERY') return { reason: 'RECOVERY', state: paren !== undefined && Object.hasOwn(names, paren) ? paren : ok };
  return paren !== undefined && Object.hasOwn(names, paren) ? { reason: word, state: paren } : { reason: word };
}

/** Parses the fields after "TYPE NOTIFICATION: "; undefined when the line does not have them. */
export function parseNotificationLine(type: string, options: string): Omit<Notification, 'repaired'> | undefined {
  const kind = /^SERVICE NOTIFICATION/.test(type) ? 'service' : /^HOST NOTIFICATION/.test(type) ? 'host' : undefined;
  if (kind === undefined) return undefined;
  const parts = options.split(';');
  const head = kind === 'service' ? 5 : 4;
  if (parts.length < head) return undefined;
  const [contact = '', host = ''] = parts;
  const service = kind === 'service' ? (parts[2] ?? '') : undefined;
  const typeField = parts[head - 2] ?? '';
  const command = parts[head - 1] ?? '';
  let rest = parts.slice(head);
  // Icinga 2 ends the line with ';'.
  if (rest.length > 1 && rest[rest.length - 1] === '') rest = rest.slice(0, -1);
  const { reason, state } = parseNotificationType(kind, typeField);
  let author: string | undefined;
  let comment: string | undefined;
  if ((reason === 'ACKNOWLEDGEMENT' || reason === 'CUSTOM') && rest.length >= 3) {
    author = rest[rest.length - 2];
    comment = rest[rest.length - 1];
    rest = rest.slice(0, -2);
  }
  const n: Omit<Notification, 'repaired'> = {
    kind,
    host,
    contact,
    command,
    reason,
    output: rest.join(';'),
    ...(service !== undefined ? { service } : {}),
    ...(state !== undefined ? { state, stateCode: codes(kind)[state] ?? 0 } : {}),
    ...(author !== undefined ? { author } : {}),
    ...(comment !== undefined ? { comment } : {}),
  };
  return n;
}

/** One notification row, from the line where possible, from the columns otherwise. */
export function readNotification(r: Row): Notification {
  const type = str(r.type);
  const parsed = parseNotificationLine(type, optionsOf(r));
  if (parsed !== undefined) {
    const repaired =
      (r.host_name !== undefined && r.host_name !== parsed.host) ||
      (r.command_name !== undefined && r.command_name !== parsed.command) ||
      (r.state !== undefined && parsed.stateCode !== undefined && num(r.state) !== parsed.stateCode);
    return { ...parsed, repaired };
  }
  const kind = /SERVICE/.test(type) ? 'service' : 'host';
  const stateText = str(r.state_type);
  const t = parseNotificationType(kind, stateText);
  const service = str(r.service_description);
  return {
    kind,
    host: str(r.host_name),
    contact: str(r.contact_name),
    command: str(r.command_name),
    reason: t.reason,
    output: str(r.plugin_output),
    repaired: false,
    ...(kind === 'service' && service !== '' ? { service } : {}),
    ...(t.state !== undefined ? { state: t.state, stateCode: codes(kind)[t.state] ?? 0 } : {}),
  };
}

/** The row with its notification columns set from the line (for structured output). */
export function repairedRow(r: Row, n: Notification): Row {
  const out: Row = { ...r };
  const set = (k: string, v: unknown) => {
    if (k in r) out[k] = v;
  };
  set('host_name', n.host);
  set('service_description', n.service ?? null);
  set('contact_name', n.contact);
  set('command_name', n.command);
  set('plugin_output', n.output);
  if (n.stateCode !== undefined) set('state', n.stateCode);
  return out;
}
