import { nagiosLike } from './flavour.js';
import { createHash } from 'node:crypto';
import { allCommands } from './catalog.js';
import { ThrukError } from './errors.js';
import type { Params } from './params.js';
import type { ApiKeyRecord, JobRecord, SimState } from './state.js';
import type { JsonObject, JsonValue, SiteState } from './types.js';
import { createRng } from './util.js';

export const THRUK_VERSION = '3.20.2';
const RELEASE_DATE = 'December 18, 2024';

export const ADMIN_ROLES = [
  'authorized_for_admin',
  'authorized_for_all_host_commands',
  'authorized_for_all_hosts',
  'authorized_for_all_service_commands',
  'authorized_for_all_services',
  'authorized_for_broadcasts',
  'authorized_for_business_processes',
  'authorized_for_configuration_information',
  'authorized_for_panorama_view_media_manager',
  'authorized_for_public_bookmarks',
  'authorized_for_reports',
  'authorized_for_system_commands',
  'authorized_for_system_information',
];

export const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

export function thrukInfo(nowMs: number): JsonObject {
  return {
    etc_path: '/usr/share/thruk',
    extra_link: '',
    extra_version: '',
    localtime: nowMs / 1000,
    project_root: '/usr/share/thruk',
    rest_version: 1,
    thruk_release_date: RELEASE_DATE,
    thruk_version: THRUK_VERSION,
    var_path: '/var/lib/thruk',
  };
}

export function whoami(user: string, admin = true, canSubmitCommands = true): JsonObject {
  return {
    alias: null,
    auth_src: 'api_key',
    can_submit_commands: canSubmitCommands ? 1 : 0,
    email: null,
    groups: [],
    has_thruk_profile: false,
    id: user,
    locked: false,
    original_username: user,
    roles: admin ? [...ADMIN_ROLES] : [],
    tz: null,
  };
}

export function thrukStats(state: SimState): JsonObject {
  const users = new Set(state.apiKeys.map((k) => k.user ?? '(api)'));
  return {
    sessions_active_5min_total: 1,
    sessions_total: 1,
    sessions_uniq_user_5min_total: 1,
    sessions_uniq_user_total: 1,
    users_locked_total: 0,
    users_total: users.size + 1,
  };
}

function keyFile(hash: string): string {
  return `/var/lib/thruk/api_keys/${hash}.SHA-256`;
}

export function apiKeyRow(k: ApiKeyRecord): JsonObject {
  const out: JsonObject = {
    comment: k.comment,
    created: k.created,
    digest: 'SHA-256',
    file: keyFile(k.hashedKey),
    hashed_key: k.hashedKey,
  };
  if (k.lastUsed > 0) {
    out['last_from'] = k.lastFrom;
    out['last_used'] = k.lastUsed;
  }
  if (k.superuser) out['superuser'] = 1;
  if (k.user !== null) out['user'] = k.user;
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : 1)));
}

export function listApiKeys(state: SimState, user: string, superuser: boolean): JsonObject[] {
  return state.apiKeys
    .filter((k) => superuser || k.user === user)
    .sort((a, b) => (a.hashedKey < b.hashedKey ? -1 : 1))
    .map(apiKeyRow);
}

export function createApiKey(state: SimState, params: Params, user: string, superuser: boolean, now: number, seed: number): JsonObject {
  const rng = createRng(seed * 31 + state.apiKeys.length);
  const raw = Array.from({ length: 64 }, () => Math.floor(rng() * 16).toString(16)).join('');
  const privateKey = `${raw}_1`;
  const hashedKey = sha256(privateKey);
  const owner = superuser && params.get('username') ? (params.get('username') ?? user) : user;
  state.apiKeys.push({
    hashedKey,
    privateKey,
    user: owner,
    comment: params.get('comment') ?? '',
    created: now,
    superuser: superuser && ['1', 'true'].includes(params.get('superuser') ?? ''),
    lastUsed: 0,
    lastFrom: '',
  });
  return { file: keyFile(hashedKey), hashed_key: hashedKey, message: 'successfully created api key', private_key: privateKey };
}

export function deleteApiKey(state: SimState, id: string): JsonObject {
  const idx = state.apiKeys.findIndex((k) => k.hashedKey === id && !k.superuser);
  if (idx < 0) throw new ThrukError(404, 'no such key', { description: `no api key found for ${id}` });
  state.apiKeys.splice(idx, 1);
  return { message: 'successfully removed api key' };
}

