/**
 * Answer tokens (o200k) of our text content, versus the Python thruk-mcp's format on the same data:
 * pretty-printed JSON (indent 2, ASCII-escaped like Python's json.dumps) of its default columns
 * (../shared/parity/anchor-inventory.md §7), fetched from the same simulator. The Python column sets
 * are written out here on purpose: the baseline must not move when our code changes.
 */
import { createSimulator, type Simulator } from '../src/sim/index.js';
import { benchConfig, startInProc, type InProc } from './lib/inproc.js';
import { ratio, tokens, type BenchOptions, type BenchRow } from './lib/util.js';

export const PY_HOST_COLUMNS = [
  'name',
  'state',
  'plugin_output',
  'last_check',
  'last_state_change',
  'acknowledged',
  'scheduled_downtime_depth',
  'notifications_enabled',
  'current_attempt',
  'max_check_attempts',
  'peer_name',
];
export const PY_SERVICE_COLUMNS = [
  'host_name',
  'description',
  'state',
  'plugin_output',
  'last_check',
  'last_state_change',
  'acknowledged',
  'scheduled_downtime_depth',
  'notifications_enabled',
  'current_attempt',
  'max_check_attempts',
  'peer_name',
];
export const PY_LOG_COLUMNS = ['time', 'type', 'class', 'host_name', 'service_description', 'state', 'state_type', 'message'];

const KEY = 'bench';

