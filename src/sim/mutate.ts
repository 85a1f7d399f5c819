import { alertEntry, appendLog, downtimeEntry, notificationEntries, passiveEntry } from './loglines.js';
import type { Checkable, Comment, Downtime, SiteState, HostRecord } from './types.js';
import { ServiceRecord } from './types.js';
import { nagiosLike } from './flavour.js';
import { formatLocalTime, hostStateName, serviceStateName } from './util.js';

export type NewDowntime = Omit<Downtime, 'id' | 'active' | 'commentId' | 'hostName' | 'serviceDescription' | 'triggerTime'>;
export type NewComment = Omit<Comment, 'id' | 'hostName' | 'serviceDescription'>;

function target(d: { host: HostRecord; service: ServiceRecord | null }): Checkable {
  return d.service ?? d.host;
}

export function addComment(site: SiteState, c: NewComment): Comment {
  const comment: Comment = { ...c, id: site.nextCommentId++, hostName: c.host.name, serviceDescription: c.service?.description ?? null };
  site.comments.push(comment);
  site.commentIndex.set(comment.id, comment);
  const obj = target(c);
  (obj.commentIds ??= []).push(comment.id);
  if (c.expires && c.expireTime > 0) site.nextEvent = Math.min(site.nextEvent, c.expireTime);
  return comment;
}

export function deleteComment(site: SiteState, id: number): boolean {
  const c = site.commentIndex.get(id);
  if (!c) return false;
  site.comments.splice(site.comments.indexOf(c), 1);
  site.commentIndex.delete(id);
  const obj = target(c);
  if (obj.commentIds) {
    obj.commentIds = obj.commentIds.filter((x) => x !== id);
    if (obj.commentIds.length === 0) obj.commentIds = null;
  }
  return true;
}

function downtimeCommentText(d: NewDowntime): string {
  const noun = d.service ? 'service' : 'host';
  const window = d.fixed
    ? `fixed downtime from ${formatLocalTime(d.startTime)} to ${formatLocalTime(d.endTime)}`
    : `flexible downtime starting between ${formatLocalTime(d.startTime)} and ${formatLocalTime(d.endTime)} and lasting for a period of ${Math.floor(d.duration / 3600)} hours and ${Math.floor((d.duration % 3600) / 60)} minutes`;
  return `This ${noun} has been scheduled for ${window}. Notifications for the ${noun} will not be sent out during that time period.`;
}

/** Schedules a downtime (Naemon adds a downtime comment right away) and starts it if due. */
export function addDowntime(site: SiteState, d: NewDowntime, now: number, log = false): Downtime {
  // Icinga 2 keeps no downtime comment; Naemon (and the historic simulator) add one.
  const comment =
    site.core === 'icinga2'
      ? undefined
      : addComment(site, {
          host: d.host,
          service: d.service,
          author: d.author,
          comment: downtimeCommentText(d),
          entryTime: d.entryTime,
          entryType: 2,
          persistent: 0,
          source: 0,
          expires: false,
          expireTime: 0,
        });
  // Naemon stores end - start as the duration of a fixed downtime; Icinga 2 the given value (0).
  const duration = d.fixed && nagiosLike(site.core) ? d.endTime - d.startTime : d.duration;
  const dt: Downtime = {
    ...d,
    duration,
    id: site.nextDowntimeId++,
    hostName: d.host.name,
    serviceDescription: d.service?.description ?? null,
    active: false,
    triggerTime: 0,
    commentId: comment?.id ?? 0,
  };
  site.downtimes.push(dt);
  site.downtimeIndex.set(dt.id, dt);
  if (dt.triggeredBy !== 0) site.triggeredDowntimes++;
  const obj = target(dt);
  (obj.downtimeIds ??= []).push(dt.id);
  if (dt.triggeredBy === 0 && dt.startTime <= now && now < dt.endTime && (dt.fixed || obj.state !== 0)) {
    startDowntime(site, dt, now, log);
  } else {
    site.nextEvent = Math.min(site.nextEvent, dt.triggeredBy === 0 ? dt.startTime : dt.endTime);
  }
  return dt;
}

