/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-argument -- answers not read typed yet (issue 16; see test/helpers/harness.ts) */
/**
 * Property-based fuzzing kit: arguments for every registered tool derived from its JSON Schema,
 * hostile strings and numbers mixed in, the invariants of one call, and the property runner
 * (shrinking, replay, report). Structured filters and their reference are in fuzz-filters.ts.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { z } from 'zod';
import type { Simulator } from '../../src/sim/index.js';
import type { ToolDef } from '../../src/tools/core/define.js';
import { allTools } from '../../src/tools/core/registry.js';
import { TOOLSETS } from '../../src/tools/core/define.js';
import { demoConfig } from './config.js';
import { trackRejections, type RejectionTracker } from './rejections.js';
import { connect, recordingWrap, type Answered, type CallResult, type Harness } from './harness.js';

// ------------------------------------------------------------------ hostile values

export const HOSTILE_STRINGS: readonly string[] = [
  "'",
  '"',
  '\\',
  '\n',
  '\r\n',
  '\0',
  'a\0b',
  '~~',
  ';',
  '"; DROP',
  "it's",
  'say "hi"',
  'back\\slash',
  'x\\"y',
  "x\\'y",
  ') or (name != "',
  "') or name ~~ '.*",
  'a ~~ b',
  'name[ne]=x',
  'q=',
  '%2F..%2F',
  '../..',
  '.',
  '..',
  '*',
  '.*',
  '(',
  '[',
  '{',
  '$(id)',
  'COMMAND [1] SCHEDULE_HOST_DOWNTIME;x;1;2',
  'é漢字🚀',
  '\u202e',
  '\ud800',
  '\u00a0',
  '\t',
  ' ',
  '',
  '0',
  '-1',
  'null',
  'true',
  'a'.repeat(10_240),
  '"'.repeat(2_000),
  '\\'.repeat(1_000),
  'web-01',
  'WEB-01',
];

export const HOSTILE_NUMBERS: readonly number[] = [
  -1,
  -100,
  0,
  1,
  1.5,
  -0.5,
  1e308,
  -1e308,
  Number.MAX_SAFE_INTEGER,
  Number.MAX_SAFE_INTEGER + 2,
  2 ** 31,
  -(2 ** 31),
  1e-9,
];

export const hostileString = fc.constantFrom(...HOSTILE_STRINGS);
export const hostileNumber = fc.constantFrom(...HOSTILE_NUMBERS);

// ------------------------------------------------------------------ JSON Schema → arbitrary

type Js = Record<string, any>;

export interface Pools {
  hosts: string[];
  services: string[];
  hostgroups: string[];
  servicegroups: string[];
}

export function poolsOf(sim: Simulator): Pools {
  const hosts = sim.state.hosts.map((h) => h.name);
  const services = [...new Set(sim.state.services.map((s) => s.description))];
  const hostgroups = [...new Set(sim.state.hosts.flatMap((h) => h.groups))];
  const servicegroups = [...new Set(sim.state.services.flatMap((s) => s.groups))];
  return { hosts, services, hostgroups, servicegroups };
}

/** Plausible values by argument name, so that many cases get past validation into the tools. */
function plausible(key: string, p: Pools): fc.Arbitrary<unknown> | undefined {
  const k = key.toLowerCase();
  if (k === 'host' || k === 'host_name' || k === 'name') return fc.constantFrom(...p.hosts);
  if (k === 'service' || k === 'description') return fc.constantFrom(...p.services);
  if (k === 'hostgroup') return fc.constantFrom(...p.hostgroups);
  if (k === 'servicegroup') return fc.constantFrom(...p.servicegroups);
  if (['since', 'until', 'start_time', 'end_time', 'timestamp', 't1', 't2', 'entered_after', 'expire'].includes(k)) {
    return fc.constantFrom('-24h', '-7d', '-1h', 'now', 'today', 'yesterday 06:00', '2026-01-01T00:00:00Z', '+2h', 'not a time');
  }
  if (k === 'columns') return fc.constantFrom('name,state', 'host_name,description,state', '', 'name,no_such_column');
  if (k === 'sort') return fc.constantFrom('name', '-last_check', 'state,-name', '-time');
  if (k === 'backends') return fc.constantFrom('icinga2', 'nope', '', 'icinga2,other');
  if (k === 'path') return fc.constantFrom('/hosts', '/services', '/hosts/totals', '/sites', '/processinfo', '/hosts/web-01', '/nope');
  if (k === 'duration' || k === 'lookback') return fc.constantFrom('1h', '30m', '2d', '-5m');
  if (k === 'what') return fc.constantFrom('hosts', 'services', '/hosts', 'logs', 'endpoints');
  return undefined;
}

