import type { CmdType } from './catalog.js';
import { commandHelp, findCommand, GENERIC_HELP } from './catalog.js';
import type { CmdTarget } from './commands.js';
import { runCommand } from './commands.js';
import { ThrukError } from './errors.js';
import * as h from './handlers.js';
import type { HandlerCtx, Result } from './handlers.js';
import { checkStats, HOST_TOTALS_KEYS, processStats, SERVICE_TOTALS_KEYS } from './stats.js';
import * as t from './thruk.js';
import type { SimState } from './state.js';
import type { JsonValue, SiteState } from './types.js';

export interface RouteCtx extends HandlerCtx {
  readonly method: string;
  /** the REST path as requested (after /thruk/r), used in messages */
  readonly path: string;
  readonly segs: readonly string[];
  readonly allSites: readonly SiteState[];
  readonly state: SimState;
  readonly nowMs: number;
  readonly user: string;
  readonly superuser: boolean;
  readonly canSubmitCommands: boolean;
  readonly jsonWithWrongType: boolean;
  readonly seed: number;
}

const PLURAL: Readonly<Record<string, string>> = {
  host: 'hosts',
  service: 'services',
  hostgroup: 'hostgroups',
  servicegroup: 'servicegroups',
  contact: 'contacts',
  contactgroup: 'contactgroups',
  timeperiod: 'timeperiods',
  command: 'commands',
  downtime: 'downtimes',
  comment: 'comments',
  log: 'logs',
  alert: 'alerts',
  notification: 'notifications',
  processinfos: 'processinfo',
  check: 'checks',
  site: 'sites',
};

function methodError(c: RouteCtx, allowed: string, help?: JsonValue): ThrukError {
  return new ThrukError(400, 'bad request', {
    description: `available methods for ${c.path} are: ${allowed}`,
    ...(help !== undefined ? { help } : {}),
  });
}

function get(c: RouteCtx, fn: () => Result): Result {
  // A POST to a GET-only path is executed as a GET (handy for long log queries).
  if (c.method !== 'GET' && c.method !== 'POST') throw methodError(c, 'GET');
  if (c.jsonWithWrongType)
    throw new ThrukError(400, 'got json request data but content type is not application/json', { help: t.routeHelp(c.path) });
  return fn();
}

/** A user without can_submit_commands is refused before anything runs (not recorded; message as for role checks). */
function refuseCommands(c: RouteCtx): void {
  if (!c.canSubmitCommands) throw new ThrukError(403, 'not authorized', { description: 'you are not allowed to submit commands' });
}

function cmd(c: RouteCtx, type: CmdType, name: string, target: CmdTarget): Result {
  const def = findCommand(type, name);
  if (c.method !== 'POST') {
    const help = def ? { POST: commandHelp(def).split('\n') } : undefined;
    throw methodError(c, 'POST', help);
  }
  if (!def) throw new ThrukError(404, 'no such command', { description: `there is no command ${name} for type ${type}` });
  refuseCommands(c);
  if (c.jsonWithWrongType)
    throw new ThrukError(400, 'got json request data but content type is not application/json', { help: commandHelp(def) });
  const commands = runCommand(def, target, c.params, c.sites, c.now, c.user);
  return { data: { commands, message: 'Command successfully submitted' } };
}

function genericCmd(c: RouteCtx): Result {
  if (c.method !== 'POST') throw methodError(c, 'POST', { POST: GENERIC_HELP.split('\n') });
  refuseCommands(c);
  const name = c.params.get('cmd');
  if (!name) throw new ThrukError(400, 'missing argument: cmd', { description: 'cmd is a required argument', help: GENERIC_HELP });
  const p = (k: string): string | undefined => c.params.get(k);
  let type: CmdType = 'system';
  const target: CmdTarget = {};
  if (p('service') !== undefined) {
    type = 'service';
    target.host = p('host') ?? '';
    target.service = p('service') ?? '';
  } else if (p('host') !== undefined) {
    type = 'host';
    target.host = p('host') ?? '';
  } else if (p('hostgroup') !== undefined) {
    type = 'hostgroup';
    target.group = p('hostgroup') ?? '';
  } else if (p('servicegroup') !== undefined) {
    type = 'servicegroup';
    target.group = p('servicegroup') ?? '';
  } else if (p('contact') !== undefined) {
    type = 'contact';
    target.contact = p('contact') ?? '';
  } else if (p('contactgroup') !== undefined) {
    type = 'contactgroup';
    target.group = p('contactgroup') ?? '';
  }
  if (!findCommand(type, name)) {
    // Thruk looks the name up for the object type derived from the parameters; a raw command line ends up here.
    throw new ThrukError(400, `missing argument: ${type}`, { description: `${type} is a required argument`, help: GENERIC_HELP });
  }
  return cmd(c, type, name, target);
}

