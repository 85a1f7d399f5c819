/**
 * Suite 1 (issue 8): property-based fuzzing of every registered tool through a real MCP client, and
 * of structured filters against a reference evaluation over the simulator's state (the answer and
 * the filter the simulator received). 2 000 cases: 1 600 tool calls + 300 host filters + 100
 * service filters. FUZZ_SEED fixes the seed (default fixed, so the test command is reproducible;
 * scripts/fuzz.ts runs ≥ 10 000 with random seeds). A failure names the shrunk minimal case.
 */
// First, so the suite-wide secret guard is in place before any logger exists.
import './helpers/secret-guard.js';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MAX_FILTER_DEPTH } from '../src/thruk/filter.js';
import {
  depthOf,
  evalNode,
  fuzzFilters,
  HOSTS_SPEC,
  listAll,
  nestedTree,
  SERVICES_SPEC,
  type FilterTableSpec,
  type Node,
} from './helpers/fuzz-filters.js';
import { fuzzRig, fuzzTools, FuzzFailure, newStats, type FuzzRig } from './helpers/fuzzkit.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20261121);
const TOOL_CASES = 1600;
const HOST_FILTERS = 300;
const SERVICE_FILTERS = 100;

describe('fuzz: every tool and every filter, hostile input, real MCP client', () => {
  let f: FuzzRig;
  const stats = newStats();
  before(async () => {
    f = await fuzzRig();
  });
  after(async () => f.close());

  it(`${TOOL_CASES} tool calls with schema-derived and hostile arguments keep every invariant`, async (t) => {
    const ran = await fuzzTools(f, TOOL_CASES, stats, { seed: SEED });
    t.diagnostic(
      `seed=${SEED} cases=${stats.cases} invalid=${stats.invalid} error=${stats.error} ok=${stats.ok} tools=${stats.perTool.size}`,
    );
    assert.equal(ran, TOOL_CASES);
    assert.equal(stats.cases, TOOL_CASES);
    // The property is only worth something if it reaches the tools' own code, not just validation.
    assert.ok(stats.ok + stats.error > TOOL_CASES / 3, 'too few calls got past argument validation');
  });

  it(`${HOST_FILTERS + SERVICE_FILTERS} structured filters select exactly what a reference evaluator selects, in the answer and on the wire`, async (t) => {
    await fuzzFilters(f, HOSTS_SPEC, HOST_FILTERS, stats, { seed: SEED });
    await fuzzFilters(f, SERVICES_SPEC, SERVICE_FILTERS, stats, { seed: SEED });
    t.diagnostic(
      `filters=${stats.filterCases} refused=${stats.filterRefused} non-empty=${stats.filterMatched} wire-checked=${stats.wireChecked}`,
    );
    assert.equal(stats.filterCases, HOST_FILTERS + SERVICE_FILTERS);
    assert.ok(stats.filterRefused < stats.filterCases / 4, 'too many filters refused: the property is weak');
    assert.ok(stats.wireChecked >= stats.filterCases - stats.filterRefused);
  });

  it('no unhandled rejection escaped during the fuzzing', async () => {
    await f.rejections.settle();
    assert.deepEqual(f.rejections.seen, []);
  });

  it('a tree at the maximum depth works; one level deeper is refused naming the limit', async () => {
    const inner = { field: 'name', op: 'regex' as const, value: '^web' };
    const ok = await listAll(f.h, HOSTS_SPEC, nestedTree(MAX_FILTER_DEPTH, inner));
    assert.ok('keys' in ok);
    const expected = f.h.sim.state.hosts
      .filter((x) => evalNode(HOSTS_SPEC, nestedTree(MAX_FILTER_DEPTH, inner), x))
      .map((x) => x.name)
      .sort();
    assert.deepEqual([...ok.keys].sort(), expected);
    const deep = await f.h.call('thruk_list_hosts', { filter: nestedTree(MAX_FILTER_DEPTH + 1, inner) });
    assert.equal(deep.isError, true);
    assert.match(deep.text, /filter/);
    assert.match(deep.text, /nested too deeply/);
  });

  it('a failing property shrinks to a minimal case, and the reported seed and path replay it', async () => {
    // A reference that is wrong about one operator: the property must fail, and shrink to one leaf.
    const wrong: FilterTableSpec = {
      ...HOSTS_SPEC,
      evalLeaf: (leaf, o) => (leaf.op === 'neq' ? !HOSTS_SPEC.evalLeaf(leaf, o) : HOSTS_SPEC.evalLeaf(leaf, o)),
    };
    const err = await fuzzFilters(f, wrong, 200, newStats(), { seed: SEED }).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(err instanceof FuzzFailure, `expected a FuzzFailure, got ${String(err)}`);
    const minimal = err.details.counterexample?.[0] as Node;
    // Shrunk to the leaf at fault, or at most one flat group around it (fast-check's array
    // shrinker does not always drop a trailing innocent sibling).
    const leaves = 'conditions' in minimal ? minimal.conditions : [minimal];
    assert.ok(depthOf(minimal) <= 1 && leaves.length <= 2, `not shrunk: ${JSON.stringify(minimal)}`);
    assert.ok(
      leaves.some((l) => 'op' in l && l.op === 'neq'),
      `the minimal case lacks the neq at fault: ${JSON.stringify(minimal)}`,
    );
    assert.match(err.message, /shrunk \d+ time\(s\) to this minimal case:\n {2}\{/);
    assert.ok(err.message.includes(JSON.stringify(minimal)), 'the report shows the minimal case');
    assert.match(err.message, /selected the wrong objects/);
    const replay = /FUZZ_SEED=(\d+) FUZZ_PATH=([\d:]+) FUZZ_ONLY=host-filters/.exec(err.message);
    assert.ok(replay, err.message);
    // Replaying runs exactly the minimal case, first time.
    const again = await fuzzFilters(f, wrong, 200, newStats(), { seed: Number(replay[1]), path: replay[2] }).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(again instanceof FuzzFailure);
    assert.deepEqual(again.details.counterexample?.[0], minimal);
    assert.equal(again.details.numRuns, 1);
  });
});
