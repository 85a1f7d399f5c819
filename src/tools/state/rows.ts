import { cell, duration, flag, hostStateName, num, serviceStateName } from '../format.js';
import type { Row } from './common.js';

/** Handling marks in the order an operator reads them. */
export function handlingFlags(r: Row, prefix = ''): string[] {
  const f: string[] = [];
  if (flag(r[`${prefix}acknowledged`])) f.push('acked');
  if (num(r[`${prefix}scheduled_downtime_depth`]) > 0) f.push('downtime');
  if (r[`${prefix}notifications_enabled`] !== undefined && !flag(r[`${prefix}notifications_enabled`])) f.push('notif off');
  if (r[`${prefix}active_checks_enabled`] !== undefined && !flag(r[`${prefix}active_checks_enabled`])) f.push('checks off');
  if (flag(r[`${prefix}is_flapping`])) f.push('flapping');
  return f;
}

function softNote(r: Row, stateName: string): string {
  if (stateName === 'UP' || stateName === 'OK' || stateName === 'PENDING') return stateName;
  if (r.state_type === 0 || r.state_type === 'SOFT') {
    const a = r.current_attempt;
    const m = r.max_check_attempts;
    return a !== undefined && m !== undefined ? `${stateName} soft ${cell(a)}/${cell(m)}` : `${stateName} soft`;
  }
  return stateName;
}

export function since(r: Row, nowMs: number): string {
  const t = num(r.last_state_change);
  return t > 0 ? duration(nowMs / 1000 - t) : '';
}

export const HOST_LINE_HEADER = ['host', 'state', 'for', 'flags', 'output'];
export const SERVICE_LINE_HEADER = ['host', 'service', 'state', 'for', 'flags', 'output'];

export function hostLine(nowMs: number, showPeer: boolean) {
  return (r: Row): string => {
    const st = softNote(r, hostStateName(r.state, r.has_been_checked));
    const name = showPeer && r.peer_name !== undefined ? `${cell(r.name)}@${cell(r.peer_name)}` : cell(r.name);
    return [name, st, since(r, nowMs), handlingFlags(r).join(','), cell(r.plugin_output, 160)].join(' | ');
  };
}

export function serviceLine(nowMs: number, showPeer: boolean) {
  return (r: Row): string => {
    const st = softNote(r, serviceStateName(r.state, r.has_been_checked));
    const host = showPeer && r.peer_name !== undefined ? `${cell(r.host_name)}@${cell(r.peer_name)}` : cell(r.host_name);
    return [host, cell(r.description), st, since(r, nowMs), handlingFlags(r).join(','), cell(r.plugin_output, 160)].join(' | ');
  };
}

export function multiplePeers(rows: readonly Row[]): boolean {
  const first = rows[0]?.peer_name;
  return rows.some((r) => r.peer_name !== first);
}