/** Python's json.dumps(value, indent=2): same layout as JSON.stringify(…, 2), non-ASCII as \uXXXX. */
export function pyJson(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

async function rest(sim: Simulator, path: string, params: Record<string, string> = {}): Promise<any> {
  const url = new URL(`http://sim.invalid/demo/thruk/r${path}`);
  for (const [k, v] of Object.entries(params)) url.searchParams.append(k, v);
  const res = await sim.fetch(new Request(url, { headers: { 'X-Thruk-Auth-Key': KEY } }));
  if (res.status !== 200) throw new Error(`${path} answered ${res.status}: ${await res.text()}`);
  return res.json();
}

interface Measured {
  readonly text: number;
  readonly structured: number;
  readonly python: number;
  readonly note: string;
}

async function withServer<T>(hosts: number, f: (h: InProc, sim: Simulator) => Promise<T>): Promise<T> {
  const sim = createSimulator({ hosts, apiKey: KEY });
  const h = await startInProc({ config: benchConfig({ apiKey: KEY, toolsets: ['all'] }), sim });
  try {
    return await f(h, sim);
  } finally {
    await h.close();
  }
}

async function answer(h: InProc, tool: string, args: Record<string, unknown>) {
  const r = await h.call(tool, args);
  if (r.isError) throw new Error(`${tool} failed: ${r.text}`);
  return { text: tokens(r.text), structured: tokens(JSON.stringify(r.structured ?? {})), data: r.structured as any };
}

async function listHosts(): Promise<Measured> {
  return withServer(60, async (h, sim) => {
    const ours = await answer(h, 'thruk_list_hosts', { limit: 50 });
    const rows = await rest(sim, '/hosts', { columns: PY_HOST_COLUMNS.join(','), sort: 'name', limit: '50' });
    return {
      text: ours.text,
      structured: ours.structured,
      python: tokens(pyJson(rows)),
      note: `60-host estate; ${ours.data?.returned} rows vs ${rows.length}`,
    };
  });
}

async function problems(): Promise<Measured & { pythonDefault: number; pyDefaultRows: string }> {
  return withServer(150, async (h, sim) => {
    const site = sim.state.sites[0]!;
    const total = site.hosts.filter((x) => x.state !== 0).length + site.services.filter((x) => x.state !== 0).length;
    const ours = await answer(h, 'thruk_problems', {});
    const listed: Array<{ kind: string; host: string; service?: string }> = ours.data?.rows ?? [];
    // Same rows: the objects our answer lists, in the Python default columns.
    const hostRows: any[] = await rest(sim, '/hosts', { columns: PY_HOST_COLUMNS.join(','), 'state[ne]': '0' });
    const svcRows: any[] = await rest(sim, '/services', { columns: PY_SERVICE_COLUMNS.join(','), 'state[ne]': '0' });
    const hostSet = new Set(listed.filter((r) => r.kind === 'host').map((r) => r.host));
    const svcSet = new Set(listed.filter((r) => r.kind === 'service').map((r) => `${r.host}\u0000${r.service ?? ''}`));
    const same = {
      hosts: hostRows.filter((r) => hostSet.has(r.name)),
      services: svcRows.filter((r) => svcSet.has(`${r.host_name}\u0000${r.description}`)),
    };
    // What the Python tool itself answered by default (its own query, limit 100 per side).
    const pyHosts: any[] = await rest(sim, '/hosts', {
      columns: PY_HOST_COLUMNS.join(','),
      state: '1',
      acknowledged: '0',
      scheduled_downtime_depth: '0',
      sort: '-state,name',
      limit: '100',
    });
    const pySvcs: any[] = await rest(sim, '/services', {
      columns: PY_SERVICE_COLUMNS.join(','),
      'state[gte]': '1',
      acknowledged: '0',
      scheduled_downtime_depth: '0',
      sort: '-state,host_name,description',
      limit: '100',
    });
    return {
      text: ours.text,
      structured: ours.structured,
      python: tokens(pyJson(same)),
      pythonDefault: tokens(pyJson({ hosts: pyHosts, services: pySvcs })),
      pyDefaultRows: `${pyHosts.length} hosts + ${pySvcs.length} services`,
      note: `150-host estate, ${total} problems; we list ${listed.length} unhandled (of ${ours.data?.total}); same-rows baseline ${same.hosts.length} hosts + ${same.services.length} services`,
    };
  });
}

async function getHost(includeServices: boolean): Promise<Measured> {
  return withServer(60, async (h, sim) => {
    const name = 'web-01';
    const ours = await answer(h, 'thruk_get_host', includeServices ? { host: name } : { host: name, include_services: false });
    const full: unknown = await rest(sim, `/hosts/${encodeURIComponent(name)}`);
    const one = Array.isArray(full) && full.length === 1 ? full[0] : full;
    const services = Array.isArray(ours.data?.services) ? ours.data.services.length : 0;
    const parents = Array.isArray(ours.data?.parents) ? ours.data.parents.length : 0;
    const what = includeServices
      ? `host ${name}; default call: ours adds its ${services} services and ${parents} parent(s), Python returned the full host record only`
      : `host ${name}, include_services=false: the host and its ${parents} parent(s) vs Python's full host record`;
    return { text: ours.text, structured: ours.structured, python: tokens(pyJson(one)), note: what };
  });
}

async function listLogs(): Promise<Measured> {
  return withServer(60, async (h, sim) => {
    const ours = await answer(h, 'thruk_list_logs', { limit: 100 });
    const returned = Number(ours.data?.returned ?? 0);
    const now = Math.floor(Date.now() / 1000);
    const q = (limit: number) =>
      rest(sim, '/logs', {
        columns: PY_LOG_COLUMNS.join(','),
        'time[gte]': String(now - 86400),
        'time[lte]': String(now),
        sort: '-time',
        limit: String(limit),
      });
    // Same rows: the newest `returned` rows (our page may be cut short by the answer budget).
    const same: any[] = await q(Math.max(1, returned));
    const py100: any[] = await q(100);
    const cut = ours.data?.truncated === true ? `; our page was cut to ${returned} of 100 rows by the answer budget` : '';
    return {
      text: ours.text,
      structured: ours.structured,
      python: tokens(pyJson(same)),
      note: `60-host estate, last 24 h; same-rows baseline ${same.length} rows${cut}; Python's own 100-row answer was ${tokens(pyJson(py100))} tokens`,
    };
  });
}

async function registered(): Promise<Set<string>> {
  return withServer(1, async (h) => new Set((await h.client.listTools()).tools.map((t) => t.name)));
}

export async function answerTokens(_o: BenchOptions): Promise<BenchRow[]> {
  const names = await registered();
  const rows: BenchRow[] = [];
  const row = (id: string, metric: string, m: Measured, extra = ''): BenchRow => {
    const r = ratio(m.text, m.python);
    return {
      id,
      group: 'answer tokens',
      metric,
      value: m.text,
      unit: 'tokens',
      baseline: { label: 'Python format (indent 2, default columns)', value: m.python, unit: 'tokens' },
      ratio: r,
      target: '≤ 0.3×',
      met: r !== null && r <= 0.3,
      note: `structuredContent ${m.structured} tokens (text + structured ${m.text + m.structured}, ${(ratio(m.text + m.structured, m.python) ?? 0).toFixed(2)}×); ${m.note}${extra}`,
    };
  };
  const skip = (id: string, metric: string, tool: string): BenchRow => ({
    id,
    group: 'answer tokens',
    metric,
    value: null,
    unit: 'tokens',
    target: '≤ 0.3×',
    note: `skipped: ${tool} is not registered`,
  });
  rows.push(
    names.has('thruk_list_hosts')
      ? row('tokens.list_hosts', 'thruk_list_hosts limit 50', await listHosts())
      : skip('tokens.list_hosts', 'thruk_list_hosts limit 50', 'thruk_list_hosts'),
  );
  if (names.has('thruk_problems')) {
    const p = await problems();
    rows.push(
      row(
        'tokens.problems',
        'thruk_problems (~200 problems)',
        p,
        `; Python's own default answer (${p.pyDefaultRows}) was ${p.pythonDefault} tokens (${(ratio(p.text, p.pythonDefault) ?? 0).toFixed(2)}×)`,
      ),
    );
  } else rows.push(skip('tokens.problems', 'thruk_problems (~200 problems)', 'thruk_problems'));
  if (names.has('thruk_get_host')) {
    rows.push(row('tokens.get_host', 'thruk_get_host (include_services=false: same data as Python)', await getHost(false)));
    rows.push(row('tokens.get_host_default', 'thruk_get_host (default: with services and parents)', await getHost(true)));
  } else rows.push(skip('tokens.get_host', 'thruk_get_host', 'thruk_get_host'));
  rows.push(
    names.has('thruk_list_logs')
      ? row('tokens.list_logs', 'thruk_list_logs limit 100', await listLogs())
      : skip('tokens.list_logs', 'thruk_list_logs limit 100', 'thruk_list_logs'),
  );
  return rows;
}
