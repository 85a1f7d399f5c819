import { kindOutput } from './estate-kind.js';
import { ackTypeFor } from './flavour.js';
import { appendLog, LOG_INFO, notificationEntries, programEntry } from './loglines.js';
import { addComment, addDowntime, clearAck, deleteComment, deleteDowntime, processCheckResult, setAck } from './mutate.js';
import type { Checkable, HostRecord, ProgramStatus, SiteState } from './types.js';
import { F_ACTIVE, F_EVENTHANDLER, F_FLAPDETECT, F_NOTIF, F_OBSESS, F_PASSIVE, ServiceRecord } from './types.js';
import { hostStateName, serviceStateName } from './util.js';

type Scope = 'host' | 'host_svcs' | 'host_tree' | 'children' | 'svc' | 'hg_hosts' | 'hg_svcs' | 'sg_hosts' | 'sg_svcs';

const TOGGLES: Readonly<Record<string, readonly [Scope, number]>> = {
  HOST_NOTIFICATIONS: ['host', F_NOTIF],
  HOST_SVC_NOTIFICATIONS: ['host_svcs', F_NOTIF],
  HOST_AND_CHILD_NOTIFICATIONS: ['host_tree', F_NOTIF],
  ALL_NOTIFICATIONS_BEYOND_HOST: ['children', F_NOTIF],
  HOST_CHECK: ['host', F_ACTIVE],
  HOST_SVC_CHECKS: ['host_svcs', F_ACTIVE],
  PASSIVE_HOST_CHECKS: ['host', F_PASSIVE],
  HOST_EVENT_HANDLER: ['host', F_EVENTHANDLER],
  HOST_FLAP_DETECTION: ['host', F_FLAPDETECT],
  OBSESSING_OVER_HOST: ['host', F_OBSESS],
  SVC_NOTIFICATIONS: ['svc', F_NOTIF],
  SVC_CHECK: ['svc', F_ACTIVE],
  PASSIVE_SVC_CHECKS: ['svc', F_PASSIVE],
  SVC_EVENT_HANDLER: ['svc', F_EVENTHANDLER],
  SVC_FLAP_DETECTION: ['svc', F_FLAPDETECT],
  OBSESSING_OVER_SVC: ['svc', F_OBSESS],
  HOSTGROUP_HOST_CHECKS: ['hg_hosts', F_ACTIVE],
  HOSTGROUP_SVC_CHECKS: ['hg_svcs', F_ACTIVE],
  HOSTGROUP_HOST_NOTIFICATIONS: ['hg_hosts', F_NOTIF],
  HOSTGROUP_SVC_NOTIFICATIONS: ['hg_svcs', F_NOTIF],
  HOSTGROUP_PASSIVE_HOST_CHECKS: ['hg_hosts', F_PASSIVE],
  HOSTGROUP_PASSIVE_SVC_CHECKS: ['hg_svcs', F_PASSIVE],
  SERVICEGROUP_HOST_CHECKS: ['sg_hosts', F_ACTIVE],
  SERVICEGROUP_SVC_CHECKS: ['sg_svcs', F_ACTIVE],
  SERVICEGROUP_HOST_NOTIFICATIONS: ['sg_hosts', F_NOTIF],
  SERVICEGROUP_SVC_NOTIFICATIONS: ['sg_svcs', F_NOTIF],
  SERVICEGROUP_PASSIVE_HOST_CHECKS: ['sg_hosts', F_PASSIVE],
  SERVICEGROUP_PASSIVE_SVC_CHECKS: ['sg_svcs', F_PASSIVE],
};

const PROGRAM: Readonly<Record<string, keyof ProgramStatus>> = {
  NOTIFICATIONS: 'enableNotifications',
  EVENT_HANDLERS: 'enableEventHandlers',
  FLAP_DETECTION: 'enableFlapDetection',
  PERFORMANCE_DATA: 'processPerformanceData',
  HOST_FRESHNESS_CHECKS: 'checkHostFreshness',
  SERVICE_FRESHNESS_CHECKS: 'checkServiceFreshness',
  EXECUTING_HOST_CHECKS: 'executeHostChecks',
  EXECUTING_SVC_CHECKS: 'executeServiceChecks',
  ACCEPTING_PASSIVE_HOST_CHECKS: 'acceptPassiveHostChecks',
  ACCEPTING_PASSIVE_SVC_CHECKS: 'acceptPassiveServiceChecks',
  OBSESSING_OVER_HOST_CHECKS: 'obsessOverHosts',
  OBSESSING_OVER_SVC_CHECKS: 'obsessOverServices',
};

