/**
 * Contract test: every recorded Thruk 3.20.2 response is replayed against the simulator, in index
 * order and against one simulator per set (so commands take effect), and the simulator must answer
 * with the same status and the same JSON shape. Two sets: test/fixtures/thruk (one Icinga 2.13
 * core, replayed against the historic single site) and test/fixtures/thruk/two-cores (Icinga 2
 * and Naemon 1.5 behind one Thruk, replayed against a two-site simulator with those flavours).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { createSimulator, TWO_CORES, type SimulatorOptions } from '../src/sim/index.js';

interface Entry {
  file: string | null;
  method: string;
  path: string;
  raw_query_string: string;
  request_headers: Record<string, string>;
  request_body: unknown;
  request_body_encoding: string | null;
  status: number;
  note?: string | null;
}

interface Index {
  captured_at: number;
  files: Entry[];
}

interface FixtureSet {
  readonly name: string;
  /** folder under test/fixtures/ */
  readonly dir: string;
  readonly minEntries: number;
  readonly sim: Omit<SimulatorOptions, 'apiKey' | 'now'>;
  /** folders whose recordings widen the allowed JSON types of a key (rows of both cores) */
  readonly unionDirs: readonly string[];
}

const SETS: readonly FixtureSet[] = [
  { name: 'one Icinga 2 core', dir: 'thruk', minEntries: 129, sim: {}, unionDirs: ['thruk'] },
  {
    name: 'Icinga 2 and Naemon behind one Thruk',
    dir: 'thruk/two-cores',
    minEntries: 47,
    sim: { sites: TWO_CORES },
    unionDirs: ['thruk', 'thruk/two-cores'],
  },
];

const readIndex = (dir: string): Index =>
  JSON.parse(readFileSync(new URL(`./fixtures/${dir}/index.json`, import.meta.url), 'utf8')) as Index;
const PLACEHOLDER = '<superuser api key>';
const KEY = 'contractKey';

/** Entries that are not Thruk REST requests at all. */
const NOT_REST: ReadonlyArray<{ path: string; reason: string }> = [
  {
    path: '/thruk/cgi-bin/showlog.cgi',
    reason: 'HTML CGI page rendered as a background job (302 to job.cgi); not part of the REST API the simulator serves',
  },
  {
    path: '/thruk/cgi-bin/login.cgi',
    reason: 'cookie-auth login page of an OMD-style setup (401); the simulator only does API-key auth on /thruk/r/',
  },
];

/**
 * Differences caused by the Icinga 2 core rather than by Thruk, each as narrow as possible
 * (one key of one fixture). Empty means the simulator matches every recorded shape.
 */
const CORE_QUIRKS: ReadonlyArray<{ file: string; key: string; reason: string }> = [];

/** Requests about objects that do not exist: the real empty array must stay empty. */
const NONEXISTENT = new Set([
  'error_404_host.json',
  'error_404_service.json',
  'error_404_service_unknown_host.json',
  'error_404_hostgroup.json',
  'unknown_query_param_empty_result.json',
]);

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function typeOf(v: Json | undefined): string {
  return v === undefined ? 'missing' : v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
}
const isObj = (v: Json | undefined): v is { [k: string]: Json } => typeOf(v) === 'object';

