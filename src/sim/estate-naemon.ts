/**
 * The Naemon estate of the recorded two-core Thruk (test/fixtures/thruk/two-cores): nine hosts,
 * 22 services, two host groups, a sticky acknowledged DOWN host, an UNREACHABLE child, a sticky
 * acknowledged CRITICAL disk, a WARNING load, an UNKNOWN http in a fixed downtime and a host
 * `web-01` that the Icinga 2 estate has too. Naemon sets last_state_change on every object at its
 * first check after the core started.
 */
import { buildHistory } from './history.js';
import { kindOutput } from './estate-kind.js';
import type { HostSpec } from './estate-data.js';
import { addComment, addDowntime, setAck } from './mutate.js';
import { LOG_INFO, programEntry } from './loglines.js';
import { HostRecord, ServiceRecord, SiteState } from './types.js';
import type { CoreFlavour, LogEntry, ObjConfig, ServiceTemplate } from './types.js';
import { createRng } from './util.js';

interface NaeHost {
  name: string;
  alias: string;
  address: string;
  groups: string[];
  parents: string[];
  state: number;
  services: Array<[string, number]>;
}

const NAE_HOSTS: readonly NaeHost[] = [
  {
    name: 'nae-web-01',
    alias: 'Naemon web 1',
    address: '10.20.0.11',
    groups: ['nae-web'],
    parents: ['nae-core-sw'],
    state: 0,
    services: [
      ['disk /', 0],
      ['http', 0],
      ['load', 0],
      ['ping', 0],
    ],
  },
  {
    name: 'nae-web-02',
    alias: 'Naemon web 2',
    address: '10.20.0.12',
    groups: ['nae-web'],
    parents: ['nae-core-sw'],
    state: 0,
    services: [
      ['disk /', 0],
      ['http', 0],
      ['load', 1],
      ['ping', 0],
    ],
  },
  {
    name: 'nae-db-01',
    alias: 'Naemon database',
    address: '10.20.0.21',
    groups: ['nae-db'],
    parents: ['nae-core-sw'],
    state: 0,
    services: [
      ['disk /', 2],
      ['load', 0],
      ['ping', 0],
    ],
  },
  { name: 'nae-core-sw', alias: 'Naemon core switch', address: '10.20.0.1', groups: [], parents: [], state: 0, services: [['ping', 0]] },
  {
    name: 'nae-edge-01',
    alias: 'Naemon edge router',
    address: '10.20.9.1',
    groups: [],
    parents: ['nae-core-sw'],
    state: 1,
    services: [['ping', 0]],
  },
  {
    name: 'nae-ap-01',
    alias: 'Naemon access point',
    address: '10.20.9.20',
    groups: [],
    parents: ['nae-edge-01'],
    state: 2,
    services: [['ping', 0]],
  },
  {
    name: 'nae-app-01',
    alias: 'Naemon app server',
    address: '10.20.0.31',
    groups: [],
    parents: ['nae-core-sw'],
    state: 0,
    services: [
      ['disk /', 0],
      ['http', 3],
      ['load', 0],
      ['ping', 0],
    ],
  },
  {
    name: 'nae-lb-01',
    alias: 'Naemon load balancer',
    address: '10.20.0.40',
    groups: [],
    parents: ['nae-core-sw'],
    state: 0,
    services: [
      ['disk /', 0],
      ['load', 0],
      ['ping', 0],
    ],
  },
  { name: 'web-01', alias: 'web-01 on Naemon', address: '10.20.0.50', groups: [], parents: [], state: 0, services: [['ping', 0]] },
];

const COMMAND: Readonly<Record<string, string>> = { 'disk /': 'check_disk', http: 'check_http', load: 'check_load', ping: 'check_ping' };
const CONTACTS = ['naemonadmin', 'oncall'] as const;

function config(checkCommand: string): ObjConfig {
  // Naemon's sample objects check every minute with one attempt; periods are set ('24x7').
  return {
    checkCommand,
    checkInterval: 1,
    retryInterval: 1,
    maxCheckAttempts: 1,
    notificationInterval: 0,
    checkPeriod: '24x7',
    notificationPeriod: '24x7',
    contacts: CONTACTS,
    notes: '',
    notesUrl: '',
    actionUrl: '',
    vars: {},
  };
}

export interface NaemonEstateOptions {
  seed: number;
  nowSec: number;
  core?: CoreFlavour;
}