const DOWNTIME_NOTIFICATION = { STARTED: 'DOWNTIMESTART', STOPPED: 'DOWNTIMEEND', CANCELLED: 'DOWNTIMECANCELLED' } as const;

function downtimeLog(site: SiteState, obj: Checkable, now: number, what: 'STARTED' | 'STOPPED' | 'CANCELLED'): void {
  appendLog(site, downtimeEntry(now, obj, what));
  if (!obj.notificationsEnabled || !site.program.enableNotifications) return;
  const state = obj instanceof ServiceRecord ? serviceStateName(obj.state) : hostStateName(obj.state);
  for (const e of notificationEntries(now, obj, obj.cfg.contacts, `${DOWNTIME_NOTIFICATION[what]} (${state})`, obj.state, obj.pluginOutput))
    appendLog(site, e);
}

function startDowntime(site: SiteState, dt: Downtime, now: number, log: boolean): void {
  if (dt.active) return;
  dt.active = true;
  dt.triggerTime = now;
  const obj = target(dt);
  obj.scheduledDowntimeDepth++;
  if (log) downtimeLog(site, obj, now, 'STARTED');
  site.nextEvent = Math.min(site.nextEvent, downtimeEnd(dt));
  if (site.triggeredDowntimes === 0) return;
  for (const child of site.downtimes) {
    if (child.triggeredBy === dt.id && !child.active) startDowntime(site, child, now, log);
  }
}

function downtimeEnd(dt: Downtime): number {
  return dt.fixed || dt.triggerTime === 0 ? dt.endTime : dt.triggerTime + dt.duration;
}

export function deleteDowntime(site: SiteState, id: number, now: number, how: 'CANCELLED' | 'STOPPED' = 'CANCELLED', log = true): boolean {
  const dt = site.downtimeIndex.get(id);
  if (!dt) return false;
  site.downtimes.splice(site.downtimes.indexOf(dt), 1);
  site.downtimeIndex.delete(id);
  const obj = target(dt);
  if (dt.active) {
    obj.scheduledDowntimeDepth = Math.max(0, obj.scheduledDowntimeDepth - 1);
    if (log) downtimeLog(site, obj, now, how);
  }
  if (obj.downtimeIds) {
    obj.downtimeIds = obj.downtimeIds.filter((x) => x !== id);
    if (obj.downtimeIds.length === 0) obj.downtimeIds = null;
  }
  if (dt.commentId !== 0) deleteComment(site, dt.commentId);
  if (dt.triggeredBy !== 0) site.triggeredDowntimes--;
  if (site.triggeredDowntimes > 0) {
    for (const child of site.downtimes.filter((d) => d.triggeredBy === id)) deleteDowntime(site, child.id, now, how, log);
  }
  return true;
}

export function setAck(obj: Checkable, type: number, expire: number): void {
  obj.ackType = type;
  obj.ackExpire = expire;
}

/** Removing an acknowledgement also removes its non-persistent acknowledgement comments (Naemon). */
export function clearAck(site: SiteState, obj: Checkable): void {
  obj.ackType = 0;
  obj.ackExpire = 0;
  for (const id of [...(obj.commentIds ?? [])]) {
    const c = site.commentIndex.get(id);
    if (c && c.entryType === 4 && c.persistent === 0) deleteComment(site, id);
  }
}

