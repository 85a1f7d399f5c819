/**
 * Thruk requests and sequential rounds per everyday tool, counted in the simulator's request log
 * (issue 18): against a far Thruk a call costs about rounds × latency, so a change that makes a
 * tool wait for one answer before asking the next fails here. The simulator holds every answer
 * back by a timer, so requests issued together are seen to overlap and the counts are exact
 * (src/sim/rounds.ts); no time is measured. Cold: a fresh server (empty cache). Warm: the same
 * call again at once, with the slow-moving supporting data (sites, core start times, totals)
 * cached by THRUK_CACHE_TTL.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FAR_CASES, measure, type FarCase } from '../bench/lib/far-cases.js';
import { countRounds, roundsOf, type RequestTiming } from '../src/sim/index.js';
import { latencySource } from '../src/sim/rounds.js';
import { connect } from './helpers/harness.js';

/**
 * The targets (issue 18 point 2): an everyday read answers in one round when its supporting data
 * is warm and in at most two cold. `warm` below 1 only where BENCHMARKS.md says why not met;
 * `requests` caps the requests of a call (cold, warm), so a tool that starts asking more fails too.
 */
interface Bound {
  readonly cold: number;
  readonly warm: number;
  readonly requests: readonly [number, number];
  /** Why the warm target of one round is not met (must match BENCHMARKS.md's "why not met"). */
  readonly why?: string;
}

const LOG_WINDOW =
  'the window is counted per second first (one request), then exactly the rows of the page are read: Thruk applies limit before sort on logs';

const BOUNDS: Readonly<Record<string, Bound>> = {
  thruk_brief: { cold: 1, warm: 1, requests: [23, 23] },
  thruk_enable_toolset: { cold: 0, warm: 0, requests: [0, 0] },
  thruk_problems: { cold: 2, warm: 1, requests: [8, 2] },
  // The third request counts passively checked DOWN hosts, which Thruk's host totals leave out (issue 12).
  thruk_totals: { cold: 1, warm: 1, requests: [3, 3] },
  thruk_list_hosts: { cold: 2, warm: 1, requests: [4, 1] },
  thruk_get_host: { cold: 1, warm: 1, requests: [5, 3] },
  thruk_list_services: { cold: 2, warm: 1, requests: [4, 1] },
  thruk_get_service: { cold: 1, warm: 1, requests: [3, 1] },
  thruk_sites: { cold: 1, warm: 1, requests: [1, 1] },
  thruk_list_logs: { cold: 2, warm: 2, requests: [6, 4], why: LOG_WINDOW },
  thruk_list_downtimes: { cold: 1, warm: 1, requests: [1, 1] },
  thruk_incident_timeline: { cold: 2, warm: 1, requests: [10, 8] },
  thruk_root_cause: { cold: 2, warm: 1, requests: [9, 7] },
};

const everyday = FAR_CASES.filter((c) => c.everyday);

describe('rounds: the counting itself', () => {
  const r = (startSeq: number, endSeq: number): RequestTiming => ({ startSeq, endSeq, startMs: 0 });
  it('requests issued together share a round; one issued after an answer starts the next', () => {
    // a and b overlap (b starts before a ends), c starts after a ended, d after c ended
    const log = [r(0, 3), r(1, 2), r(4, 5), r(6, 7)];
    assert.deepEqual(roundsOf(log), [1, 1, 2, 3]);
    assert.equal(countRounds(log), 3);
  });
  it('a request waits only for what had ended before it started', () => {
    // c starts after b ended but while a is still pending: round 2; d after a (round 1) only: round 2
    const log = [r(0, 10), r(1, 2), r(3, 4), r(11, 12)];
    assert.deepEqual(roundsOf(log), [1, 1, 2, 3]);
    assert.equal(countRounds([]), 0);
  });
});

