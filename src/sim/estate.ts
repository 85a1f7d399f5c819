import { COPY_EXTRAS, GROUP_OF_KIND, HOSTGROUPS, HOSTS, SERVICEGROUPS, SERVICES } from './estate-data.js';
import { kindOutput } from './estate-kind.js';
import type { HostSpec } from './estate-data.js';
import { addComment, addDowntime, setAck } from './mutate.js';
import { buildHistory } from './history.js';
import { HostRecord, ServiceRecord, SiteState } from './types.js';
import type { CoreFlavour, ObjConfig, ServiceTemplate } from './types.js';
import { createRng, hashUnit } from './util.js';

export interface EstateOptions {
  seed: number;
  hosts: number;
  nowSec: number;
  /** The core flavour of the site; absent = the historic simulator behaviour. */
  core?: CoreFlavour;
}

interface ServiceSpec {
  host: string;
  description: string;
  kind: string;
  state: number;
  age: number;
  flags: string;
}

let parsedServices: ServiceSpec[] | undefined;

function serviceSpecs(): ServiceSpec[] {
  if (parsedServices) return parsedServices;
  parsedServices = SERVICES.map((line) => {
    const m = /^([^|]+)\|([^=@#~]+)(?:=(\d))?(?:@([\d.]+))?(?:#(\w+))?(?:~(.+))?$/.exec(line);
    if (!m?.[1] || !m[2]) throw new Error(`bad service spec ${line}`);
    const description = m[2];
    return {
      host: m[1],
      description,
      state: Number(m[3] ?? 0),
      age: Number(m[4] ?? 0),
      flags: m[5] ?? '',
      kind: m[6] ?? (description === 'disk /' ? 'disk' : description),
    };
  });
  return parsedServices;
}

const ITL_COMMAND: Readonly<Record<string, string>> = {
  ping: 'ping4',
  ssh: 'ssh',
  'ssh-t': 'ssh',
  ntp: 'ntp_time',
  load: 'load',
  memory: 'mem',
  winmem: 'nscp-local-memory',
  disk: 'disk',
  http: 'http',
  'https-cert': 'ssl_cert',
  interfaces: 'snmp-interface',
  cpu: 'nscp-local-cpu',
  services: 'nscp-local-service',
  'disk C:': 'nscp-local-disk',
  'mysql-replication': 'mysql_health',
  'mysql-connections': 'mysql_health',
  smtp: 'smtp',
  imap: 'imap',
  data: 'disk',
  raid: 'raid',
  vip: 'http',
  tls: 'ssl',
  pool: 'f5-pool',
  fan: 'snmp-env',
  spooler: 'nscp-local-service',
  drive: 'nscp-local-disk',
};

function copyName(name: string, copy: number): string {
  if (copy === 0) return name;
  const suffix = `-${String(copy + 1).padStart(4, '0')}`;
  const dot = name.indexOf('.');
  return dot < 0 ? name + suffix : name.slice(0, dot) + suffix + name.slice(dot);
}

function baseConfig(checkCommand: string, contacts: readonly string[], vars: ObjConfig['vars'], extra: Partial<ObjConfig> = {}): ObjConfig {
  return {
    checkCommand,
    checkInterval: 1,
    retryInterval: 0.5,
    maxCheckAttempts: 2,
    notificationInterval: 15,
    checkPeriod: '',
    notificationPeriod: '',
    contacts,
    notes: '',
    notesUrl: '',
    actionUrl: '',
    vars,
    ...extra,
  };
}

const CONTACTS = ['icingaadmin', 'oncall'] as const;

export function buildSite(index: number, key: string, opts: EstateOptions): SiteState {
  const rng = createRng(opts.seed * 7919 + index * 104729 + 17);
  const now = opts.nowSec;
  const startJitter = Math.floor(rng() * 3600);
  // An Icinga 2 site restarted two days ago: the oldest problems are in their first state since then.
  const programStart = opts.core === 'icinga2' ? now - 2 * 86400 + 3600 - startJitter : now - 2 * 86400 - 7 * 3600 - startJitter;
  const site = new SiteState(index, key, key, 'Default', programStart, 10000 + Math.floor(rng() * 50000));
  if (opts.core !== undefined) {
    site.core = opts.core;
    site.logQuirks = opts.core === 'icinga2' ? 'icinga2' : 'naemon';
  }
  for (const [name, alias] of HOSTGROUPS) site.hostgroups.push({ name, alias });
  for (const [name, alias] of SERVICEGROUPS) site.servicegroups.push({ name, alias });
  site.contacts.push(
    {
      name: 'oncall',
      alias: 'oncall',
      email: 'oncall@localhost',
      pager: '',
      hostNotificationsEnabled: true,
      serviceNotificationsEnabled: true,
      vars: {},
    },
    {
      name: 'icingaadmin',
      alias: 'icingaadmin',
      email: 'icinga@localhost',
      pager: '0123456789',
      hostNotificationsEnabled: true,
      serviceNotificationsEnabled: true,
      vars: {},
    },
  );

  const wanted = Math.max(1, Math.floor(opts.hosts));
  const copies = Math.ceil(wanted / HOSTS.length);
  const specs = serviceSpecs();
  const svcCfgCache = new Map<string, ObjConfig>();
  const templates = new Map<string, ServiceTemplate>();
  const template = (description: string, kind: string): ServiceTemplate => {
    const key = `${description}|${kind}`;
    let t = templates.get(key);
    if (!t) {
      t = { description, kind, groups: [GROUP_OF_KIND[kind] ?? 'system-health'] };
      templates.set(key, t);
    }
    return t;
  };
  const jitter = (copy: number): number => (copy === 0 ? 1 : 0.5 + rng());

  for (let copy = 0; copy < copies; copy++) {
    const inCopy = new Map<string, HostRecord>();
    for (const spec of HOSTS) {
      if (site.hosts.length >= wanted) break;
      const host = createHost(site, spec, copy, now, rng, jitter(copy));
      inCopy.set(spec.name, host);
    }
    for (const host of inCopy.values()) {
      for (const p of host.spec.parents) {
        const parent = inCopy.get(p);
        if (parent) {
          host.parents.push(parent);
          parent.childs.push(host);
        }
      }
    }
    for (const s of specs) {
      const host = inCopy.get(s.host);
      if (!host) continue;
      const cfg = serviceConfig(svcCfgCache, s, now);
      const svc = new ServiceRecord(site.services.length, host, template(s.description, s.kind), cfg);
      initService(svc, s, now, rng, jitter(copy));
      host.services.push(svc);
      site.services.push(svc);
    }
    if (copy > 0) {
      for (const host of inCopy.values()) {
        for (const kind of COPY_EXTRAS) {
          const s: ServiceSpec = { host: host.spec.name, description: kind, kind, state: 0, age: 0, flags: '' };
          const svc = new ServiceRecord(site.services.length, host, template(kind, kind), serviceConfig(svcCfgCache, s, now));
          initService(svc, s, now, rng, 1);
          host.services.push(svc);
          site.services.push(svc);
        }
      }
    }
    seedProblemHandling(site, inCopy, now);
  }
  site.nextDowntimeId = Math.max(site.nextDowntimeId, 6);
  site.nextCommentId = Math.max(site.nextCommentId, 6);
  buildHistory(site, now, rng);
  if (opts.core === 'icinga2') {
    for (const o of [...site.hosts, ...site.services]) {
      if (o.hasBeenChecked && o.state !== 0 && o.lastStateChange <= programStart) o.firstState = true;
    }
  }
  return site;
}

function serviceConfig(cache: Map<string, ObjConfig>, s: ServiceSpec, now: number): ObjConfig {
  const key = `${s.kind}|${s.state}|${s.flags}`;
  let cfg = cache.get(key);
  if (!cfg) {
    const [out, perf] = kindOutput(s.kind, s.state, now);
    const vars = s.flags.includes('p')
      ? { dummy_text: 'passive backup result' }
      : { dummy_state: s.state, dummy_text: perf ? `${out}|${perf}` : out };
    cfg = baseConfig(ITL_COMMAND[s.kind] ?? s.kind, CONTACTS, vars);
    cache.set(key, cfg);
  }
  return cfg;
}

function createHost(site: SiteState, spec: HostSpec, copy: number, now: number, rng: () => number, jitter: number): HostRecord {
  const name = copyName(spec.name, copy);
  const state = spec.state ?? 0;
  const [out, perf] = kindOutput('host-ping', state, now);
  const parentName = spec.parents[0] !== undefined ? copyName(spec.parents[0], copy) : '';
  const vars = { dummy_state: state === 0 ? 0 : 2, dummy_text: `${out}|${perf}`, os: spec.os, parent: parentName };
  const cfg = baseConfig('hostalive', CONTACTS, vars, {
    notes: 'Managed by infra team',
    notesUrl: spec.notesUrl ?? '',
    actionUrl: spec.actionUrl?.replace(spec.name, name) ?? '',
  });
  const address = copy === 0 ? spec.address : `10.${16 + (copy >> 8)}.${copy & 255}.${(site.hosts.length % HOSTS.length) + 1}`;
  const alias = copy === 0 ? spec.alias : `${spec.alias} #${copy + 1}`;
  const host = new HostRecord(site, site.hosts.length, name, spec, alias, address, cfg);
  host.state = state;
  host.pluginOutput = out;
  host.perfData = perf;
  const interval = cfg.checkInterval * 60;
  host.lastCheck = now - Math.floor(rng() * interval);
  if (state !== 0) {
    host.lastStateChange = now - Math.floor((spec.age ?? 1) * 3600 * jitter) - Math.floor(rng() * 60);
    host.currentAttempt = cfg.maxCheckAttempts;
    host.lastTimeUp = host.lastStateChange - 30;
    if (state === 1) host.lastTimeDown = host.lastCheck;
    else host.lastTimeUnreachable = host.lastCheck;
    host.currentNotificationNumber = 1;
    host.lastNotification = host.lastStateChange + 30;
  } else {
    host.lastStateChange = site.program.programStart - Math.floor(rng() * 20 * 86400);
    host.lastTimeUp = host.lastCheck;
  }
  host.lastHardStateChange = state === 0 ? host.lastStateChange : host.lastStateChange + 30;
  host.percentStateChange = state === 0 ? 0 : Math.round(rng() * 60) / 10;
  site.hosts.push(host);
  site.hostByName.set(name, host);
  return host;
}

function initService(svc: ServiceRecord, s: ServiceSpec, now: number, rng: () => number, jitter: number): void {
  const [out, perf, long] = kindOutput(s.kind, s.state, now);
  svc.state = s.state;
  svc.pluginOutput = out;
  svc.perfData = perf;
  svc.longPluginOutput = long;
  const interval = svc.cfg.checkInterval * 60;
  svc.lastCheck = now - Math.floor(rng() * interval);
  if (s.flags.includes('p')) {
    svc.activeChecksEnabled = false;
    svc.checkType = 1;
    svc.lastCheck = now - Math.floor(((s.age || 5) * 3600 + 120) * jitter);
  }
  if (s.flags.includes('n')) svc.notificationsEnabled = false;
  if (s.state !== 0) {
    svc.lastStateChange = now - Math.floor(s.age * 3600 * jitter) - Math.floor(rng() * 60);
    svc.setLastTime(0, svc.lastStateChange - 30);
    if (s.flags.includes('s')) {
      svc.stateType = 0;
      svc.lastHardStateChange = svc.lastStateChange - 86400;
    } else {
      svc.currentAttempt = svc.cfg.maxCheckAttempts;
      svc.lastHardStateChange = svc.lastStateChange + 30;
      if (svc.notificationsEnabled) {
        svc.currentNotificationNumber = 1;
        svc.lastNotification = svc.lastHardStateChange;
      }
    }
    if (s.flags.includes('p')) svc.lastCheck = Math.max(svc.lastCheck, svc.lastStateChange);
  } else {
    svc.lastStateChange = svc.host.site.program.programStart - Math.floor(rng() * 20 * 86400);
    svc.lastHardStateChange = svc.lastStateChange;
  }
  svc.percentStateChange = s.flags.includes('f') ? 99 : Math.round(hashUnit(svc.id, 3) * 60) / 10;
  if (s.flags.includes('f')) svc.isFlapping = true;
  if (s.flags.includes('P')) {
    svc.hasBeenChecked = false;
    svc.stateType = 0;
    svc.currentAttempt = 0;
    svc.lastCheck = 0;
    svc.lastStateChange = 0;
    svc.lastHardStateChange = 0;
    svc.setLastTime(0, 0);
    svc.pluginOutput = '';
    svc.perfData = '';
    svc.percentStateChange = 0;
  }
}

/** Acknowledgements and downtimes of the default estate (repeated in every copy). */
function seedProblemHandling(site: SiteState, inCopy: Map<string, HostRecord>, now: number): void {
  const dayStart = now - (now % 3600) - 5 * 3600;
  const db03 = inCopy.get('db-03');
  if (db03) {
    const text = 'Weekly reporting DB maintenance window';
    addDowntime(
      site,
      {
        host: db03,
        service: null,
        author: 'icingaadmin',
        comment: text,
        entryTime: dayStart - 3600,
        startTime: dayStart,
        endTime: dayStart + 86340,
        fixed: true,
        duration: 0,
        triggeredBy: 0,
      },
      now,
    );
    addDowntime(
      site,
      {
        host: db03,
        service: null,
        author: 'icingaadmin',
        comment: text,
        entryTime: dayStart - 3540,
        startTime: dayStart + 86400,
        endTime: dayStart + 172740,
        fixed: true,
        duration: 0,
        triggeredBy: 0,
      },
      now,
    );
  }
  for (const s of serviceSpecs()) {
    if (!s.flags.includes('d')) continue;
    const host = inCopy.get(s.host);
    const svc = host?.services.find((x) => x.description === s.description);
    if (!host || !svc) continue;
    const start = svc.lastStateChange - 600;
    addDowntime(
      site,
      {
        host,
        service: svc,
        author: 'icingaadmin',
        comment: 'Firmware upgrade on VIP pool',
        entryTime: start - 300,
        startTime: start,
        endTime: now + 7200,
        fixed: true,
        duration: 0,
        triggeredBy: 0,
      },
      now,
    );
  }
  const mail = inCopy.get('mail-01');
  if (mail?.spec.flags?.includes('a')) {
    const t = mail.lastHardStateChange + 900;
    setAck(mail, 2, 0);
    addComment(site, {
      host: mail,
      service: null,
      author: 'icingaadmin',
      comment: 'Hardware failure, vendor RMA #8812 opened',
      entryTime: t,
      entryType: 4,
      persistent: 1,
      source: 1,
      expires: false,
      expireTime: 0,
    });
  }
  const nas = inCopy.get('nas-01.example.com');
  const data = nas?.services.find((s) => s.description === 'disk "data"');
  if (nas && data) {
    setAck(data, 1, 0);
    addComment(site, {
      host: nas,
      service: data,
      author: 'oncall',
      comment: 'Cleanup of old exports running, see OPS-1234',
      entryTime: data.lastHardStateChange + 1200,
      entryType: 4,
      persistent: 0,
      source: 1,
      expires: false,
      expireTime: 0,
    });
  }
}
