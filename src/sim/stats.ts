import { effectiveLastCheck, executionTimeOf, latencyOf } from './rows-status.js';
import type { Checkable, HostRecord, JsonObject, ServiceRecord, SiteState } from './types.js';

const HOST_STATES = ['up', 'down', 'unreachable'] as const;
const SERVICE_STATES = ['ok', 'warning', 'critical', 'unknown'] as const;

function inc(o: Record<string, number>, key: string): void {
  o[key] = (o[key] ?? 0) + 1;
}

function zero(keys: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of keys) out[k] = 0;
  return out;
}

export const HOST_STATS_KEYS = [
  'active_checks_disabled_active',
  'active_checks_disabled_passive',
  'down',
  'down_and_ack',
  'down_and_disabled_active',
  'down_and_disabled_passive',
  'down_and_scheduled',
  'down_and_unhandled',
  'eventhandler_disabled',
  'flapping',
  'flapping_disabled',
  'notifications_disabled',
  'outages',
  'passive_checks_disabled',
  'pending',
  'pending_and_disabled',
  'pending_and_scheduled',
  'plain_down',
  'plain_pending',
  'plain_unreachable',
  'plain_up',
  'total',
  'total_active',
  'total_passive',
  'unreachable',
  'unreachable_and_ack',
  'unreachable_and_disabled_active',
  'unreachable_and_disabled_passive',
  'unreachable_and_scheduled',
  'unreachable_and_unhandled',
  'up',
  'up_and_disabled_active',
  'up_and_disabled_passive',
  'up_and_scheduled',
] as const;

export const SERVICE_STATS_KEYS = [
  'active_checks_disabled_active',
  'active_checks_disabled_passive',
  'critical',
  'critical_and_ack',
  'critical_and_disabled_active',
  'critical_and_disabled_passive',
  'critical_and_scheduled',
  'critical_and_unhandled',
  'critical_on_down_host',
  'eventhandler_disabled',
  'flapping',
  'flapping_disabled',
  'notifications_disabled',
  'ok',
  'ok_and_disabled_active',
  'ok_and_disabled_passive',
  'ok_and_scheduled',
  'passive_checks_disabled',
  'pending',
  'pending_and_disabled',
  'pending_and_scheduled',
  'plain_critical',
  'plain_ok',
  'plain_pending',
  'plain_unknown',
  'plain_warning',
  'total',
  'total_active',
  'total_passive',
  'unknown',
  'unknown_and_ack',
  'unknown_and_disabled_active',
  'unknown_and_disabled_passive',
  'unknown_and_scheduled',
  'unknown_and_unhandled',
  'unknown_on_down_host',
  'warning',
  'warning_and_ack',
  'warning_and_disabled_active',
  'warning_and_disabled_passive',
  'warning_and_scheduled',
  'warning_and_unhandled',
  'warning_on_down_host',
] as const;

export const HOST_TOTALS_KEYS = [
  'down',
  'down_and_unhandled',
  'pending',
  'total',
  'unreachable',
  'unreachable_and_unhandled',
  'up',
] as const;
export const SERVICE_TOTALS_KEYS = [
  'critical',
  'critical_and_unhandled',
  'ok',
  'pending',
  'total',
  'unknown',
  'unknown_and_unhandled',
  'warning',
  'warning_and_unhandled',
] as const;

function common(o: Checkable, out: Record<string, number>, name: string): void {
  inc(out, 'total');
  inc(out, o.checkType === 0 ? 'total_active' : 'total_passive');
  if (!o.activeChecksEnabled) inc(out, o.checkType === 0 ? 'active_checks_disabled_active' : 'active_checks_disabled_passive');
  if (o.isFlapping) inc(out, 'flapping');
  if (!o.flapDetectionEnabled) inc(out, 'flapping_disabled');
  if (!o.notificationsEnabled) inc(out, 'notifications_disabled');
  if (!o.eventHandlerEnabled) inc(out, 'eventhandler_disabled');
  if (!o.acceptPassiveChecks) inc(out, 'passive_checks_disabled');
  inc(out, name);
  if (!o.acknowledged && o.scheduledDowntimeDepth === 0) inc(out, `plain_${name}`);
  if (o.scheduledDowntimeDepth > 0) inc(out, `${name}_and_scheduled`);
  if (name === 'pending') {
    if (!o.activeChecksEnabled) inc(out, 'pending_and_disabled');
    return;
  }
  if (o.acknowledged) inc(out, `${name}_and_ack`);
  if (!o.activeChecksEnabled) inc(out, o.checkType === 0 ? `${name}_and_disabled_active` : `${name}_and_disabled_passive`);
}