const unesc = (s: string): string => s.replaceAll('\\\\', '\\');

function descendants(h: HostRecord, out: HostRecord[] = [], seen = new Set<HostRecord>()): HostRecord[] {
  for (const c of h.childs) {
    if (seen.has(c)) continue;
    seen.add(c);
    out.push(c);
    descendants(c, out, seen);
  }
  return out;
}

function groupHosts(site: SiteState, name: string): HostRecord[] {
  return site.hosts.filter((h) => h.groups.includes(name));
}

function groupServices(site: SiteState, name: string): ServiceRecord[] {
  return site.services.filter((s) => s.groups.includes(name));
}

function scopeObjects(site: SiteState, scope: Scope, f: string[]): Checkable[] {
  const host = site.hostByName.get(unesc(f[0] ?? ''));
  switch (scope) {
    case 'host':
      return host ? [host] : [];
    case 'host_svcs':
      return host ? [...host.services] : [];
    case 'host_tree':
      return host ? [host, ...descendants(host)] : [];
    case 'children':
      return host ? descendants(host) : [];
    case 'svc': {
      const s = site.findService(unesc(f[0] ?? ''), unesc(f[1] ?? ''));
      return s ? [s] : [];
    }
    case 'hg_hosts':
      return groupHosts(site, f[0] ?? '');
    case 'hg_svcs':
      return groupHosts(site, f[0] ?? '').flatMap((h) => h.services);
    case 'sg_svcs':
      return groupServices(site, f[0] ?? '');
    case 'sg_hosts':
      return [...new Set(groupServices(site, f[0] ?? '').map((s) => s.host))];
  }
}

function ack(site: SiteState, obj: Checkable | undefined, f: string[], now: number, expire: boolean): void {
  if (!obj || obj.state === 0) return;
  const [sticky, notify, persistent] = f;
  const end = expire ? Number(f[3]) : 0;
  const [author = '', ...text] = f.slice(expire ? 4 : 3);
  setAck(obj, ackTypeFor(site.core, sticky ?? ''), end);
  if (end > 0) site.nextEvent = Math.min(site.nextEvent, end);
  const isSvc = obj instanceof ServiceRecord;
  const host = isSvc ? obj.host : (obj as HostRecord);
  const comment = text.join(';');
  addComment(site, {
    host,
    service: isSvc ? obj : null,
    author,
    comment,
    entryTime: now,
    entryType: 4,
    persistent: Number(persistent) ? 1 : 0,
    source: 1,
    expires: false,
    expireTime: 0,
  });
  if (notify === '1' && obj.notificationsEnabled) {
    const state = isSvc ? serviceStateName(obj.state) : hostStateName(obj.state);
    for (const e of notificationEntries(
      now,
      obj,
      obj.cfg.contacts,
      `ACKNOWLEDGEMENT (${state})`,
      obj.state,
      obj.pluginOutput,
      `;${author};${comment}`,
    ))
      appendLog(site, e);
  }
}

function comment(site: SiteState, host: HostRecord | undefined, svc: ServiceRecord | null, f: string[], now: number): void {
  if (!host) return;
  const [persistent, author = '', ...text] = f;
  addComment(site, {
    host,
    service: svc,
    author,
    comment: text.join(';'),
    entryTime: now,
    entryType: 1,
    persistent: Number(persistent) ? 1 : 0,
    source: 1,
    expires: false,
    expireTime: 0,
  });
}

function downtime(site: SiteState, objs: Checkable[], f: string[], now: number, triggeredChildren = false): void {
  const [start, end, fixed, trigger, duration, author = '', ...text] = f;
  const startTime = Number(start);
  const endTime = Number(end);
  if (!(endTime > startTime)) return;
  let parentId = 0;
  objs.forEach((obj, i) => {
    const isSvc = obj instanceof ServiceRecord;
    const host = isSvc ? obj.host : (obj as HostRecord);
    const dt = addDowntime(
      site,
      {
        host,
        service: isSvc ? obj : null,
        author,
        comment: text.join(';'),
        entryTime: now,
        startTime,
        endTime,
        fixed: fixed !== '0',
        duration: Number(duration) || 0,
        triggeredBy: triggeredChildren && i > 0 ? parentId : Number(trigger) || 0,
      },
      now,
      true,
    );
    if (i === 0) parentId = dt.id;
  });
}