export interface GenOptions {
  pools: Pools;
  /** Probability-ish weight of hostile values vs schema-valid ones (0..10). */
  hostility: number;
}

function weighted<T>(valid: fc.Arbitrary<T>, hostile: fc.Arbitrary<unknown>, h: number): fc.Arbitrary<unknown> {
  if (h <= 0) return valid;
  const w = Math.max(1, Math.round(h));
  return fc.oneof({ arbitrary: valid, weight: Math.max(1, 10 - w) }, { arbitrary: hostile, weight: w });
}

export function arbitraryOf(schema: Js, root: Js, o: GenOptions, depth = 0, key = ''): fc.Arbitrary<unknown> {
  if (schema.$ref !== undefined) {
    const name = String(schema.$ref).replace('#/$defs/', '');
    const target = root.$defs?.[name] as Js | undefined;
    if (target === undefined) return fc.constant({});
    return arbitraryOf(target, root, o, depth + 1, key);
  }
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (Array.isArray(schema.enum)) return weighted(fc.constantFrom(...schema.enum), hostileString, o.hostility / 2);
  if (Array.isArray(schema.anyOf) || Array.isArray(schema.oneOf)) {
    const branches = (schema.anyOf ?? schema.oneOf) as Js[];
    // Deep enough: stop recursing into object branches (a filter tree stops at a leaf).
    const usable = depth > 6 ? branches.filter((b) => b.type !== 'object' || !JSON.stringify(b).includes('$ref')) : branches;
    return fc.oneof(...(usable.length > 0 ? usable : branches.slice(0, 1)).map((b) => arbitraryOf(b, root, o, depth + 1, key)));
  }
  const type = schema.type;
  if (Array.isArray(type)) return fc.oneof(...type.map((t: string) => arbitraryOf({ ...schema, type: t }, root, o, depth, key)));
  const named = plausible(key, o.pools);
  switch (type) {
    case 'string': {
      const valid = named ?? fc.string({ minLength: schema.minLength ?? 0, maxLength: Math.min(schema.maxLength ?? 40, 40) });
      return weighted(valid, fc.oneof(hostileString, fc.string({ unit: 'grapheme', maxLength: 30 }), fc.integer()), o.hostility);
    }
    case 'integer': {
      const min = typeof schema.minimum === 'number' ? schema.minimum : -1000;
      const max = typeof schema.maximum === 'number' ? Math.min(schema.maximum, min + 5000) : min + 5000;
      return weighted(fc.integer({ min, max }), fc.oneof(hostileNumber, hostileString), o.hostility);
    }
    case 'number': {
      const min = typeof schema.minimum === 'number' ? schema.minimum : -1000;
      const max = typeof schema.maximum === 'number' ? schema.maximum : min + 5000;
      return weighted(fc.double({ min, max, noNaN: true, noDefaultInfinity: true }), fc.oneof(hostileNumber, hostileString), o.hostility);
    }
    case 'boolean':
      return weighted(fc.boolean(), fc.constantFrom('true', 1, 0, null, 'yes'), o.hostility / 2);
    case 'array': {
      const items = schema.items !== undefined ? arbitraryOf(schema.items as Js, root, o, depth + 1, key) : fc.anything();
      return fc.array(items, { minLength: 0, maxLength: depth > 4 ? 2 : 4 });
    }
    case 'object': {
      const props = (schema.properties ?? {}) as Record<string, Js>;
      const required = new Set<string>((schema.required ?? []) as string[]);
      const record: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [k, s] of Object.entries(props)) record[k] = arbitraryOf(s, root, o, depth + 1, k);
      if (Object.keys(props).length === 0 && schema.additionalProperties !== undefined && schema.additionalProperties !== false) {
        const val = arbitraryOf(schema.additionalProperties as Js, root, o, depth + 1, '');
        return fc.dictionary(
          fc.oneof(
            fc.constantFrom('columns', 'q', 'name[ne]', 'limit', 'sort'),
            hostileString.filter((s) => s.length > 0 && s.length < 200),
          ),
          val,
          { maxKeys: 3 },
        );
      }
      const base = fc.record(record, { requiredKeys: [...required].filter((k) => k in record) });
      // Sometimes an unknown key, sometimes a required key dropped.
      return fc
        .tuple(
          base,
          o.hostility > 0 ? fc.option(fc.constantFrom('unknown_key', 'Host', 'filter ', '__proto__x'), { freq: 8 }) : fc.constant(null),
        )
        .map(([v, extra]) => {
          const out: Record<string, unknown> = { ...(v as object) };
          if (extra !== null) out[extra] = 'x';
          return out;
        });
    }
    default:
      return fc.anything({ maxDepth: 1 });
  }
}

export function inputJsonSchema(def: ToolDef): Js {
  return z.toJSONSchema(def.input, { io: 'input', unrepresentable: 'any' });
}