export function hostStats(hosts: Iterable<HostRecord>, keys: readonly string[] = HOST_STATS_KEYS): JsonObject {
  const out = zero(HOST_STATS_KEYS);
  for (const h of hosts) {
    const name = h.hasBeenChecked ? (HOST_STATES[h.state] ?? 'unreachable') : 'pending';
    common(h, out, name);
    if (name === 'down' || name === 'unreachable') {
      if (h.activeChecksEnabled && !h.acknowledged && h.scheduledDowntimeDepth === 0) inc(out, `${name}_and_unhandled`);
    }
    if (name === 'down' && h.childs.length > 0) inc(out, 'outages');
  }
  return pick(out, keys);
}

export function serviceStats(services: Iterable<ServiceRecord>, keys: readonly string[] = SERVICE_STATS_KEYS): JsonObject {
  const out = zero(SERVICE_STATS_KEYS);
  for (const s of services) {
    const name = s.hasBeenChecked ? (SERVICE_STATES[s.state] ?? 'unknown') : 'pending';
    common(s, out, name);
    if (name === 'pending' || name === 'ok') continue;
    const h = s.host;
    if (h.state !== 0) inc(out, `${name}_on_down_host`);
    if (!s.acknowledged && s.scheduledDowntimeDepth === 0 && h.state === 0 && !h.acknowledged && h.scheduledDowntimeDepth === 0)
      inc(out, `${name}_and_unhandled`);
  }
  return pick(out, keys);
}

function pick(out: Record<string, number>, keys: readonly string[]): JsonObject {
  const res: JsonObject = {};
  for (const k of [...keys].sort()) res[k] = out[k] ?? 0;
  return res;
}

export function checkStats(sites: readonly SiteState[], now: number): JsonObject {
  const out: JsonObject = {};
  const add = (prefix: string, objs: Checkable[]): void => {
    for (const kind of ['active', 'passive'] as const) {
      const list = objs.filter((o) => (o.checkType === 0) === (kind === 'active'));
      const p = `${prefix}_${kind}`;
      out[`${p}_sum`] = list.length;
      for (const [label, mins] of [
        ['1', 1],
        ['5', 5],
        ['15', 15],
        ['60', 60],
        ['all', Infinity],
      ] as const) {
        const n = list.filter((o) => o.hasBeenChecked && now - effectiveLastCheck(o, now) <= mins * 60).length;
        out[`${p}_${label}_sum`] = n;
        out[`${p}_${label}_perc`] = list.length === 0 ? 0 : Math.round((n / list.length) * 10000) / 100;
      }
      addMinMax(
        out,
        `${p}_state_change`,
        list.map((o) => o.percentStateChange),
      );
      if (kind === 'active') {
        addMinMax(out, `${prefix}_latency`, list.map(latencyOf));
        addMinMax(out, `${prefix}_execution_time`, list.map(executionTimeOf));
      }
    }
  };
  add(
    'hosts',
    sites.flatMap((s) => s.hosts),
  );
  add(
    'services',
    sites.flatMap((s) => s.services),
  );
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : 1)));
}

function addMinMax(out: JsonObject, prefix: string, values: number[]): void {
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  out[`${prefix}_sum`] = sum;
  out[`${prefix}_min`] = values.length ? min : 0;
  out[`${prefix}_max`] = values.length ? max : 0;
  out[`${prefix}_avg`] = values.length ? sum / values.length : 0;
}

export function processStats(sites: readonly SiteState[], now: number): JsonObject {
  let hosts = 0;
  let services = 0;
  let uptime = 0;
  for (const s of sites) {
    hosts += s.hosts.length;
    services += s.services.length;
    uptime = Math.max(uptime, now - s.program.programStart);
  }
  const up = Math.max(1, uptime);
  const hostChecks = Math.floor((hosts * up) / 60);
  const serviceChecks = Math.floor((services * up) / 60);
  const connections = Math.floor(up / 1.3);
  return {
    cached_log_messages: 0,
    connections,
    connections_rate: connections / up,
    forks: 0,
    forks_rate: 0,
    host_checks: hostChecks,
    host_checks_rate: hostChecks / up,
    log_messages: 0,
    log_messages_rate: 0,
    neb_callbacks: 0,
    neb_callbacks_rate: 0,
    requests: 0,
    requests_rate: 0,
    service_checks: serviceChecks,
    service_checks_rate: serviceChecks / up,
  };
}
