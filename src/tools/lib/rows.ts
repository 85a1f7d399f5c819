import { age, ago, cell, duration, flag, hostStateName, num, serviceStateName, stateAge, stateAgeText } from './format.js';
import { coreStartOf, type CoreStarts } from './corestart.js';
import type { Row } from './list.js';

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

/**
 * The state cell: the state word, soft attempts and the handling flags in one cell ("DOWN acked",
 * "UP downtime"). A separate flags column was empty on almost every row and cost a separator each.
 */
function stateCell(r: Row, stateName: string): string {
  return [softNote(r, stateName), ...handlingFlags(r)].join(' ');
}

/** The "for" cell: the state's age, "≥21m" when only the core's start bounds it (Icinga 2 reports 0). */
export function since(r: Row, nowMs: number, starts?: CoreStarts): string {
  const checked = r.has_been_checked === undefined || flag(r.has_been_checked);
  const a = stateAge(r.last_state_change, nowMs, checked && starts !== undefined ? coreStartOf(starts, r) : undefined);
  if (a === undefined) return '';
  // The one age format (format.ts age), like thruk_problems and the detail views.
  return a.atLeast ? `≥${age(a.seconds)}` : age(a.seconds);
}

export const HOST_LINE_HEADER = ['host', 'state', 'for', 'output'];
export const SERVICE_LINE_HEADER = ['host', 'service', 'state', 'for', 'output'];

export function hostLine(nowMs: number, showPeer: boolean, starts?: CoreStarts) {
  return (r: Row): string => {
    const name = showPeer && r.peer_name !== undefined ? `${cell(r.name)}@${cell(r.peer_name)}` : cell(r.name);
    return [name, stateCell(r, hostStateName(r.state, r.has_been_checked)), since(r, nowMs, starts), cell(r.plugin_output, 160)].join(
      ' | ',
    );
  };
}

export function serviceLine(nowMs: number, showPeer: boolean, starts?: CoreStarts) {
  return (r: Row): string => {
    const host = showPeer && r.peer_name !== undefined ? `${cell(r.host_name)}@${cell(r.peer_name)}` : cell(r.host_name);
    return [
      host,
      cell(r.description),
      stateCell(r, serviceStateName(r.state, r.has_been_checked)),
      since(r, nowMs, starts),
      cell(r.plugin_output, 160),
    ].join(' | ');
  };
}

/** "DISK OK - free…" → "free…": on an OK row the leading "<CHECK> OK -" repeats the state cell. */
export function okOutput(output: unknown, max: number): string {
  const s = cell(output);
  const rest = s.replace(/^(?:[A-Z][A-Za-z0-9_/.-]*\s){0,2}OK\s*(?:-|:)\s*/, '');
  return cell(rest === '' ? s : rest, max);
}

/**
 * The services of one host (thruk_get_host): no host column (it is the host of the answer), the
 * problems with their full output first, then the OK ones with a shortened output — their state
 * is the news, the output detail stays in structuredContent and thruk_get_service.
 */
export function hostServiceLines(
  services: readonly Row[],
  nowMs: number,
  opts: { showPeer?: boolean; starts?: CoreStarts } = {},
): string[] {
  if (services.length === 0) return ['services: none'];
  const states = services.map((r) => serviceStateName(r.state, r.has_been_checked));
  const allOk = states.every((s) => s === 'OK');
  const rank = (s: string) => ['CRITICAL', 'UNKNOWN', 'WARNING', 'PENDING'].indexOf(s);
  const order = services
    .map((r, i) => ({ r, st: states[i] ?? 'OK', i }))
    .sort((a, b) => (a.st === 'OK' ? 1 : 0) - (b.st === 'OK' ? 1 : 0) || (a.st === 'OK' ? 0 : rank(a.st) - rank(b.st)) || a.i - b.i);
  const lines = [
    allOk
      ? `services (${services.length}, all OK): service | for | output`
      : `services (${services.length}): service | state | for | output`,
  ];
  for (const { r, st } of order) {
    const output = st === 'OK' ? okOutput(r.plugin_output, 48) : cell(r.plugin_output, 160);
    // The same host name on two cores: each service names its core (two `ping` rows otherwise).
    const name = opts.showPeer === true && r.peer_name !== undefined ? `${cell(r.description)}@${cell(r.peer_name)}` : cell(r.description);
    const age = since(r, nowMs, opts.starts);
    lines.push((allOk ? [name, age, output] : [name, stateCell(r, st), age, output]).join(' | '));
  }
  return lines;
}

/** A parent in one short cell: its state and age, its output only when it is not UP. */
export function parentCell(nowMs: number, starts?: CoreStarts) {
  return (r: Row): string => {
    const st = hostStateName(r.state, r.has_been_checked);
    const head = [cell(r.name), stateCell(r, st), since(r, nowMs, starts)].filter((x) => x !== '').join(' ');
    return st === 'UP' || st === 'PENDING' ? head : `${head} (${cell(r.plugin_output, 120)})`;
  };
}

export { multiplePeers } from './words.js';