export function buildNaemonSite(index: number, key: string, opts: NaemonEstateOptions): SiteState {
  const rng = createRng(opts.seed * 6007 + index * 7349 + 3);
  const now = opts.nowSec;
  const programStart = now - 3 * 3600 - Math.floor(rng() * 1800);
  const site = new SiteState(index, key, key, 'Default', programStart, 10000 + Math.floor(rng() * 50000));
  site.core = opts.core ?? 'naemon';
  site.logQuirks = 'naemon';
  site.hostgroups.push({ name: 'nae-web', alias: 'Naemon web servers' }, { name: 'nae-db', alias: 'Naemon database servers' });
  site.contacts.push(
    {
      name: 'naemonadmin',
      alias: 'Naemon Administrator',
      email: 'naemonadmin@localhost',
      pager: '',
      groups: ['nae-admins'],
      hostNotificationsEnabled: true,
      serviceNotificationsEnabled: true,
      vars: {},
    },
    {
      name: 'oncall',
      alias: 'On call',
      email: 'oncall@localhost',
      pager: '',
      groups: ['nae-admins'],
      hostNotificationsEnabled: true,
      serviceNotificationsEnabled: true,
      vars: {},
    },
  );
  const templates = new Map<string, ServiceTemplate>();
  for (const h of NAE_HOSTS) {
    const spec: HostSpec = {
      name: h.name,
      alias: h.alias,
      address: h.address,
      groups: h.groups,
      parents: h.parents,
      os: 'linux',
      state: h.state,
    };
    const host = new HostRecord(site, site.hosts.length, h.name, spec, h.alias, h.address, config('check-host-alive'));
    const [out, perf] = kindOutput('host-ping', h.state, now);
    host.state = h.state;
    host.pluginOutput = out;
    host.perfData = perf;
    const first = programStart + 10 + Math.floor(rng() * 60);
    host.lastCheck = now - Math.floor(rng() * 60);
    // Naemon sets last_state_change at the first check, and last_time_up too even for a host never UP.
    host.lastStateChange = first;
    host.lastHardStateChange = first;
    host.lastTimeUp = h.state === 0 ? host.lastCheck : first;
    if (h.state === 1) host.lastTimeDown = host.lastCheck;
    if (h.state === 2) host.lastTimeUnreachable = host.lastCheck;
    if (h.state !== 0) {
      host.currentNotificationNumber = 1;
      host.lastNotification = first;
    }
    site.hosts.push(host);
    site.hostByName.set(h.name, host);
    for (const [description, state] of h.services) {
      const kind = description === 'disk /' ? 'disk' : description;
      const tpl = templates.get(description) ?? { description, kind, groups: [] };
      templates.set(description, tpl);
      const svc = new ServiceRecord(site.services.length, host, tpl, config(COMMAND[description] ?? 'check_dummy'));
      const [o, p, long] = kindOutput(kind, state, now);
      svc.state = state;
      svc.pluginOutput = o;
      svc.perfData = p;
      svc.longPluginOutput = long;
      svc.lastCheck = now - Math.floor(rng() * 60);
      svc.lastStateChange = programStart + 10 + Math.floor(rng() * 60);
      svc.lastHardStateChange = svc.lastStateChange;
      svc.setLastTime(0, state === 0 ? 0 : svc.lastStateChange);
      if (state !== 0) {
        svc.currentNotificationNumber = 1;
        svc.lastNotification = svc.lastStateChange;
      }
      host.services.push(svc);
      site.services.push(svc);
    }
  }
  for (const host of site.hosts) {
    for (const p of host.spec.parents) {
      const parent = site.hostByName.get(p);
      if (parent) {
        host.parents.push(parent);
        parent.childs.push(host);
      }
    }
  }
  seed(site, now);
  buildHistory(site, now, rng);
  suppressedRows(site, now);
  return site;
}

/**
 * Naemon's sample configuration logs a NOTIFICATION SUPPRESSED row on every check of a handled
 * problem (enable_notification_suppression_reason_logging): such rows crowd its log.
 */
function suppressedRows(site: SiteState, now: number): void {
  const rows: LogEntry[] = [];
  for (const o of [...site.hosts, ...site.services]) {
    const why = o.acknowledged
      ? 'Notification for problem blocked because it has already been acknowledged.'
      : o.scheduledDowntimeDepth > 0
        ? 'Notification for problem blocked because the object is in a scheduled downtime.'
        : undefined;
    if (o.state === 0 || why === undefined) continue;
    const isSvc = o instanceof ServiceRecord;
    const host = isSvc ? o.host.name : o.name;
    const svc = isSvc ? o.description : null;
    for (let t = Math.max(o.lastStateChange, site.program.programStart) + 60; t <= now; t += 60) {
      const e = programEntry(
        t,
        LOG_INFO,
        `${isSvc ? 'SERVICE' : 'HOST'} NOTIFICATION SUPPRESSED`,
        `${host};${svc !== null ? `${svc};` : ''}${why}`,
      );
      e.hostName = host;
      e.serviceDescription = svc;
      rows.push(e);
    }
  }
  const merged = [...site.logs, ...rows].map((e, i) => ({ e, i }));
  merged.sort((a, b) => a.e.time - b.e.time || a.i - b.i);
  site.logs.length = 0;
  for (const { e } of merged) site.logs.push(e);
}

/** The problem handling recorded on the Naemon core (same ids: comments 1-4, downtime 1). */
function seed(site: SiteState, now: number): void {
  const at = site.program.programStart + 45;
  const db = site.findService('nae-db-01', 'disk /');
  const edge = site.hostByName.get('nae-edge-01');
  const lb = site.hostByName.get('nae-lb-01');
  const http = site.findService('nae-app-01', 'http');
  if (db) {
    setAck(db, 2, 0);
    addComment(site, {
      host: db.host,
      service: db,
      author: 'naemonadmin',
      comment: 'disk cleanup scheduled, ticket #815',
      entryTime: at,
      entryType: 4,
      persistent: 0,
      source: 0,
      expires: false,
      expireTime: 0,
    });
  }
  if (edge) {
    setAck(edge, 2, 0);
    addComment(site, {
      host: edge,
      service: null,
      author: 'oncall',
      comment: 'edge router replaced, ISP ticket #4242',
      entryTime: at,
      entryType: 4,
      persistent: 1,
      source: 1,
      expires: false,
      expireTime: 0,
    });
  }
  if (lb)
    addComment(site, {
      host: lb,
      service: null,
      author: 'naemonadmin',
      comment: 'capacity review next week',
      entryTime: at,
      entryType: 1,
      persistent: 1,
      source: 1,
      expires: false,
      expireTime: 0,
    });
  if (http) {
    addDowntime(
      site,
      {
        host: http.host,
        service: http,
        author: 'naemonadmin',
        comment: 'maintenance window',
        entryTime: at,
        startTime: at,
        endTime: at + 86400,
        fixed: true,
        duration: 86400,
        triggeredBy: 0,
      },
      now,
    );
  }
}
