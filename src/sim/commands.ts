import type { CmdDef } from './catalog.js';
import { commandHelp } from './catalog.js';
import { applyCommand } from './cmdexec.js';
import { ThrukError } from './errors.js';
import { appendLog, commandEntry } from './loglines.js';
import type { Params } from './params.js';
import { parseDuration, parseThrukTime } from './timeparse.js';
import type { SiteState } from './types.js';

export interface CmdTarget {
  host?: string;
  service?: string;
  group?: string;
  contact?: string;
}

const TIME_ARGS = new Set(['start_time', 'end_time', 'notification_time']);

function defaultArg(def: CmdDef, name: string, now: number, user: string): string {
  switch (name) {
    case 'comment_author':
      return user;
    case 'fixed':
      return '1';
    case 'duration':
    case 'triggered_by':
    case 'plugin_state':
    case 'options':
      return '0';
    case 'start_time':
      return def.name.startsWith('del_downtime_by_') ? '' : String(now);
    case 'end_time':
      return String(now + 7200);
    case 'sticky_ack':
    case 'send_notification':
      return '1';
    case 'persistent_comment':
      return def.name.startsWith('acknowledge_') ? '0' : '1';
    default:
      return '';
  }
}

export function resolveArgs(def: CmdDef, params: Params, now: number, user: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const arg of def.args) {
    const raw = params.get(arg.name);
    if (raw === undefined || raw === '') {
      if (arg.required) {
        throw new ThrukError(400, `missing argument: ${arg.name}`, {
          description: `${arg.name} is a required argument`,
          help: commandHelp(def),
        });
      }
      out[arg.name] = defaultArg(def, arg.name, now, user);
      continue;
    }
    if (TIME_ARGS.has(arg.name)) {
      const t = parseThrukTime(raw, now);
      if (t === undefined) {
        throw new ThrukError(400, `failed to parse time in ${arg.name}`, {
          description: `${raw} is not a valid time definition`,
          help: commandHelp(def),
        });
      }
      out[arg.name] = String(t);
    } else if (arg.name === 'duration') {
      out[arg.name] = String(parseDuration(raw) ?? raw);
    } else {
      out[arg.name] = raw;
    }
  }
  return out;
}

const esc = (s: string): string => s.replaceAll('\\', '\\\\');

function objectArgs(def: CmdDef, t: CmdTarget): string[] {
  switch (def.type) {
    case 'host':
      return [esc(t.host ?? '')];
    case 'service':
      return [esc(t.host ?? ''), esc(t.service ?? '')];
    case 'hostgroup':
    case 'servicegroup':
    case 'contactgroup':
      return [t.group ?? ''];
    case 'contact':
      return [t.contact ?? ''];
    case 'system':
      return [];
  }
}

/** Thruk's own commands expand to Naemon commands (or to nothing when the id does not belong). */
function thrukLines(def: CmdDef, t: CmdTarget, args: Record<string, string>, site: SiteState, now: number): string[] | undefined {
  const isSvc = def.type === 'service';
  const belongs = (hostName: string, svc: string | null): boolean => hostName === t.host && (isSvc ? svc === t.service : svc === null);
  switch (def.name) {
    case 'del_comment': {
      const c = site.commentIndex.get(Number(args['comment_id']));
      return c && belongs(c.hostName, c.serviceDescription) ? [`DEL_${isSvc ? 'SVC' : 'HOST'}_COMMENT;${c.id}`] : [];
    }
    case 'del_downtime': {
      const d = site.downtimeIndex.get(Number(args['downtime_id']));
      return d && belongs(d.hostName, d.serviceDescription) ? [`DEL_${isSvc ? 'SVC' : 'HOST'}_DOWNTIME;${d.id}`] : [];
    }
    case 'del_active_host_downtimes':
    case 'del_active_service_downtimes':
      return site.downtimes
        .filter((d) => belongs(d.hostName, d.serviceDescription) && d.startTime <= now)
        .map((d) => `DEL_${isSvc ? 'SVC' : 'HOST'}_DOWNTIME;${d.id}`);
    case 'note':
      return [
        isSvc
          ? `LOG;SERVICE NOTE: ${t.host ?? ''};${t.service ?? ''};${args['log'] ?? ''}`
          : `LOG;HOST NOTE: ${t.host ?? ''};${args['log'] ?? ''}`,
      ];
    case 'log':
      return [`LOG;${args['log'] ?? ''}`];
    default:
      return undefined;
  }
}

export function commandLines(def: CmdDef, t: CmdTarget, args: Record<string, string>, site: SiteState, now: number): string[] {
  const special = thrukLines(def, t, args, site, now);
  if (special) return special;
  let values = def.args.map((a) => args[a.name] ?? '');
  if (def.name.startsWith('process_')) {
    const perf = args['performance_data'] ?? '';
    values = [args['plugin_state'] ?? '0', perf ? `${args['plugin_output'] ?? ''}|${perf}` : (args['plugin_output'] ?? '')];
  }
  if (def.name.endsWith('_modattr')) values = ['0'];
  return [[def.nagios, ...objectArgs(def, t), ...values].join(';')];
}

export function targetExists(def: CmdDef, t: CmdTarget, site: SiteState): boolean {
  switch (def.type) {
    case 'host':
      return site.hostByName.has(t.host ?? '');
    case 'service':
      return site.findService(t.host ?? '', t.service ?? '') !== undefined;
    case 'hostgroup':
      return site.hostgroups.some((g) => g.name === t.group);
    case 'servicegroup':
      return site.servicegroups.some((g) => g.name === t.group);
    case 'contact':
      return site.contacts.some((c) => c.name === t.contact);
    case 'contactgroup':
      return t.group === 'admins';
    case 'system':
      return true;
  }
}

/**
 * Runs a command: like real Thruk, a command on an object that does not exist is still
 * "successfully submitted" (with one site); the core simply ignores it.
 */
export function runCommand(def: CmdDef, t: CmdTarget, params: Params, sites: readonly SiteState[], now: number, user: string): string {
  const args = resolveArgs(def, params, now, user);
  let targets = sites;
  if (sites.length > 1) {
    targets = sites.filter((s) => targetExists(def, t, s));
    if (targets.length === 0) {
      const filter =
        def.type === 'service'
          ? `host=${t.host ?? ''};service=${t.service ?? ''}`
          : def.type === 'host'
            ? `host=${t.host ?? ''}`
            : `${def.type}=${t.group ?? t.contact ?? ''}`;
      throw new ThrukError(400, 'cannot send command, affected backend list is empty. no object found by filter: ' + filter, {
        help: commandHelp(def),
      });
    }
  }
  const testOnly = ['1', 'true', 'yes'].includes((params.get('test_only') ?? '').toLowerCase());
  const all: string[] = [];
  for (const site of targets) {
    const lines = commandLines(def, t, args, site, now);
    for (const line of lines) {
      const full = `COMMAND [${now}] ${line}`;
      if (!all.includes(full)) all.push(full);
      if (testOnly) continue;
      site.program.lastCommandCheck = now;
      appendLog(site, commandEntry(now, line));
      applyCommand(site, line, user, now);
    }
  }
  return all.join('\n');
}