export function seedJob(state: SimState, now: number): void {
  const start = now - 34;
  state.jobs.push({
    id: '03777',
    user: '(api)',
    start,
    end: start,
    time: 0.003021240234375,
    cmd: `${start}.58761\n{\n          'clean' => 1,\n          'expr' => 'Thruk::Controller::showlog::index($c)',\n          'message' => 'please stand by while page is being rendered...',\n          'render' => 1\n        };`,
    message: 'please stand by while page is being rendered...',
  });
}

export function jobRow(j: JobRecord): JsonObject {
  return {
    cmd: j.cmd,
    end: j.end,
    forward: '',
    host_id: sha256('thruk-sim'),
    host_name: 'sim',
    id: j.id,
    is_running: 0,
    message: j.message,
    percent: 100,
    perl_res: '1',
    pid: '',
    rc: '0',
    remaining: -1,
    show_output: 0,
    start: j.start,
    stderr: '',
    stdout: '',
    time: j.time,
    user: j.user,
  };
}

export function siteRows(sites: readonly SiteState[], now: number): JsonObject[] {
  return sites.map((s, i) => ({
    addr: `127.0.0.1:${6558 + i}`,
    connected: 1,
    federation_addr: [`127.0.0.1:${6558 + i}`],
    federation_key: [s.key],
    federation_name: [s.name],
    federation_type: ['livestatus'],
    federation_version: [THRUK_VERSION],
    id: s.key,
    last_error: '',
    localtime: now,
    name: s.name,
    section: s.section,
    status: 0,
    type: 'livestatus',
  }));
}

export function processInfoRow(s: SiteState, index: number): JsonObject {
  const p = s.program;
  const b = (v: boolean): number => (v ? 1 : 0);
  return {
    accept_passive_host_checks: b(p.acceptPassiveHostChecks),
    accept_passive_service_checks: b(p.acceptPassiveServiceChecks),
    check_external_commands: 1,
    check_host_freshness: b(p.checkHostFreshness),
    check_service_freshness: b(p.checkServiceFreshness),
    data_source_version: nagiosLike(s.core) ? 'Livestatus 1.5.1.source-naemon' : 'Livestatus r2.13.6-1',
    enable_event_handlers: b(p.enableEventHandlers),
    enable_flap_detection: b(p.enableFlapDetection),
    enable_notifications: b(p.enableNotifications),
    execute_host_checks: b(p.executeHostChecks),
    execute_service_checks: b(p.executeServiceChecks),
    interval_length: 60,
    last_command_check: p.lastCommandCheck,
    last_log_rotation: 0,
    nagios_pid: p.pid,
    obsess_over_hosts: b(p.obsessOverHosts),
    obsess_over_services: b(p.obsessOverServices),
    peer_addr: `127.0.0.1:${6558 + index}`,
    peer_key: s.key,
    peer_name: s.name,
    peer_section: s.section,
    process_performance_data: b(p.processPerformanceData),
    program_start: p.programStart,
    program_version: s.core === 'nagios4' ? '4.4.14' : s.core === 'naemon' ? '1.5.2' : 'r2.13.6-1-icinga2',
  };
}