/** Arguments for `def`: schema-derived, with hostile values, and dry_run forced on writes. */
export function argsFor(def: ToolDef, o: GenOptions): fc.Arbitrary<Record<string, unknown>> {
  const root = inputJsonSchema(def);
  return (arbitraryOf(root, root, o) as fc.Arbitrary<Record<string, unknown>>).map((a) => forceSafe(def, a));
}

export function forceSafe(def: ToolDef, args: Record<string, unknown>): Record<string, unknown> {
  const out = { ...args };
  if ('dry_run' in def.input.shape) out.dry_run = true;
  // Background queries poll a job; keep them short.
  if (def.name === 'thruk_run_background_query') {
    out.timeout_s = 5;
    if (typeof out.max_rows !== 'number' || out.max_rows > 2000) out.max_rows = 500;
  }
  return out;
}

// ------------------------------------------------------------------ invariants for one call

/** Escape hatches pass the caller's raw query through; Thruk may legitimately answer 500 to those. */
const RAW_TOOLS = new Set(['thruk_query', 'thruk_run_background_query']);

export interface CallCheck {
  def: ToolDef;
  args: Record<string, unknown>;
  result: CallResult;
  answered: readonly Answered[];
  requests: Simulator['requests'];
}

export function checkCall(c: CallCheck): 'invalid' | 'error' | 'ok' {
  const { def, args, result } = c;
  assert.ok(Array.isArray(result.raw.content), `${def.name}: result without content`);
  assert.ok(
    !result.text.includes('Internal error in'),
    `${def.name} failed unexpectedly: ${result.text.slice(0, 300)} args=${short(args)}`,
  );
  for (const r of c.requests) {
    assert.ok(
      !(
        r.method !== 'GET' &&
        /^\/(sites\/[^/]+\/)?(cmd|hosts\/[^/]+\/cmd|services\/.+\/cmd|system\/cmd)/.test(r.path) &&
        r.path.includes('cmd')
      ),
      `${def.name} sent a command despite dry_run: ${r.method} ${r.path}`,
    );
  }
  if (!RAW_TOOLS.has(def.name)) {
    for (const a of c.answered) {
      // Thruk's own "no such object" for availability is a 500; anything else (parse errors above all) is ours.
      if (a.status === 500 && /did not return any data/.test(a.body)) continue;
      assert.ok(
        a.status < 500,
        `${def.name}: simulator answered ${a.status} to ${a.method} ${a.path}${a.search.slice(0, 300)}: ${a.body.slice(0, 300)} args=${short(args)}`,
      );
    }
  }
  const local = def.input.safeParse(args);
  if (!local.success) {
    assert.equal(result.isError, true, `${def.name}: invalid args accepted: ${short(args)}`);
    assert.match(result.text, /Invalid arguments for /, `${def.name}: ${result.text.slice(0, 200)}`);
    for (const issue of local.error.issues) {
      if (issue.code === 'unrecognized_keys')
        for (const k of issue.keys)
          assert.ok(result.text.includes(k), `${def.name}: message does not name unknown '${k}': ${result.text.slice(0, 300)}`);
      else {
        const first = issue.path[0];
        if (first !== undefined)
          assert.ok(
            result.text.includes(String(first)),
            `${def.name}: message does not name '${String(first)}': ${result.text.slice(0, 300)}`,
          );
      }
    }
    return 'invalid';
  }
  return result.isError === true ? 'error' : 'ok';
}

export function short(v: unknown): string {
  const s = JSON.stringify(v);
  return s.length > 400 ? `${s.slice(0, 400)}…` : s;
}

// ------------------------------------------------------------------ running a property: shrinking, replay, report

export interface RunOptions {
  numRuns: number;
  /** Short name of the property in replay instructions (FUZZ_ONLY). */
  key?: string | undefined;
  seed?: number | undefined;
  /** fast-check's replay path of a failure (printed in the report; FUZZ_PATH in the test and script). */
  path?: string | undefined;
}

export interface FailureDetails {
  numRuns: number;
  numShrinks: number;
  seed: number;
  counterexample: readonly unknown[] | null;
  counterexamplePath: string | null;
  errorInstance: unknown;
}

/** What a failed property says: the minimal case after shrinking, the cause, and how to replay it. */
export class FuzzFailure extends Error {
  constructor(
    readonly property: string,
    readonly details: FailureDetails,
    key = '',
  ) {
    const cause = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
    const minimal = JSON.stringify(details.counterexample?.[0] ?? null);
    super(
      [
        `fuzz property "${property}" failed at run ${details.numRuns}, shrunk ${details.numShrinks} time(s) to this minimal case:`,
        `  ${minimal}`,
        `cause: ${cause}`,
        `replay: FUZZ_SEED=${details.seed} FUZZ_PATH=${details.counterexamplePath ?? ''}${key === '' ? '' : ` FUZZ_ONLY=${key}`} node --import tsx scripts/fuzz.ts`,
      ].join('\n'),
    );
    this.name = 'FuzzFailure';
  }
}