function unknown(c: RouteCtx): never {
  throw new ThrukError(404, `unknown rest path: ${c.path}`);
}

function statusRoutes(c: RouteCtx, res: string, rest: readonly string[]): Result {
  const [a, b, d, e] = rest;
  if (res === 'hosts') {
    if (a === undefined) return get(c, () => h.hosts(c));
    if (rest.length === 1) {
      if (a === 'stats') return get(c, () => h.hostStatsResult(c, undefined));
      if (a === 'totals') return get(c, () => h.hostStatsResult(c, HOST_TOTALS_KEYS));
      if (a === 'outages') return get(c, () => h.outagesResult(c, 'hosts'));
      if (a === 'availability') return get(c, () => h.availabilityResult(c, c.path, 'hosts', false));
      return get(c, () => h.hosts(c, a));
    }
    if (rest.length === 2) {
      if (b === 'services') return get(c, () => h.services(c, a));
      if (b === 'commandline') return get(c, () => h.commandline(c, a));
      if (b === 'alerts') return get(c, () => h.logs(c, 'alerts', a));
      if (b === 'notifications') return get(c, () => h.logs(c, 'notifications', a));
      if (b === 'outages') return get(c, () => h.outagesResult(c, 'hosts', a));
      if (b === 'availability') return get(c, () => h.availabilityResult(c, c.path, 'hosts', true, a));
    }
    if (rest.length === 3 && b === 'cmd' && d !== undefined) return cmd(c, 'host', d, { host: a });
    return unknown(c);
  }
  if (a === undefined) return get(c, () => h.services(c));
  if (rest.length === 1) {
    if (a === 'stats') return get(c, () => h.serviceStatsResult(c, undefined));
    if (a === 'totals') return get(c, () => h.serviceStatsResult(c, SERVICE_TOTALS_KEYS));
    if (a === 'outages') return get(c, () => h.outagesResult(c, 'services'));
    if (a === 'availability') return get(c, () => h.availabilityResult(c, c.path, 'services', false));
    return unknown(c);
  }
  if (b === undefined) return unknown(c);
  if (rest.length === 2) return get(c, () => h.services(c, a, b));
  if (rest.length === 3 && d === 'commandline') return get(c, () => h.commandline(c, a, b));
  if (rest.length === 3 && d === 'outages') return get(c, () => h.outagesResult(c, 'services', a, b));
  if (rest.length === 3 && d === 'availability') return get(c, () => h.availabilityResult(c, c.path, 'services', true, a, b));
  if (rest.length === 4 && d === 'cmd' && e !== undefined) return cmd(c, 'service', e, { host: a, service: b });
  return unknown(c);
}

function groupRoutes(c: RouteCtx, res: 'hostgroups' | 'servicegroups', rest: readonly string[]): Result {
  const [a, b, d] = rest;
  const what = res === 'hostgroups' ? 'hostgroup' : 'servicegroup';
  if (a === undefined) return get(c, () => h.groups(c, res));
  if (rest.length === 1) return get(c, () => h.groups(c, res, a));
  if (rest.length === 2 && b === 'stats')
    return get(c, () => (res === 'hostgroups' ? h.hostStatsResult(c, undefined, a) : h.serviceStatsResult(c, undefined, a)));
  if (rest.length === 2 && b === 'outages') return get(c, () => h.outagesResult(c, what, a));
  if (rest.length === 2 && b === 'availability') return get(c, () => h.availabilityResult(c, c.path, what, false, a));
  if (rest.length === 3 && b === 'cmd' && d !== undefined) return cmd(c, what, d, { group: a });
  return unknown(c);
}