const GET_ROUTES: ReadonlyArray<readonly [string, string]> = [
  ['/', 'lists all available rest urls.'],
  ['/alerts', 'lists alerts based on logfiles.'],
  ['/checks/stats', 'lists host / service check statistics.'],
  ['/commands', 'lists livestatus commands.'],
  ['/commands/<name>', 'lists commands for given name.'],
  ['/comments', 'lists livestatus comments.'],
  ['/comments/<id>', 'lists comments for given id.'],
  ['/contactgroups', 'lists livestatus contactgroups.'],
  ['/contactgroups/<name>', 'lists contactgroups for given name.'],
  ['/contacts', 'lists livestatus contacts.'],
  ['/contacts/<name>', 'lists contacts for given name.'],
  ['/downtimes', 'lists livestatus downtimes.'],
  ['/downtimes/<id>', 'lists downtimes for given id.'],
  ['/hostgroups', 'lists livestatus hostgroups.'],
  ['/hostgroups/<name>', 'lists hostgroups for given name.'],
  ['/hostgroups/<name>/availability', 'list availability for this hostgroup.'],
  ['/hostgroups/<name>/outages', 'list of outages for this hostgroup.'],
  ['/hostgroups/<name>/stats', 'hash of livestatus hostgroup statistics.'],
  ['/hosts', 'lists livestatus hosts.'],
  ['/hosts/<name>', 'lists hosts for given name.'],
  ['/hosts/<name>/alerts', 'lists alerts for given host.'],
  ['/hosts/<name>/availability', 'list availability for this host.'],
  ['/hosts/<name>/commandline', 'displays commandline for check command of given hosts.'],
  ['/hosts/<name>/notifications', 'lists notifications for given host.'],
  ['/hosts/<name>/outages', 'list of outages for this host.'],
  ['/hosts/<name>/services', 'lists services for given host.'],
  ['/hosts/availability', 'list availability for all hosts.'],
  ['/hosts/outages', 'list of outages for all hosts.'],
  ['/hosts/stats', 'hash of livestatus host statistics.'],
  ['/hosts/totals', 'hash of livestatus host totals statistics.'],
  ['/index', 'lists all available rest urls.'],
  ['/lmd/sites', 'lists connected sites. Only available if LMD (`use_lmd`) is enabled.'],
  ['/logs', 'lists livestatus logs.'],
  ['/notifications', 'lists notifications based on logfiles.'],
  ['/processinfo', 'lists livestatus sites status.'],
  ['/processinfo/stats', 'lists livestatus sites statistics.'],
  ['/servicegroups', 'lists livestatus servicegroups.'],
  ['/servicegroups/<name>', 'lists servicegroups for given name.'],
  ['/servicegroups/<name>/availability', 'list availability for this servicegroup.'],
  ['/servicegroups/<name>/outages', 'list of outages for this servicegroup.'],
  ['/servicegroups/<name>/stats', 'hash of livestatus servicegroup statistics.'],
  ['/services', 'lists livestatus services.'],
  ['/services/<host>/<service>', 'lists services for given host and name.'],
  ['/services/<host>/<service>/availability', 'list of outages for this service.'],
  ['/services/<host>/<service>/commandline', 'displays commandline for check command of given services.'],
  ['/services/<host>/<service>/outages', 'list of outages for this service.'],
  ['/services/availability', 'list availability for all services.'],
  ['/services/outages', 'list of outages for all services.'],
  ['/services/stats', 'livestatus service statistics.'],
  ['/services/totals', 'livestatus service totals statistics.'],
  ['/sites', 'lists configured backends'],
  ['/thruk', 'hash of basic information about this thruk instance'],
  ['/thruk/api_keys', 'lists api keys'],
  ['/thruk/api_keys/<id>', 'alias for /thruk/api_keys?hashed_key=<id>'],
  ['/thruk/jobs', 'lists thruk jobs.'],
  ['/thruk/jobs/<id>', 'get thruk job status for given id.'],
  ['/thruk/metrics', 'alias for /thruk/stats'],
  ['/thruk/stats', 'lists thruk statistics.'],
  ['/thruk/whoami', 'show current profile information.'],
  ['/timeperiods', 'lists livestatus timeperiods.'],
  ['/timeperiods/<name>', 'lists timeperiods for given name.'],
];

const CMD_PREFIX: Readonly<Record<string, string>> = {
  host: '/hosts/<name>',
  service: '/services/<host>/<service>',
  hostgroup: '/hostgroups/<name>',
  servicegroup: '/servicegroups/<name>',
  contact: '/contacts/<name>',
  contactgroup: '/contactgroups/<name>',
  system: '/system',
};

export function restIndex(): JsonValue {
  const rows: JsonObject[] = GET_ROUTES.map(([url, description]) => ({ description, protocol: 'GET', url }));
  rows.push({ description: 'Sends any command.', protocol: 'POST', url: '/cmd' });
  rows.push({ description: 'create new api key.', protocol: 'POST', url: '/thruk/api_keys' });
  rows.push({ description: 'remove key for given id.', protocol: 'DELETE', url: '/thruk/api_keys/<id>' });
  for (const c of allCommands())
    rows.push({ description: c.description, protocol: 'POST', url: `${CMD_PREFIX[c.type] ?? ''}/cmd/${c.name}` });
  const url = (r: JsonObject): string => (typeof r['url'] === 'string' ? r['url'] : '');
  return rows.sort((a, b) => (url(a) < url(b) ? -1 : url(a) > url(b) ? 1 : 0));
}

export function routeHelp(path: string): string {
  for (const [url, description] of GET_ROUTES) {
    const re = new RegExp(`^${url.replace(/<[^>]+>/g, '[^/]+')}$`);
    if (re.test(path)) return description;
  }
  return '';
}