/**
 * Runs an async property with shrinking on; a failure throws FuzzFailure naming the shrunk case.
 * Replaying a path runs only that case (fast-check's own mechanism).
 */
export async function runProperty<T>(
  property: string,
  arb: fc.Arbitrary<T>,
  body: (v: T) => Promise<void>,
  o: RunOptions,
): Promise<number> {
  const details = await fc.check(fc.asyncProperty(arb, body), {
    numRuns: o.numRuns,
    ...(o.seed !== undefined ? { seed: o.seed } : {}),
    ...(o.path !== undefined && o.path !== '' ? { path: o.path } : {}),
    endOnFailure: false,
  });
  if (details.failed) throw new FuzzFailure(property, details, o.key);
  return details.numRuns;
}

// ------------------------------------------------------------------ the tool property, shared by the test and scripts/fuzz.ts

export interface FuzzStats {
  cases: number;
  invalid: number;
  error: number;
  ok: number;
  perTool: Map<string, number>;
  filterCases: number;
  filterRefused: number;
  filterMatched: number;
  wireChecked: number;
}

export function newStats(): FuzzStats {
  return { cases: 0, invalid: 0, error: 0, ok: 0, perTool: new Map(), filterCases: 0, filterRefused: 0, filterMatched: 0, wireChecked: 0 };
}

export interface FuzzRig {
  h: Harness;
  answered: Answered[];
  rejections: RejectionTracker;
  close(): Promise<void>;
}

/** The server under fuzz (in process, simulator behind it, writes allowed but forced to dry_run) and a rejection tracker. */
export async function fuzzRig(): Promise<FuzzRig> {
  const answered: Answered[] = [];
  const rejections = trackRejections();
  // Every toolset by name (not `all`), so the discovery tool is offered and fuzzed too.
  const h = await connect({
    config: { ...demoConfig(), toolsets: Object.keys(TOOLSETS), readOnly: false, auditLog: false },
    wrap: recordingWrap(answered),
    logLevel: 'silent',
  });
  return {
    h,
    answered,
    rejections,
    close: async () => {
      await h.close();
      rejections.stop();
    },
  };
}

/** One generated tool call: which tool and its arguments. */
export function toolCalls(tools: readonly ToolDef[], pools: Pools): fc.Arbitrary<[string, Record<string, unknown>]> {
  const perTool = tools.map((def) =>
    fc.tuple(
      fc.constant(def.name),
      fc
        .oneof({ arbitrary: fc.constant(0), weight: 3 }, { arbitrary: fc.integer({ min: 1, max: 6 }), weight: 2 })
        .chain((hostility) => argsFor(def, { pools, hostility })),
    ),
  );
  return fc.oneof(...perTool);
}

/**
 * Property 1: every tool, schema-derived + hostile arguments, through a real MCP client. Beyond
 * checkCall, no call may leave an unhandled rejection behind (it would surface only later, e.g.
 * when the SDK aborts the call's signal after the answer).
 */
export async function fuzzTools(
  f: FuzzRig,
  numRuns: number,
  stats: FuzzStats,
  run: Omit<RunOptions, 'numRuns'> = {},
  only?: readonly string[],
): Promise<number> {
  const { h, answered, rejections } = f;
  const tools = allTools().filter((d) => only === undefined || only.includes(d.name));
  const byName = new Map(tools.map((d) => [d.name, d]));
  return runProperty(
    'every tool, hostile arguments',
    toolCalls(tools, poolsOf(h.sim)),
    async ([name, args]) => {
      const def = byName.get(name) as ToolDef;
      answered.length = 0;
      h.sim.requests.length = 0;
      const rejectedBefore = rejections.seen.length;
      let result: CallResult;
      try {
        result = await h.call(def.name, args, { timeout: 20_000 });
      } catch (err) {
        throw new Error(`${def.name}: callTool threw (protocol error) for ${short(args)}: ${String(err)}`);
      }
      await rejections.settle();
      assert.deepEqual(rejections.seen.slice(rejectedBefore), [], `${def.name} left an unhandled rejection behind for ${short(args)}`);
      const outcome = checkCall({ def, args, result, answered: [...answered], requests: [...h.sim.requests] });
      stats.cases++;
      stats[outcome]++;
      stats.perTool.set(def.name, (stats.perTool.get(def.name) ?? 0) + 1);
    },
    { key: 'tools', numRuns, ...run },
  );
}