/** Keys whose presence depends on the object's perf data / custom variables. */
function estateKeys(row: { [k: string]: Json }): Set<string> {
  const out = new Set<string>();
  for (const k of Object.keys(row)) if (k.startsWith('_')) out.add(k);
  for (const [field, prefix] of [
    ['perf_data', ''],
    ['host_perf_data', 'host_'],
  ] as const) {
    const perf = row[field];
    if (typeof perf !== 'string') continue;
    out.add(`${prefix}perf_data_expanded`);
    for (const m of perf.matchAll(/('[^']+'|[^\s=]+)=/g)) {
      const label = (m[1] ?? '').replace(/^'|'$/g, '');
      out.add(prefix + label);
      out.add(`${prefix}${label}_unit`);
    }
  }
  return out;
}

/** A row's identity; the core is part of it (the same host name and the same ids exist on two cores). */
function identity(row: { [k: string]: Json }): string | undefined {
  const peer = typeof row['peer_key'] === 'string' ? `@${row['peer_key']}` : '';
  if (typeof row['description'] === 'string' && typeof row['host_name'] === 'string')
    return `${row['host_name']};${row['description']}${peer}`;
  for (const k of ['name', 'hashed_key', 'id'])
    if (typeof row[k] === 'string' || typeof row[k] === 'number') return `${k}=${String(row[k])}${peer}`;
  return undefined;
}

interface Ctx {
  file: string;
  quirks: Set<string>;
  out: string[];
  family?: Map<string, Set<string>>;
  /** per-core family unions (two-core set): each row is checked against its own core's types */
  coreFamily?: (core: string) => Map<string, Set<string>> | undefined;
}

/**
 * Rows of one Livestatus table legitimately differ (a host downtime has service_description null,
 * a service downtime a string; a notification row has a contact_name, a state row null). The
 * allowed JSON types of a key are therefore collected over all recordings of the same table.
 */
function familyOf(path: string): string {
  const segs = path
    .replace(/^.*\/thruk\/r\/?/, '')
    .split('/')
    .filter(Boolean);
  const first = segs[0] ?? '';
  const last = segs[segs.length - 1] ?? '';
  if (['logs', 'alerts', 'notifications'].includes(first) || (first === 'hosts' && ['alerts', 'notifications'].includes(last)))
    return 'log';
  if (first === 'hosts' && segs.length === 3 && last === 'services') return 'services';
  if (last === 'commandline') return 'commandline';
  return first;
}

/** The core of a row: the parent set's single peer `icinga2` is the two-core set's `icinga`. */
function coreOf(row: { [k: string]: Json }): string {
  const p = row['peer_key'];
  return p === 'icinga2' ? 'icinga' : typeof p === 'string' ? p : '';
}

/**
 * Allowed JSON types per family and key. With `perCore` the unions are kept per core
 * (`family@core`), so a Naemon row must have Naemon's types (0/1, "") and an Icinga 2 row Icinga's.
 */
function familyUnionsOf(dirs: readonly string[], perCore = false): Map<string, Map<string, Set<string>>> {
  const out = new Map<string, Map<string, Set<string>>>();
  for (const dir of dirs) {
    for (const e of readIndex(dir).files) {
      if (!e.file || e.status !== 200) continue;
      const data = JSON.parse(readFileSync(new URL(`./fixtures/${dir}/${e.file}`, import.meta.url), 'utf8')) as Json;
      if (!Array.isArray(data)) continue;
      for (const row of data) {
        if (row === null || typeof row !== 'object' || Array.isArray(row)) continue;
        const fam = perCore ? `${familyOf(e.path)}@${coreOf(row)}` : familyOf(e.path);
        const unions = out.get(fam) ?? new Map<string, Set<string>>();
        out.set(fam, unions);
        for (const [k, v] of Object.entries(row)) (unions.get(k) ?? unions.set(k, new Set()).get(k))?.add(typeOf(v));
      }
    }
  }
  return out;
}

function compareObject(
  real: { [k: string]: Json },
  ours: { [k: string]: Json },
  path: string,
  c: Ctx,
  unions: Map<string, Set<string>> | undefined,
  strict: boolean,
): void {
  const skip = strict ? new Set<string>() : new Set([...estateKeys(real), ...estateKeys(ours)]);
  const keys = new Set([...Object.keys(real), ...Object.keys(ours)]);
  for (const k of keys) {
    if (skip.has(k) || c.quirks.has(k)) continue;
    const rt = typeOf(real[k]);
    const ot = typeOf(ours[k]);
    const allowed = unions?.get(k) ?? new Set([rt]);
    if (rt === 'missing' && !unions?.has(k)) {
      c.out.push(`${path}.${k}: extra key (${ot})`);
      continue;
    }
    if (ot === 'missing') {
      c.out.push(`${path}.${k}: missing key (real ${rt})`);
      continue;
    }
    if (!allowed.has(ot)) {
      c.out.push(`${path}.${k}: type ${ot}, real ${[...allowed].join('|')}`);
      continue;
    }
    if (/custom_variable/.test(k)) continue;
    const rv = real[k];
    const ov = ours[k];
    if (rv !== undefined && ov !== undefined && rt === ot) compareValue(rv, ov, `${path}.${k}`, c, false);
  }
}

function compareArray(real: Json[], ours: Json[], path: string, c: Ctx, top: boolean): void {
  if (real.length === 0) {
    if (top && NONEXISTENT.has(c.file) && ours.length > 0)
      c.out.push(`${path}: real [] for a nonexistent object, ours has ${ours.length} rows`);
    return;
  }
  if (ours.length === 0) {
    if (top) c.out.push(`${path}: ours is empty, real has ${real.length} rows`);
    return;
  }
  const realObjs = real.filter(isObj);
  if (realObjs.length === 0) {
    const allowed = new Set(real.map(typeOf));
    ours.forEach((v, i) => {
      if (!allowed.has(typeOf(v))) c.out.push(`${path}[${i}]: type ${typeOf(v)}, real ${[...allowed].join('|')}`);
    });
    if (Array.isArray(real[0]) && Array.isArray(ours[0])) compareValue(real[0], ours[0], `${path}[0]`, c, false);
    return;
  }
  const unionsOf = (rows: ReadonlyArray<{ [k: string]: Json }>, family: Map<string, Set<string>> | undefined): Map<string, Set<string>> => {
    const unions = new Map<string, Set<string>>();
    for (const r of rows) for (const [k, v] of Object.entries(r)) (unions.get(k) ?? unions.set(k, new Set()).get(k))?.add(typeOf(v));
    if (top && family) for (const [k, types] of family) if (unions.has(k)) for (const t of types) unions.get(k)?.add(t);
    return unions;
  };
  const all = unionsOf(realObjs, c.family);
  const byCore = new Map<string, { unions: Map<string, Set<string>>; rows: Array<{ [k: string]: Json }> }>();
  if (c.coreFamily) {
    for (const core of new Set(realObjs.map(coreOf))) {
      const rows = realObjs.filter((r) => coreOf(r) === core);
      byCore.set(core, { rows, unions: unionsOf(rows, c.coreFamily(core)) });
    }
  }
  const byId = new Map(realObjs.map((r) => [identity(r), r] as const));
  ours.forEach((o, i) => {
    if (!isObj(o)) {
      c.out.push(`${path}[${i}]: not an object`);
      return;
    }
    const mine = byCore.get(coreOf(o));
    const pool = mine?.rows ?? realObjs;
    const byKeys = new Map(pool.map((r) => [Object.keys(r).sort().join(','), r] as const));
    const id = identity(o);
    const same = id !== undefined ? byId.get(id) : undefined;
    const counterpart = same ?? byKeys.get(Object.keys(o).sort().join(',')) ?? pool[0];
    if (counterpart) compareObject(counterpart, o, `${path}[${i}]`, c, mine?.unions ?? all, same !== undefined);
  });
}

function compareValue(real: Json, ours: Json, path: string, c: Ctx, top: boolean): void {
  const rt = typeOf(real);
  const ot = typeOf(ours);
  if (rt !== ot) {
    c.out.push(`${path}: type ${ot}, real ${rt}`);
    return;
  }
  if (Array.isArray(real) && Array.isArray(ours)) compareArray(real, ours, path, c, top);
  else if (isObj(real) && isObj(ours)) compareObject(real, ours, path, c, undefined, true);
}

function buildRequest(e: Entry): Request {
  const url = `http://sim.invalid${e.path}${e.raw_query_string ? `?${e.raw_query_string}` : ''}`;
  const headers = new Headers();
  for (const [k, v] of Object.entries(e.request_headers)) headers.set(k, v === PLACEHOLDER ? KEY : v);
  let body: string | undefined;
  if (e.request_body !== null && e.request_body !== undefined) {
    body =
      e.request_body_encoding === 'application/x-www-form-urlencoded'
        ? new URLSearchParams(e.request_body as Record<string, string>).toString()
        : JSON.stringify(e.request_body);
  }
  return new Request(url, { method: e.method, headers, ...(body !== undefined ? { body } : {}) });
}

for (const set of SETS) {
  const index = readIndex(set.dir);
  const familyUnions = familyUnionsOf(set.unionDirs);
  const coreUnions = set.dir === 'thruk' ? undefined : familyUnionsOf(set.unionDirs, true);
  describe(`contract: simulator vs recorded Thruk 3.20.2 responses (${set.name})`, () => {
    let tick = 0;
    const sim = createSimulator({ ...set.sim, apiKey: KEY, now: () => index.captured_at * 1000 + 500 * tick++ });
    const quirkKeys = (file: string): Set<string> => new Set(CORE_QUIRKS.filter((q) => q.file === file).map((q) => q.key));

    it('index.json lists the vendored fixtures, each with a note', () => {
      assert.ok(index.files.length >= set.minEntries, `only ${index.files.length} entries`);
      for (const e of index.files) {
        if (!e.path.includes('/thruk/r/'))
          assert.ok(
            NOT_REST.some((x) => x.path === e.path),
            `unexpected non-REST entry ${e.path}`,
          );
      }
      if (set.dir !== 'thruk')
        for (const e of index.files) assert.ok(typeof e.note === 'string' && e.note.length > 0, `${e.file ?? e.path} has no note`);
      for (const q of CORE_QUIRKS) assert.ok(q.reason.length > 0, `quirk ${q.file}`);
    });

    index.files.forEach((e, n) => {
      const label = `${String(n).padStart(3, '0')} ${e.method} ${e.path}${e.raw_query_string ? `?${e.raw_query_string}` : ''} (${e.file ?? 'no file'})`;
      const skip = NOT_REST.find((x) => x.path === e.path);
      it(label, { skip: skip?.reason ?? false }, async () => {
        const res = await sim.fetch(buildRequest(e));
        const text = await res.text();
        assert.equal(res.status, e.status, `status for ${label}: ${text.slice(0, 300)}`);
        assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
        if (!e.file) return;
        const real = JSON.parse(readFileSync(new URL(`./fixtures/${set.dir}/${e.file}`, import.meta.url), 'utf8')) as Json;
        const ours = JSON.parse(text) as Json;
        const family = familyUnions.get(familyOf(e.path));
        const fam = familyOf(e.path);
        const c: Ctx = {
          file: e.file,
          quirks: quirkKeys(e.file),
          out: [],
          ...(family ? { family } : {}),
          ...(coreUnions ? { coreFamily: (core: string) => coreUnions.get(`${fam}@${core}`) } : {}),
        };
        compareValue(real, ours, '$', c, true);
        assert.deepEqual(c.out.slice(0, 25), [], `shape differences in ${e.file}`);
      });
    });
  });
}