function deleteDowntimesWhere(site: SiteState, now: number, pred: (d: SiteState['downtimes'][number]) => boolean): void {
  for (const d of site.downtimes.filter(pred)) deleteDowntime(site, d.id, now);
}

function logLine(site: SiteState, text: string, now: number): void {
  const m = /^([A-Z][A-Z ]+): (.*)$/s.exec(text);
  const e = programEntry(now, LOG_INFO, m?.[1] ?? '', m?.[2] ?? text);
  if (m?.[1] === 'HOST NOTE' || m?.[1] === 'SERVICE NOTE') {
    const parts = (m[2] ?? '').split(';');
    e.hostName = parts[0] ?? null;
    if (m[1] === 'SERVICE NOTE') e.serviceDescription = parts[1] ?? null;
  }
  appendLog(site, e);
}

/** Effects come from the generated command line, so a `;` in a name breaks a command exactly as on a real core. */
export function applyCommand(site: SiteState, line: string, _user: string, now: number): void {
  const [name = '', ...f] = line.split(';');
  const host = (): HostRecord | undefined => site.hostByName.get(unesc(f[0] ?? ''));
  const svc = (): ServiceRecord | undefined => site.findService(unesc(f[0] ?? ''), unesc(f[1] ?? ''));
  const toggle = /^(ENABLE|DISABLE|START|STOP)_(.+)$/.exec(name);
  if (toggle?.[2]) {
    const on = toggle[1] === 'ENABLE' || toggle[1] === 'START';
    const t = TOGGLES[toggle[2]];
    if (t) {
      for (const o of scopeObjects(site, t[0], f)) o.setFlag(t[1], on);
      return;
    }
    const p = PROGRAM[toggle[2]];
    if (p) {
      (site.program as unknown as Record<string, boolean>)[p] = on;
      return;
    }
    const contact = /^CONTACT(GROUP)?_(HOST|SVC)_NOTIFICATIONS$/.exec(toggle[2]);
    if (contact) {
      const list = contact[1] ? site.contacts : site.contacts.filter((c) => c.name === f[0]);
      for (const c of list) {
        if (contact[2] === 'HOST') c.hostNotificationsEnabled = on;
        else c.serviceNotificationsEnabled = on;
      }
    }
    return;
  }
  switch (name) {
    case 'ACKNOWLEDGE_HOST_PROBLEM':
      ack(site, host(), f.slice(1), now, false);
      return;
    case 'ACKNOWLEDGE_HOST_PROBLEM_EXPIRE':
      ack(site, host(), f.slice(1), now, true);
      return;
    case 'ACKNOWLEDGE_SVC_PROBLEM':
      ack(site, svc(), f.slice(2), now, false);
      return;
    case 'ACKNOWLEDGE_SVC_PROBLEM_EXPIRE':
      ack(site, svc(), f.slice(2), now, true);
      return;
    case 'REMOVE_HOST_ACKNOWLEDGEMENT': {
      const h = host();
      if (h) clearAck(site, h);
      return;
    }
    case 'REMOVE_SVC_ACKNOWLEDGEMENT': {
      const s = svc();
      if (s) clearAck(site, s);
      return;
    }
    case 'ADD_HOST_COMMENT':
      comment(site, host(), null, f.slice(1), now);
      return;
    case 'ADD_SVC_COMMENT': {
      const s = svc();
      if (s) comment(site, s.host, s, f.slice(2), now);
      return;
    }
    case 'DEL_HOST_COMMENT':
    case 'DEL_SVC_COMMENT': {
      const c = site.commentIndex.get(Number(f[0]));
      if (c && (c.service !== null) === (name === 'DEL_SVC_COMMENT')) deleteComment(site, c.id);
      return;
    }
    case 'DEL_ALL_HOST_COMMENTS':
    case 'DEL_ALL_SVC_COMMENTS': {
      const o = name === 'DEL_ALL_HOST_COMMENTS' ? host() : svc();
      for (const id of [...(o?.commentIds ?? [])]) deleteComment(site, id);
      return;
    }
    case 'SCHEDULE_HOST_DOWNTIME': {
      const h = host();
      if (h) downtime(site, [h], f.slice(1), now);
      return;
    }
    case 'SCHEDULE_HOST_SVC_DOWNTIME': {
      const h = host();
      if (h) downtime(site, [...h.services], f.slice(1), now);
      return;
    }
    case 'SCHEDULE_AND_PROPAGATE_HOST_DOWNTIME': {
      const h = host();
      if (h) downtime(site, [h, ...descendants(h)], f.slice(1), now);
      return;
    }
    case 'SCHEDULE_AND_PROPAGATE_TRIGGERED_HOST_DOWNTIME': {
      const h = host();
      if (h) downtime(site, [h, ...descendants(h)], f.slice(1), now, true);
      return;
    }
    case 'SCHEDULE_SVC_DOWNTIME': {
      const s = svc();
      if (s) downtime(site, [s], f.slice(2), now);
      return;
    }
    case 'SCHEDULE_HOSTGROUP_HOST_DOWNTIME':
      downtime(site, scopeObjects(site, 'hg_hosts', f), f.slice(1), now);
      return;
    case 'SCHEDULE_HOSTGROUP_SVC_DOWNTIME':
      downtime(site, scopeObjects(site, 'hg_svcs', f), f.slice(1), now);
      return;
    case 'SCHEDULE_SERVICEGROUP_HOST_DOWNTIME':
      downtime(site, scopeObjects(site, 'sg_hosts', f), f.slice(1), now);
      return;
    case 'SCHEDULE_SERVICEGROUP_SVC_DOWNTIME':
      downtime(site, scopeObjects(site, 'sg_svcs', f), f.slice(1), now);
      return;
    case 'DEL_HOST_DOWNTIME':
    case 'DEL_SVC_DOWNTIME': {
      const d = site.downtimeIndex.get(Number(f[0]));
      if (d && (d.service !== null) === (name === 'DEL_SVC_DOWNTIME')) deleteDowntime(site, d.id, now);
      return;
    }
    case 'DEL_DOWNTIME_BY_HOST_NAME':
      deleteDowntimesWhere(
        site,
        now,
        (d) =>
          d.hostName === unesc(f[0] ?? '') &&
          (!f[1] || d.serviceDescription === unesc(f[1])) &&
          (!f[2] || d.startTime === Number(f[2])) &&
          (!f[3] || d.comment === f.slice(3).join(';')),
      );
      return;
    case 'DEL_DOWNTIME_BY_HOSTGROUP_NAME':
      deleteDowntimesWhere(
        site,
        now,
        (d) =>
          d.host.groups.includes(f[0] ?? '') &&
          (!f[1] || d.hostName === unesc(f[1])) &&
          (!f[2] || d.serviceDescription === unesc(f[2])) &&
          (!f[3] || d.startTime === Number(f[3])) &&
          (!f[4] || d.comment === f.slice(4).join(';')),
      );
      return;
    case 'DEL_DOWNTIME_BY_START_TIME_COMMENT':
      deleteDowntimesWhere(
        site,
        now,
        (d) => (!f[0] || d.startTime === Number(f[0])) && (!f[1] || d.comment === f.slice(1).join(';')) && !!(f[0] || f[1]),
      );
      return;
    case 'SCHEDULE_FORCED_HOST_CHECK':
    case 'SCHEDULE_HOST_CHECK':
    case 'SCHEDULE_FORCED_HOST_SVC_CHECKS':
    case 'SCHEDULE_HOST_SVC_CHECKS': {
      const h = host();
      if (!h) return;
      for (const o of name.includes('SVC') ? h.services : [h]) scheduleCheck(o, Number(f[1]), now, name.includes('FORCED'));
      return;
    }
    case 'SCHEDULE_FORCED_SVC_CHECK':
    case 'SCHEDULE_SVC_CHECK': {
      const s = svc();
      if (s) scheduleCheck(s, Number(f[2]), now, name.includes('FORCED'));
      return;
    }
    case 'PROCESS_HOST_CHECK_RESULT': {
      const h = host();
      if (h && h.acceptPassiveChecks && site.program.acceptPassiveHostChecks)
        processCheckResult(site, h, Math.min(2, Number(f[1]) || 0), f.slice(2).join(';'), now, true);
      return;
    }
    case 'PROCESS_SERVICE_CHECK_RESULT': {
      const s = svc();
      if (s && s.acceptPassiveChecks && site.program.acceptPassiveServiceChecks)
        processCheckResult(site, s, Math.min(3, Number(f[2]) || 0), f.slice(3).join(';'), now, true);
      return;
    }
    case 'SEND_CUSTOM_HOST_NOTIFICATION':
    case 'SEND_CUSTOM_SVC_NOTIFICATION': {
      const isSvc = name.includes('SVC');
      const o = isSvc ? svc() : host();
      if (!o) return;
      const [author = '', ...text] = f.slice(isSvc ? 3 : 2);
      const state = isSvc ? serviceStateName(o.state) : hostStateName(o.state);
      for (const e of notificationEntries(
        now,
        o,
        o.cfg.contacts,
        `CUSTOM (${state})`,
        o.state,
        o.pluginOutput,
        `;${author};${text.join(';')}`,
      ))
        appendLog(site, e);
      return;
    }
    case 'CHANGE_CUSTOM_HOST_VAR':
    case 'CHANGE_CUSTOM_SVC_VAR': {
      const isSvc = name.includes('SVC');
      const o = isSvc ? svc() : host();
      const [varName = '', ...value] = f.slice(isSvc ? 2 : 1);
      if (o) o.cfg = { ...o.cfg, vars: { ...o.cfg.vars, [varName.replace(/^_/, '').toLowerCase()]: value.join(';') } };
      return;
    }
    case 'CHANGE_CUSTOM_CONTACT_VAR': {
      const c = site.contacts.find((x) => x.name === f[0]);
      if (c) c.vars[(f[1] ?? '').replace(/^_/, '').toLowerCase()] = f.slice(2).join(';');
      return;
    }
    case 'LOG':
      logLine(site, f.join(';'), now);
      return;
    default:
      changeAttribute(name, f, host, svc);
  }
}