function thrukRoutes(c: RouteCtx, rest: readonly string[]): Result {
  const [a, b] = rest;
  if (a === undefined) return get(c, () => ({ data: t.thrukInfo(c.nowMs) }));
  if (a === 'whoami' && !b) return get(c, () => ({ data: t.whoami(c.user, c.superuser || c.canSee === undefined, c.canSubmitCommands) }));
  if ((a === 'stats' || a === 'metrics') && !b) return get(c, () => ({ data: t.thrukStats(c.state) }));
  if (a === 'api_keys' && b === undefined) {
    if (c.method === 'POST') return { data: t.createApiKey(c.state, c.params, c.user, c.superuser, c.now, c.seed) };
    return get(c, () => ({ data: t.listApiKeys(c.state, c.user, c.superuser) }));
  }
  if (a === 'api_keys' && b !== undefined && rest.length === 2) {
    if (c.method === 'DELETE') return { data: t.deleteApiKey(c.state, b) };
    return get(c, () => {
      const row = t.listApiKeys(c.state, c.user, c.superuser).find((k) => k['hashed_key'] === b);
      if (!row) throw new ThrukError(404, 'no such key', { description: `no api key found for ${b}` });
      return { data: row };
    });
  }
  if (a === 'jobs' && b === undefined) return get(c, () => ({ data: c.state.jobs.map(t.jobRow) }));
  if (a === 'jobs' && b !== undefined && rest.length === 2) {
    return get(c, () => {
      const job = c.state.jobs.find((j) => j.id === b);
      if (!job) throw new ThrukError(404, 'no such job', { description: `no job found for id ${b}` });
      return { data: t.jobRow(job) };
    });
  }
  return unknown(c);
}

export function dispatch(c: RouteCtx): Result {
  const [first, ...rest] = c.segs;
  if (first === undefined || first === 'index') return get(c, () => ({ data: t.restIndex() }));
  const res = PLURAL[first] ?? first;
  const [a, b] = rest;
  switch (res) {
    case 'thruk':
      return thrukRoutes(c, rest);
    case 'sites':
      return rest.length === 0 ? get(c, () => ({ data: t.siteRows(c.sites, c.now) })) : unknown(c);
    case 'processinfo':
      if (rest.length === 0) return get(c, () => ({ data: c.sites.map((s) => t.processInfoRow(s, c.allSites.indexOf(s))) }));
      return a === 'stats' && rest.length === 1 ? get(c, () => ({ data: processStats(c.sites, c.now) })) : unknown(c);
    case 'checks':
      return a === 'stats' && rest.length === 1 ? get(c, () => ({ data: checkStats(c.sites, c.now) })) : unknown(c);
    case 'lmd':
      return a === 'sites' && rest.length === 1 ? get(c, () => ({ data: [] })) : unknown(c);
    case 'hosts':
    case 'services':
      return statusRoutes(c, res, rest);
    case 'hostgroups':
    case 'servicegroups':
      return groupRoutes(c, res, rest);
    case 'contacts':
      if (rest.length <= 1) return get(c, () => h.contacts(c, a));
      return rest.length === 3 && b === 'cmd' ? cmd(c, 'contact', rest[2] ?? '', { contact: a ?? '' }) : unknown(c);
    case 'contactgroups':
      if (rest.length <= 1) return get(c, () => h.simple(c, 'contactgroups', a));
      return rest.length === 3 && b === 'cmd' ? cmd(c, 'contactgroup', rest[2] ?? '', { group: a ?? '' }) : unknown(c);
    case 'timeperiods':
    case 'commands':
      return rest.length <= 1 ? get(c, () => h.simple(c, res, a)) : unknown(c);
    case 'downtimes':
      return rest.length <= 1 ? get(c, () => h.downtimes(c, a)) : unknown(c);
    case 'comments':
      return rest.length <= 1 ? get(c, () => h.comments(c, a)) : unknown(c);
    case 'logs':
    case 'alerts':
    case 'notifications':
      return rest.length === 0 ? get(c, () => h.logs(c, res)) : unknown(c);
    case 'system':
    case 'core':
      return a === 'cmd' && b !== undefined && rest.length === 2 ? cmd(c, 'system', b, {}) : unknown(c);
    case 'cmd':
      if (rest.length === 0) return genericCmd(c);
      return a !== undefined && rest.length === 1 ? cmd(c, 'system', a, {}) : unknown(c);
    default:
      return unknown(c);
  }
}