/** Keys the head of a detail view (detailHead) already says; the generic key: value lines skip them. */
export const DETAIL_HEAD_KEYS: ReadonlySet<string> = new Set([
  'name',
  'host_name',
  'description',
  'display_name',
  'alias',
  'address',
  'peer_name',
  'state',
  'state_type',
  'has_been_checked',
  'current_attempt',
  'max_check_attempts',
  'plugin_output',
  'last_state_change',
  'acknowledged',
  'scheduled_downtime_depth',
  'notifications_enabled',
  'active_checks_enabled',
  'is_flapping',
  'check_command',
  'check_interval',
  'last_check',
  'next_check',
  'execution_time',
  'latency',
  'acknowledgement_type',
]);

/**
 * Handling in words for a detail view. Whether an acknowledgement is sticky comes from
 * acknowledgement_type (2 sticky, 1 normal); Thruk 3.20 answers it as null on Icinga 2 and
 * Naemon alike, and then it is said to be unknown rather than guessed.
 */
export function detailHandling(r: Row): string[] {
  const out: string[] = [];
  if (flag(r.acknowledged)) {
    const t = r.acknowledgement_type;
    out.push(
      t === 2 || t === '2'
        ? 'acknowledged (sticky)'
        : t === 1 || t === '1'
          ? 'acknowledged (not sticky)'
          : 'acknowledged (sticky or not: Thruk does not say)',
    );
  }
  if (num(r.scheduled_downtime_depth) > 0) out.push('in downtime');
  if (r.notifications_enabled !== undefined && !flag(r.notifications_enabled)) out.push('notifications off');
  if (r.active_checks_enabled !== undefined && !flag(r.active_checks_enabled)) out.push('active checks off');
  if (flag(r.is_flapping)) out.push('flapping');
  return out;
}

function relative(epochSec: unknown, nowMs: number): string {
  const t = num(epochSec);
  if (t <= 0) return '';
  const d = nowMs / 1000 - t;
  return ago(d);
}

/**
 * The head of a host or service detail view, in three short lines instead of a dozen key: value
 * lines: who ("host web-01 (alias, address) on backend"), the state with its age and the one
 * absolute time that matters (the state change), then the check facts with relative times only.
 */
export function detailHead(r: Row, kind: 'hosts' | 'services', nowMs: number, starts?: CoreStarts): string[] {
  const who = kind === 'hosts' ? `host ${cell(r.name)}` : `service ${cell(r.host_name)} / ${cell(r.description)}`;
  const aka = [
    kind === 'services' && r.display_name !== r.description ? r.display_name : undefined,
    r.alias !== r.name ? r.alias : undefined,
    r.address,
  ]
    .filter((x) => x !== undefined && x !== null && x !== '')
    .map((x) => cell(x));
  const head = `${who}${aka.length > 0 ? ` (${aka.join(', ')})` : ''}${r.peer_name !== undefined && r.peer_name !== '' ? ` on ${cell(r.peer_name)}` : ''}`;
  const out = [head];
  // The age belongs to the state, so it follows the state word; the handling (ack, downtime) gets
  // its own line: "UP downtime for 19d" read as a downtime lasting 19 days.
  const handling = detailHandling(r);
  if (r.state !== undefined) {
    const st = kind === 'hosts' ? hostStateName(r.state, r.has_been_checked) : serviceStateName(r.state, r.has_been_checked);
    const checked = r.has_been_checked === undefined || flag(r.has_been_checked);
    const age = stateAgeText(stateAge(r.last_state_change, nowMs, checked && starts !== undefined ? coreStartOf(starts, r) : undefined));
    const output = r.plugin_output !== undefined && r.plugin_output !== '' ? `: ${cell(r.plugin_output)}` : '';
    out.push(`${softNote(r, st)}${age !== '' ? ` ${age}` : ''}${output}`);
    if (handling.length > 0) out.push(`handling: ${handling.join(', ')}`);
  } else {
    if (handling.length > 0) out.push(`handling: ${handling.join(', ')}`);
    if (r.plugin_output !== undefined && r.plugin_output !== '') out.push(`output: ${cell(r.plugin_output)}`);
  }
  const check: string[] = [];
  if (r.check_command !== undefined && r.check_command !== '') check.push(cell(r.check_command, 120));
  if (r.check_interval !== undefined) check.push(`interval ${cell(r.check_interval)}`);
  const last = relative(r.last_check, nowMs);
  if (r.last_check !== undefined) check.push(`last ${last === '' ? 'never' : last}`);
  // The next check is only news when it is overdue (a stale check); otherwise interval says it.
  const next = num(r.next_check);
  if (next > 0 && next < nowMs / 1000 - 60) check.push(`next overdue by ${duration(nowMs / 1000 - next)}`);
  if (typeof r.execution_time === 'number') check.push(`took ${r.execution_time.toFixed(3)}s`);
  // Scheduling latency below a second is the normal case and says nothing.
  if (typeof r.latency === 'number' && r.latency >= 1) check.push(`latency ${r.latency.toFixed(3)}s`);
  if (check.length > 0) out.push(`check: ${check.join(', ')}`);
  return out;
}
