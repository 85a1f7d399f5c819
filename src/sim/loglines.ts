import type { Checkable, LogEntry, SiteState } from './types.js';
import { HostRecord, ServiceRecord } from './types.js';
import { hostStateName, serviceStateName } from './util.js';

export const LOG_INFO = 0;
export const LOG_ALERT = 1;
export const LOG_PROGRAM = 2;
export const LOG_NOTIFICATION = 3;
export const LOG_PASSIVE = 4;
export const LOG_COMMAND = 5;
export const LOG_STATE = 6;

export function logMessage(e: LogEntry): string {
  return e.type === '' ? `[${e.time}] ${e.options}` : `[${e.time}] ${e.type}: ${e.options}`;
}

/** Appends keeping the log chronological (the core order of the log table). */
export function appendLog(site: SiteState, entry: LogEntry): void {
  const logs = site.logs;
  let i = logs.length;
  while (i > 0 && (logs[i - 1]?.time ?? 0) > entry.time) i--;
  if (i === logs.length) logs.push(entry);
  else logs.splice(i, 0, entry);
}

function entry(time: number, cls: number, type: string, options: string, extra: Partial<LogEntry> = {}): LogEntry {
  return {
    time,
    class: cls,
    type,
    options,
    hostName: null,
    serviceDescription: null,
    contactName: null,
    commandName: null,
    state: 0,
    stateType: null,
    pluginOutput: '',
    ...extra,
  };
}

function stateName(obj: Checkable, state: number): string {
  return obj instanceof ServiceRecord ? serviceStateName(state) : hostStateName(state);
}

function names(obj: Checkable): { host: string; service: string | null; prefix: string } {
  if (obj instanceof ServiceRecord) return { host: obj.host.name, service: obj.description, prefix: `${obj.host.name};${obj.description}` };
  if (obj instanceof HostRecord) return { host: obj.name, service: null, prefix: obj.name };
  throw new Error('unknown object');
}

function kindWord(obj: Checkable): string {
  return obj instanceof ServiceRecord ? 'SERVICE' : 'HOST';
}

export function alertEntry(time: number, obj: Checkable, state: number, hard: boolean, attempt: number, output: string): LogEntry {
  const n = names(obj);
  const st = hard ? 'HARD' : 'SOFT';
  return entry(time, LOG_ALERT, `${kindWord(obj)} ALERT`, `${n.prefix};${stateName(obj, state)};${st};${attempt};${output}`, {
    hostName: n.host,
    serviceDescription: n.service,
    state,
    stateType: st,
    pluginOutput: output,
  });
}

export function stateEntry(
  time: number,
  obj: Checkable,
  initial: boolean,
  state = obj.state,
  output = obj.pluginOutput,
  hard = obj.stateType === 1,
  attempt = obj.currentAttempt,
): LogEntry {
  const n = names(obj);
  const st = hard ? 'HARD' : 'SOFT';
  const type = `${initial ? 'INITIAL' : 'CURRENT'} ${kindWord(obj)} STATE`;
  return entry(time, LOG_STATE, type, `${n.prefix};${stateName(obj, state)};${st};${attempt};${output}`, {
    hostName: n.host,
    serviceDescription: n.service,
    state,
    stateType: st,
    pluginOutput: output,
  });
}

/** Naemon style: `SERVICE NOTIFICATION: contact;host;svc;TYPE;command;output` (Icinga 2 mis-parses these; we do not). */
export function notificationEntries(
  time: number,
  obj: Checkable,
  contacts: readonly string[],
  type: string,
  state: number,
  output: string,
  tail = '',
): LogEntry[] {
  const n = names(obj);
  return contacts.map((contact) =>
    entry(time, LOG_NOTIFICATION, `${kindWord(obj)} NOTIFICATION`, `${contact};${n.prefix};${type};notify-by-email;${output}${tail}`, {
      hostName: n.host,
      serviceDescription: n.service,
      contactName: contact,
      commandName: 'notify-by-email',
      state,
      stateType: type,
      pluginOutput: output,
    }),
  );
}

export function downtimeEntry(time: number, obj: Checkable, what: 'STARTED' | 'STOPPED' | 'CANCELLED'): LogEntry {
  const n = names(obj);
  const noun = obj instanceof ServiceRecord ? 'Service' : 'Host';
  const text =
    what === 'STARTED'
      ? `${noun} has entered a period of scheduled downtime`
      : what === 'STOPPED'
        ? `${noun} has exited from a period of scheduled downtime`
        : `Scheduled downtime for ${noun.toLowerCase()} has been cancelled.`;
  return entry(time, LOG_ALERT, `${kindWord(obj)} DOWNTIME ALERT`, `${n.prefix};${what}; ${text}`, {
    hostName: n.host,
    serviceDescription: n.service,
    stateType: what,
    pluginOutput: text,
  });
}

export function flappingEntry(time: number, obj: Checkable, started: boolean, pct: number): LogEntry {
  const n = names(obj);
  const noun = obj instanceof ServiceRecord ? 'Service' : 'Host';
  const text = started
    ? `${noun} appears to have started flapping (${pct.toFixed(1)}% change >= 20.0% threshold)`
    : `${noun} appears to have stopped flapping (${pct.toFixed(1)}% change < 5.0% threshold)`;
  const what = started ? 'STARTED' : 'STOPPED';
  return entry(time, LOG_ALERT, `${kindWord(obj)} FLAPPING ALERT`, `${n.prefix};${what}; ${text}`, {
    hostName: n.host,
    serviceDescription: n.service,
    stateType: what,
    pluginOutput: text,
  });
}

export function passiveEntry(time: number, obj: Checkable, state: number, output: string): LogEntry {
  const n = names(obj);
  return entry(time, LOG_PASSIVE, `PASSIVE ${kindWord(obj)} CHECK`, `${n.prefix};${state};${output}`, {
    hostName: n.host,
    serviceDescription: n.service,
    state,
    pluginOutput: output,
  });
}

export function commandEntry(time: number, line: string): LogEntry {
  return entry(time, LOG_COMMAND, 'EXTERNAL COMMAND', line);
}

export function programEntry(time: number, cls: number, type: string, options: string): LogEntry {
  return entry(time, cls, type, options);
}
