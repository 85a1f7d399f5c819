/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-return -- answers not read typed yet (issue 16; see test/helpers/harness.ts) */
/**
 * Ground truth straight from Thruk's REST API (GET only, outside the server under test), and the
 * estate the suite discovers from it: per core, the objects the tool recipes need.
 */

export interface Truth {
  /** GET below the REST root; `core` adds Thruk's /sites/<core> prefix. */
  get(path: string, params?: Record<string, string>, core?: string): Promise<any>;
}

export function restTruth(url: string, key: string): Truth {
  const root = url.replace(/\/+$/, '').replace(/\/r(\/v1)?$/, '');
  return {
    async get(path, params = {}, core) {
      const u = new URL(`${root}/r${core !== undefined ? `/sites/${encodeURIComponent(core)}` : ''}${path}`);
      for (const [k, v] of Object.entries(params)) u.searchParams.append(k, v);
      const res = await fetch(u, { headers: { 'X-Thruk-Auth-Key': key, Accept: 'application/json' } });
      const body = await res.text();
      if (res.status !== 200) throw new Error(`GET ${path} answered ${res.status}: ${body.slice(0, 200)}`);
      return JSON.parse(body);
    },
  };
}

export interface HostRow {
  name: string;
  state: number;
  peer_key: string;
  has_been_checked: number;
}
export interface ServiceRow {
  host_name: string;
  description: string;
  state: number;
  peer_key: string;
  acknowledged: number | boolean;
  scheduled_downtime_depth: number;
  active_checks_enabled: number | boolean;
  last_check: number;
  plugin_output: string;
  is_flapping: number | boolean;
}

export interface CoreEstate {
  core: string;
  hosts: HostRow[];
  services: ServiceRow[];
  hostgroups: string[];
  servicegroups: string[];
  contacts: string[];
  downtimes: Array<{ id: number; host_name: string; service_description: string | null; start_time: number; end_time: number }>;
  comments: Array<{ id: number; host_name: string; service_description: string | null }>;
}

export interface Estate {
  cores: string[];
  byCore: Map<string, CoreEstate>;
  /** Host names present on more than one core. */
  shared: string[];
  /** Per core, host names that exist on no other core (what a core-scoped answer must not mention). */
  exclusive: Map<string, string[]>;
  versions: Array<{ core: string; program: string; version: string }>;
  thrukVersion: string;
}

const SERVICE_COLUMNS =
  'host_name,description,state,peer_key,acknowledged,scheduled_downtime_depth,active_checks_enabled,last_check,plugin_output,is_flapping';

export async function discover(truth: Truth): Promise<Estate> {
  const sites: Array<{ id: string; name: string; status: number }> = await truth.get('/sites');
  const cores = sites.map((s) => s.id);
  const byCore = new Map<string, CoreEstate>();
  for (const core of cores) {
    const [hosts, services, hgs, sgs, contacts, downtimes, comments] = await Promise.all([
      truth.get('/hosts', { columns: 'name,state,peer_key,has_been_checked' }, core),
      truth.get('/services', { columns: SERVICE_COLUMNS }, core),
      truth.get('/hostgroups', { columns: 'name,num_hosts' }, core),
      truth.get('/servicegroups', { columns: 'name,num_services' }, core),
      truth.get('/contacts', { columns: 'name' }, core),
      truth.get('/downtimes', { columns: 'id,host_name,service_description,start_time,end_time' }, core),
      truth.get('/comments', { columns: 'id,host_name,service_description,entry_type' }, core),
    ]);
    byCore.set(core, {
      core,
      hosts,
      services,
      // Smallest groups first: a group-wide dry run stays under THRUK_MAX_BULK_TARGETS.
      hostgroups: (hgs as Array<{ name: string; num_hosts: number }>)
        .filter((g) => g.num_hosts > 0)
        .sort((a, b) => a.num_hosts - b.num_hosts)
        .map((g) => g.name),
      servicegroups: (sgs as Array<{ name: string; num_services: number }>)
        .filter((g) => g.num_services > 0)
        .sort((a, b) => a.num_services - b.num_services)
        .map((g) => g.name),
      contacts: (contacts as Array<{ name: string }>).map((c) => c.name),
      downtimes,
      comments,
    });
  }
  const seen = new Map<string, Set<string>>();
  for (const [core, e] of byCore) for (const h of e.hosts) (seen.get(h.name) ?? seen.set(h.name, new Set()).get(h.name)!).add(core);
  const shared = [...seen]
    .filter(([, s]) => s.size > 1)
    .map(([n]) => n)
    .sort();
  const exclusive = new Map(cores.map((c) => [c, [...seen].filter(([, s]) => s.size === 1 && s.has(c)).map(([n]) => n)]));
  const pi: Array<Record<string, string | undefined>> = await truth.get('/processinfo', {
    columns: 'peer_key,program_version,data_source_version',
  });
  const versions = pi.map((p) => ({ core: p.peer_key ?? '?', program: p.data_source_version ?? '', version: p.program_version ?? '' }));
  const thruk: Record<string, string | undefined> = await truth.get('/thruk', {});
  return { cores, byCore, shared, exclusive, versions, thrukVersion: thruk.thruk_version ?? thruk.version ?? '?' };
}

/** A host on this core with services, preferring one in trouble (more to say). */
export function pickHost(e: CoreEstate, preferName?: string): string | undefined {
  if (preferName !== undefined && e.hosts.some((h) => h.name === preferName)) return preferName;
  const withServices = new Set(e.services.map((s) => s.host_name));
  const ranked = [...e.hosts].filter((h) => withServices.has(h.name)).sort((a, b) => b.state - a.state || a.name.localeCompare(b.name));
  return ranked[0]?.name ?? e.hosts[0]?.name;
}

/** A service on this core, preferring a problem with performance data-ish output. */
export function pickService(e: CoreEstate, host?: string): ServiceRow | undefined {
  const pool = e.services.filter((s) => host === undefined || s.host_name === host);
  return [...pool].sort(
    (a, b) =>
      (b.state === 0 ? 0 : 1) - (a.state === 0 ? 0 : 1) ||
      a.host_name.localeCompare(b.host_name) ||
      a.description.localeCompare(b.description),
  )[0];
}