export function tick(site: SiteState, now: number): void {
  if (now < site.nextEvent) return;
  let next = Infinity;
  for (const dt of [...site.downtimes]) {
    if (!site.downtimeIndex.has(dt.id)) continue;
    const obj = target(dt);
    if (!dt.active && dt.triggeredBy === 0 && dt.startTime <= now && now < dt.endTime && (dt.fixed || obj.state !== 0)) {
      startDowntime(site, dt, now, true);
    }
    const end = dt.active ? downtimeEnd(dt) : dt.endTime;
    if (now >= end) {
      deleteDowntime(site, dt.id, now, 'STOPPED');
      continue;
    }
    next = Math.min(next, end, !dt.active && dt.startTime > now ? dt.startTime : Infinity);
  }
  for (const c of [...site.comments]) {
    if (c.expires && c.expireTime > 0) {
      if (c.expireTime <= now) deleteComment(site, c.id);
      else next = Math.min(next, c.expireTime);
    }
  }
  for (const c of site.comments) {
    if (c.entryType !== 4) continue;
    const obj = target(c);
    if (obj.ackExpire > 0) {
      if (obj.ackExpire <= now) clearAck(site, obj);
      else next = Math.min(next, obj.ackExpire);
    }
  }
  site.nextEvent = next;
}

function triggerFlexible(site: SiteState, obj: Checkable, now: number): void {
  if (!obj.downtimeIds) return;
  for (const id of obj.downtimeIds) {
    const dt = site.downtimeIndex.get(id);
    if (dt && !dt.fixed && !dt.active && dt.triggeredBy === 0 && dt.startTime <= now && now < dt.endTime)
      startDowntime(site, dt, now, true);
  }
}

/** Remembers when the object was last in its previous state (the current one is derived from last_check). */
function leaveState(obj: Checkable, now: number): void {
  if (obj instanceof ServiceRecord) {
    obj.setLastTime(obj.state, now);
    return;
  }
  const h = obj as HostRecord;
  if (h.state === 0) h.lastTimeUp = now;
  else if (h.state === 1) h.lastTimeDown = now;
  else h.lastTimeUnreachable = now;
}

export function processCheckResult(site: SiteState, obj: Checkable, state: number, output: string, now: number, passive: boolean): void {
  const [firstLine = '', ...rest] = output.split('\n');
  const pipe = firstLine.indexOf('|');
  const text = pipe >= 0 ? firstLine.slice(0, pipe) : firstLine;
  const perf = pipe >= 0 ? firstLine.slice(pipe + 1).trim() : '';
  const changed = state !== obj.state || !obj.hasBeenChecked;
  if (passive) appendLog(site, passiveEntry(now, obj, state, text));
  const wasChecked = obj.hasBeenChecked;
  obj.lastCheck = now;
  obj.checkType = passive ? 1 : 0;
  obj.pluginOutput = text;
  obj.perfData = perf;
  obj.longPluginOutput = rest.join('\\n');
  if (changed) {
    const wasProblem = obj.state !== 0;
    if (wasChecked) leaveState(obj, now);
    obj.state = state;
    obj.stateType = 1;
    obj.currentAttempt = 1;
    obj.lastStateChange = now;
    obj.lastHardStateChange = now;
    obj.firstState = false;
    appendLog(site, alertEntry(now, obj, state, true, 1, text));
    if (obj.ackType === 1 || (obj.ackType === 2 && state === 0)) clearAck(site, obj);
    const suppressed = !obj.notificationsEnabled || !site.program.enableNotifications || obj.scheduledDowntimeDepth > 0 || obj.acknowledged;
    if (!suppressed && (state !== 0 || (wasProblem && obj.currentNotificationNumber > 0))) {
      const type = obj instanceof ServiceRecord ? serviceStateName(state) : hostStateName(state);
      for (const e of notificationEntries(now, obj, obj.cfg.contacts, type, state, text)) appendLog(site, e);
      obj.lastNotification = now;
      obj.currentNotificationNumber = state === 0 ? 0 : obj.currentNotificationNumber + 1;
    } else if (state === 0) {
      obj.currentNotificationNumber = 0;
    }
    if (state !== 0) triggerFlexible(site, obj, now);
  }
  obj.hasBeenChecked = true;
}