describe('simulator latency', () => {
  it('jitter stays within ± jitter of the base, never below 0, and repeats for a seed', () => {
    const a = latencySource(50, 20, 7);
    const xs = Array.from({ length: 200 }, () => a());
    assert.ok(
      xs.every((x) => x >= 30 && x <= 70),
      'within 50 ± 20',
    );
    assert.ok(new Set(xs).size > 100, 'it varies');
    const b = latencySource(50, 20, 7);
    assert.deepEqual(
      Array.from({ length: 200 }, () => b()),
      xs,
    );
    assert.ok(Array.from({ length: 100 }, latencySource(5, 20, 3)).every((x) => x >= 0));
    assert.equal(latencySource(200, 0, 1)(), 200);
  });
  it('every request of the log has its start and end in one event order', async () => {
    const h = await connect({ sim: { latencyMs: 1 } });
    try {
      await h.call('thruk_get_host', { host: 'web-02' });
      const log = h.sim.requests;
      assert.ok(log.length >= 2);
      for (const r of log) assert.ok(r.endSeq !== undefined && r.endSeq > r.startSeq && (r.endMs ?? 0) >= r.startMs);
    } finally {
      await h.close();
    }
  });
});

describe('rounds per everyday tool against the simulator (issue 18)', () => {
  it('covers every read of the default selection plus root cause', () => {
    const names = new Set(everyday.map((c) => c.tool));
    for (const t of [
      'thruk_brief',
      'thruk_problems',
      'thruk_totals',
      'thruk_list_hosts',
      'thruk_get_host',
      'thruk_list_services',
      'thruk_get_service',
      'thruk_sites',
      'thruk_list_logs',
      'thruk_list_downtimes',
      'thruk_incident_timeline',
      'thruk_root_cause',
    ]) {
      assert.ok(names.has(t), `${t} is measured`);
      assert.ok(BOUNDS[t] !== undefined, `${t} has a bound`);
    }
  });

  for (const c of everyday) {
    it(`${c.tool}: cold ≤ ${BOUNDS[c.tool]?.cold} rounds, warm ≤ ${BOUNDS[c.tool]?.warm}, never more than the Python thruk-mcp`, async () => {
      const bound = BOUNDS[c.tool];
      assert.ok(bound !== undefined, `no bound for ${c.tool}`);
      const h = await connect({ sim: { latencyMs: 1 }, env: { THRUK_TOOLSETS: 'default' } });
      try {
        const cold = await measure(h, c);
        const warm = await measure(h, c);
        // The discovery tool refuses over stateless HTTP (no session to add tools to); it asks Thruk nothing either way.
        if (c.tool !== 'thruk_enable_toolset') {
          assert.equal(cold.isError, false, cold.text);
          assert.equal(warm.isError, false, warm.text);
        }
        const say = (what: string, m: typeof cold) => `${c.tool} ${what}: ${m.requests} requests in ${m.rounds} rounds (${m.pattern})`;
        assert.ok(cold.rounds <= Math.min(bound.cold, 2), say('cold', cold));
        assert.ok(warm.rounds <= bound.warm, say('warm', warm));
        assert.ok(bound.warm <= 1 || bound.why !== undefined, `${c.tool}: a warm bound above one round needs its reason`);
        assert.ok(cold.requests <= bound.requests[0], say('cold', cold));
        assert.ok(warm.requests <= bound.requests[1], say('warm', warm));
        assertNotWorseThanPython(c, cold.rounds, warm.rounds);
      } finally {
        await h.close();
      }
    });
  }
});

/** The Python thruk-mcp's rounds for the same tool; list_logs' single request sends limit with sort, which Thruk applies before sorting (a different, wrong answer). */
const NOT_THE_SAME_ANSWER: ReadonlySet<string> = new Set(['thruk_list_logs']);

function assertNotWorseThanPython(c: FarCase, cold: number, warm: number): void {
  if (c.python === undefined || NOT_THE_SAME_ANSWER.has(c.tool)) return;
  assert.ok(warm <= c.python.rounds, `${c.tool}: ${warm} rounds warm, the Python thruk-mcp needs ${c.python.rounds} (${c.python.pattern})`);
  assert.ok(cold <= Math.max(c.python.rounds, 2), `${c.tool}: ${cold} rounds cold`);
}
