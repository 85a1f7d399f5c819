import type { HostSpec } from './estate-data.js';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** Per-object configuration; shared between objects until a command changes it (copy on write). */
export interface ObjConfig {
  readonly checkCommand: string;
  readonly checkInterval: number;
  readonly retryInterval: number;
  readonly maxCheckAttempts: number;
  readonly notificationInterval: number;
  readonly checkPeriod: string;
  readonly notificationPeriod: string;
  readonly contacts: readonly string[];
  readonly notes: string;
  readonly notesUrl: string;
  readonly actionUrl: string;
  /** custom variables in Icinga 2 style: lower-case names, typed values */
  readonly vars: Readonly<Record<string, string | number>>;
}

export const F_ACTIVE = 1;
export const F_PASSIVE = 2;
export const F_NOTIF = 4;
export const F_EVENTHANDLER = 8;
export const F_FLAPDETECT = 16;
export const F_OBSESS = 32;
export const F_FLAPPING = 64;
export const F_CHECKED = 128;
export const F_FRESHNESS = 256;
export const F_PERFDATA = 512;
/**
 * In the state it had when the core started, never changed since (Icinga 2 then reports
 * last_state_change 0; Naemon the time of its first check).
 */
export const F_FIRSTSTATE = 1024;
export const F_DEFAULT = F_ACTIVE | F_PASSIVE | F_NOTIF | F_EVENTHANDLER | F_FLAPDETECT | F_CHECKED | F_FRESHNESS | F_PERFDATA;

interface CheckableExt {
  ackExpire: number;
  nextCheckAt: number;
  commentIds: number[] | null;
  downtimeIds: number[] | null;
}

/**
 * Status fields shared by hosts and services. Flags live in one bit field and rarely used data in
 * a lazily allocated side object, to keep 500k objects small.
 */
export abstract class Checkable {
  state = 0;
  stateType = 1;
  currentAttempt = 1;
  checkType = 0;
  flags = F_DEFAULT;
  pluginOutput = '';
  longPluginOutput = '';
  perfData = '';
  lastCheck = 0;
  lastStateChange = 0;
  lastHardStateChange = 0;
  lastNotification = 0;
  currentNotificationNumber = 0;
  /** 0 none, 1 normal, 2 sticky */
  ackType = 0;

  scheduledDowntimeDepth = 0;
  private psc10 = 0;
  private ext: CheckableExt | null = null;

  constructor(public cfg: ObjConfig) {}

  private extra(): CheckableExt {
    return (this.ext ??= { ackExpire: 0, nextCheckAt: 0, commentIds: null, downtimeIds: null });
  }

  get percentStateChange(): number {
    return this.psc10 / 10;
  }
  set percentStateChange(v: number) {
    this.psc10 = Math.round(v * 10);
  }
  get ackExpire(): number {
    return this.ext?.ackExpire ?? 0;
  }
  set ackExpire(v: number) {
    if (v !== 0 || this.ext) this.extra().ackExpire = v;
  }
  /** a check scheduled by a command (schedule_*_check) */
  get nextCheckAt(): number {
    return this.ext?.nextCheckAt ?? 0;
  }
  set nextCheckAt(v: number) {
    if (v !== 0 || this.ext) this.extra().nextCheckAt = v;
  }
  get commentIds(): number[] | null {
    return this.ext?.commentIds ?? null;
  }
  set commentIds(v: number[] | null) {
    if (v !== null || this.ext) this.extra().commentIds = v;
  }
  get downtimeIds(): number[] | null {
    return this.ext?.downtimeIds ?? null;
  }
  set downtimeIds(v: number[] | null) {
    if (v !== null || this.ext) this.extra().downtimeIds = v;
  }