/** A check due now runs at once (same result); a later one shows up as next_check. */
function scheduleCheck(o: Checkable, at: number, now: number, forced: boolean): void {
  if (!forced && !o.activeChecksEnabled) return;
  if (!(at > now)) {
    o.lastCheck = now;
    o.nextCheckAt = 0;
    if (!o.hasBeenChecked && o instanceof ServiceRecord) {
      [o.pluginOutput, o.perfData] = kindOutput(o.kind, 0, now);
      o.lastStateChange = now;
      o.stateType = 1;
      o.currentAttempt = 1;
      o.hasBeenChecked = true;
    }
    return;
  }
  o.nextCheckAt = at;
}

function changeAttribute(name: string, f: string[], host: () => HostRecord | undefined, svc: () => ServiceRecord | undefined): void {
  const m = /^(CHANGE|SET)_(.+?)_?(HOST|SVC)_(.+)$/.exec(name) ?? /^(CHANGE|SET)_(HOST|SVC)_(.+)$/.exec(name);
  if (!m) return;
  const isSvc = name.includes('SVC');
  const o = isSvc ? svc() : host();
  if (!o) return;
  const v = f[isSvc ? 2 : 1] ?? '';
  if (name.endsWith('NOTIFICATION_NUMBER')) o.currentNotificationNumber = Number(v) || 0;
  else if (name.startsWith('CHANGE_MAX_')) o.cfg = { ...o.cfg, maxCheckAttempts: Number(v) || o.cfg.maxCheckAttempts };
  else if (name.startsWith('CHANGE_NORMAL_')) o.cfg = { ...o.cfg, checkInterval: Number(v) || o.cfg.checkInterval };
  else if (name.startsWith('CHANGE_RETRY_')) o.cfg = { ...o.cfg, retryInterval: Number(v) || o.cfg.retryInterval };
  else if (name.endsWith('_CHECK_TIMEPERIOD')) o.cfg = { ...o.cfg, checkPeriod: v };
  else if (name.endsWith('_NOTIFICATION_TIMEPERIOD')) o.cfg = { ...o.cfg, notificationPeriod: v };
}