  get acknowledged(): boolean {
    return this.ackType > 0;
  }
  get hasBeenChecked(): boolean {
    return (this.flags & F_CHECKED) !== 0;
  }
  set hasBeenChecked(v: boolean) {
    this.setFlag(F_CHECKED, v);
  }
  get activeChecksEnabled(): boolean {
    return (this.flags & F_ACTIVE) !== 0;
  }
  set activeChecksEnabled(v: boolean) {
    this.setFlag(F_ACTIVE, v);
  }
  get acceptPassiveChecks(): boolean {
    return (this.flags & F_PASSIVE) !== 0;
  }
  set acceptPassiveChecks(v: boolean) {
    this.setFlag(F_PASSIVE, v);
  }
  get notificationsEnabled(): boolean {
    return (this.flags & F_NOTIF) !== 0;
  }
  set notificationsEnabled(v: boolean) {
    this.setFlag(F_NOTIF, v);
  }
  get eventHandlerEnabled(): boolean {
    return (this.flags & F_EVENTHANDLER) !== 0;
  }
  set eventHandlerEnabled(v: boolean) {
    this.setFlag(F_EVENTHANDLER, v);
  }
  get flapDetectionEnabled(): boolean {
    return (this.flags & F_FLAPDETECT) !== 0;
  }
  set flapDetectionEnabled(v: boolean) {
    this.setFlag(F_FLAPDETECT, v);
  }
  get obsess(): boolean {
    return (this.flags & F_OBSESS) !== 0;
  }
  set obsess(v: boolean) {
    this.setFlag(F_OBSESS, v);
  }
  get isFlapping(): boolean {
    return (this.flags & F_FLAPPING) !== 0;
  }
  get firstState(): boolean {
    return (this.flags & F_FIRSTSTATE) !== 0;
  }
  set firstState(v: boolean) {
    this.setFlag(F_FIRSTSTATE, v);
  }
  set isFlapping(v: boolean) {
    this.setFlag(F_FLAPPING, v);
  }

  setFlag(bit: number, on: boolean): void {
    this.flags = on ? this.flags | bit : this.flags & ~bit;
  }
}

export class HostRecord extends Checkable {
  parents: HostRecord[] = [];
  childs: HostRecord[] = [];
  services: ServiceRecord[] = [];
  lastTimeUp = 0;
  lastTimeDown = 0;
  lastTimeUnreachable = 0;

  constructor(
    readonly site: SiteState,
    readonly id: number,
    readonly name: string,
    readonly spec: HostSpec,
    readonly alias: string,
    readonly address: string,
    cfg: ObjConfig,
  ) {
    super(cfg);
  }

  get groups(): readonly string[] {
    return this.spec.groups;
  }
}

/** What all copies of one service of the estate pattern share. */
export interface ServiceTemplate {
  readonly description: string;
  readonly kind: string;
  readonly groups: readonly string[];
}

export class ServiceRecord extends Checkable {
  /** last_time_ok/warning/critical/unknown, allocated only once a service left its initial state */
  private times: number[] | null = null;

  constructor(
    readonly id: number,
    readonly host: HostRecord,
    readonly tpl: ServiceTemplate,
    cfg: ObjConfig,
  ) {
    super(cfg);
  }

  get description(): string {
    return this.tpl.description;
  }
  get kind(): string {
    return this.tpl.kind;
  }
  get groups(): readonly string[] {
    return this.tpl.groups;
  }
  get hostName(): string {
    return this.host.name;
  }
  get site(): SiteState {
    return this.host.site;
  }

  lastTime(state: number): number {
    return this.times?.[state] ?? 0;
  }
  setLastTime(state: number, t: number): void {
    if (t === 0 && !this.times) return;
    (this.times ??= [0, 0, 0, 0])[Math.min(3, Math.max(0, state))] = t;
  }

  get lastTimeOk(): number {
    return this.lastTime(0);
  }
  get lastTimeWarning(): number {
    return this.lastTime(1);
  }
  get lastTimeCritical(): number {
    return this.lastTime(2);
  }
  get lastTimeUnknown(): number {
    return this.lastTime(3);
  }
}

export interface Downtime {
  id: number;
  host: HostRecord;
  service: ServiceRecord | null;
  hostName: string;
  serviceDescription: string | null;
  author: string;
  comment: string;
  entryTime: number;
  startTime: number;
  endTime: number;
  fixed: boolean;
  duration: number;
  triggeredBy: number;
  /** true while the downtime raises scheduled_downtime_depth */
  active: boolean;
  /** when a flexible (or triggered) downtime actually started; 0 = not yet */
  triggerTime: number;
  commentId: number;
}

export interface Comment {
  id: number;
  host: HostRecord;
  service: ServiceRecord | null;
  hostName: string;
  serviceDescription: string | null;
  author: string;
  comment: string;
  entryTime: number;
  /** 1 user, 2 downtime, 3 flapping, 4 acknowledgement */
  entryType: number;
  persistent: number;
  source: number;
  expires: boolean;
  expireTime: number;
}

export interface LogEntry {
  time: number;
  class: number;
  type: string;
  options: string;
  hostName: string | null;
  serviceDescription: string | null;
  contactName: string | null;
  commandName: string | null;
  state: number;
  stateType: string | null;
  pluginOutput: string;
}

export interface ContactRecord {
  readonly name: string;
  readonly alias: string;
  readonly email: string;
  readonly pager: string;
  /** contact groups (listed by Naemon's contacts table) */
  readonly groups?: readonly string[];
  hostNotificationsEnabled: boolean;
  serviceNotificationsEnabled: boolean;
  vars: Record<string, string>;
}

export interface GroupDef {
  readonly name: string;
  readonly alias: string;
}

export interface ProgramStatus {
  programStart: number;
  pid: number;
  enableNotifications: boolean;
  executeHostChecks: boolean;
  executeServiceChecks: boolean;
  acceptPassiveHostChecks: boolean;
  acceptPassiveServiceChecks: boolean;
  enableEventHandlers: boolean;
  enableFlapDetection: boolean;
  processPerformanceData: boolean;
  obsessOverHosts: boolean;
  obsessOverServices: boolean;
  checkHostFreshness: boolean;
  checkServiceFreshness: boolean;
  lastCommandCheck: number;
}

/** 'icinga2': host_name null on host-level log rows, notification rows mis-parsed (Thruk 3.20.2 / Icinga 2.13). */
export type LogQuirks = 'naemon' | 'icinga2';

/**
 * The monitoring core behind one Livestatus peer (see the reference's "two cores" section).
 * A site built without one (`core: null`) keeps the simulator's historic behaviour: Icinga 2
 * shaped columns without the core-specific semantics, so estates the tests rely on stay stable.
 */
export type CoreFlavour = 'icinga2' | 'naemon' | 'nagios4';

export class SiteState {
  readonly hosts: HostRecord[] = [];
  readonly services: ServiceRecord[] = [];
  readonly hostByName = new Map<string, HostRecord>();
  readonly hostgroups: GroupDef[] = [];
  readonly servicegroups: GroupDef[] = [];
  readonly downtimes: Downtime[] = [];
  readonly comments: Comment[] = [];
  readonly commentIndex = new Map<number, Comment>();
  readonly downtimeIndex = new Map<number, Downtime>();
  readonly logs: LogEntry[] = [];
  /** How the core's Livestatus parses log lines (see SimulatorOptions.logQuirks). */
  logQuirks: LogQuirks = 'naemon';
  /** The core flavour; null = historic behaviour (see CoreFlavour). */
  core: CoreFlavour | null = null;
  /** Icinga 2's compat log rotation (seconds): its Livestatus skips the file that began before a window. */
  logRotation = 3600;
  /**
   * Set: the core's log table fails every query with this Livestatus error (as Icinga 2 does while
   * its compat log `archives/` directory is missing). See handlers.ts logSites for what Thruk answers.
   */
  logError: string | undefined = undefined;
  readonly contacts: ContactRecord[] = [];
  /** how many downtimes wait for a trigger downtime (avoids scanning when there are none) */
  triggeredDowntimes = 0;
  nextDowntimeId = 1;
  nextCommentId = 1;
  /** earliest time at which a downtime or acknowledgement changes state by itself */
  nextEvent = Infinity;
  readonly program: ProgramStatus;

  constructor(
    readonly index: number,
    readonly key: string,
    readonly name: string,
    readonly section: string,
    programStart: number,
    pid: number,
  ) {
    this.program = {
      programStart,
      pid,
      enableNotifications: true,
      executeHostChecks: true,
      executeServiceChecks: true,
      acceptPassiveHostChecks: true,
      acceptPassiveServiceChecks: true,
      enableEventHandlers: true,
      enableFlapDetection: true,
      processPerformanceData: true,
      obsessOverHosts: false,
      obsessOverServices: false,
      checkHostFreshness: true,
      checkServiceFreshness: true,
      lastCommandCheck: 0,
    };
  }

  findService(hostName: string, description: string): ServiceRecord | undefined {
    const host = this.hostByName.get(hostName);
    return host?.services.find((s) => s.description === description);
  }
}
