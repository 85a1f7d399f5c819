import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLogger } from '../src/server/log.js';
import { createRuntime } from '../src/server/runtime.js';
import { createSimulator } from '../src/sim/index.js';
import { fetchHandlerSend, type ThrukClient } from '../src/thruk/client.js';
import type { ToolContext } from '../src/tools/core/define.js';
import type { ObjectStats } from '../src/tools/trends/aggregate.js';
import { ALL_ALERTS, boundedMap, resolveWindow } from '../src/tools/lib/logwindow.js';
import { countTransitions, planHosts } from '../src/tools/trends/flap.js';
import { bucketStarts, countBuckets, MAX_BUCKETS } from '../src/tools/trends/heatmap.js';
import { incidentsOf, reliabilityOf } from '../src/tools/trends/incidents.js';
import { demoConfig } from './helpers/harness.js';

/** Only what the trend internals read from a context. */
function context(thruk: ThrukClient): ToolContext {
  return {
    thruk,
    config: demoConfig(),
    log: createLogger('silent'),
    signal: new AbortController().signal,
    now: () => Date.now(),
    progress: () => Promise.resolve(),
  } as unknown as ToolContext;
}

describe('HARD incident reducer', () => {
  const ev = (time: number, state: number) => ({ time, state });

  it('collapses consecutive problems, closes on recovery, keeps the open one ongoing', () => {
    const inc = incidentsOf([ev(100, 1), ev(150, 2), ev(200, 0), ev(300, 2), ev(400, 0), ev(500, 1)], 0, 1000);
    assert.deepEqual(
      inc.map((i) => [i.start, i.end, i.ongoing]),
      [
        [100, 200, false],
        [300, 400, false],
        [500, 1000, true],
      ],
    );
    const m = reliabilityOf(inc);
    assert.equal(m.incidents, 3);
    assert.equal(m.mttr, 100);
    assert.equal(m.mtbf, 200);
    assert.equal(m.downtime, 100 + 100 + 500);
    assert.equal(m.longest, 500);
    assert.equal(m.ongoing, true);
    assert.equal(m.ongoingSince, 500);
  });

  it('a leading recovery clips an incident to the window start and keeps it out of MTTR', () => {
    const inc = incidentsOf([ev(50, 0), ev(100, 1), ev(130, 0)], 10, 1000);
    assert.deepEqual(
      inc.map((i) => [i.start, i.end, i.clipped]),
      [
        [10, 50, true],
        [100, 130, false],
      ],
    );
    const m = reliabilityOf(inc);
    assert.equal(m.mttr, 30);
    assert.equal(m.downtime, 70);
    assert.equal(reliabilityOf(incidentsOf([ev(50, 0)], 10, 100)).mttr, undefined, 'no known repair time');
  });

  it('handles nothing, recoveries only, and a single ongoing incident', () => {
    assert.deepEqual(reliabilityOf(incidentsOf([], 0, 100)), { incidents: 0, downtime: 0, longest: 0, ongoing: false });
    assert.equal(incidentsOf([ev(5, 0), ev(6, 0)], 0, 100).length, 1, 'only the first recovery clips');
    const one = reliabilityOf(incidentsOf([ev(90, 2)], 0, 100));
    assert.equal(one.mtbf, undefined);
    assert.equal(one.mttr, undefined);
    assert.equal(one.downtime, 10);
  });
});

describe('flap helpers', () => {
  it('counts state changes between consecutive rows', () => {
    assert.equal(countTransitions([]), 0);
    assert.equal(countTransitions([2, 2, 2]), 0);
    assert.equal(countTransitions([0, 2, 2, 0, 1, 2]), 4);
    // The window's first alert is a change when it is attempt 1, a further attempt when not.
    assert.equal(countTransitions([1, 0, 1, 0], 1), 4);
    assert.equal(countTransitions([2, 2, 0], 2), 1);
  });

  const stat = (host: string, service: string, count: number): ObjectStats => ({
    host,
    service,
    core: '',
    count,
    first: 0,
    last: 0,
    lastState: 0,
    byState: new Map(),
  });

  it('plans the hosts to read busiest first, within the row cap, and counts what is left out', () => {
    const all = [stat('a', 'x', 50), stat('a', 'y', 10), stat('b', '', 30), stat('c', 'z', 20)];
    const plan = planHosts(all, [all[0]!, all[2]!, all[3]!], 85);
    assert.deepEqual(plan.hosts, ['a', 'c'], 'b does not fit, c still does');
    assert.equal(plan.rows, 80, 'every row of a chosen host is read');
    assert.equal(plan.skipped, 1);
    assert.equal(plan.skippedRows, 30);
    const plan2 = planHosts(all, [all[0]!, all[2]!, all[3]!], 55);
    assert.deepEqual(plan2.hosts, ['b', 'c'], 'a alone is larger than the cap');
    assert.equal(plan2.skipped, 1);
    assert.equal(plan2.skippedRows, 50);
  });
});

describe('heatmap buckets', () => {
  it('aligns buckets to UTC and refuses too many with a bucket that fits', () => {
    assert.deepEqual(bucketStarts(3601, 7300, 3600), [3600, 7200]);
    assert.deepEqual(bucketStarts(3600, 3600, 900), [3600]);
    assert.equal(bucketStarts(0, 499 * 900, 900).length, MAX_BUCKETS);
    assert.throws(() => bucketStarts(0, 500 * 900, 900), /spans 501 buckets of 15m \(at most 500\); use bucket="30m"/);
    assert.throws(() => bucketStarts(0, 600 * 86400, 86400), /spans 601 buckets.*shorten the window/);
  });

  it('counts per bucket a few at a time when the window is too busy for one group-by', async () => {
    const config = demoConfig();
    const sim = createSimulator({ apiKey: config.thruk.apiKey });
    const { thruk } = createRuntime(
      config,
      createLogger('silent'),
      fetchHandlerSend((r) => sim.fetch(r)),
    );
    let inFlight = 0;
    let peak = 0;
    const counting = {
      get: async (path: string, opts: unknown) => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        try {
          return await thruk.get(path, opts as never);
        } finally {
          inFlight--;
        }
      },
    } as unknown as ThrukClient;
    const ctx = context(counting);
    const w = resolveWindow(ctx, { since: '-2d' }, '-24h');
    const grouped = await countBuckets(ctx, ALL_ALERTS, w, 3600, undefined);
    const perBucket = await countBuckets(ctx, ALL_ALERTS, w, 3600, undefined, 1);
    assert.deepEqual(perBucket.counts, grouped.counts, 'both ways give the same counts');
    assert.ok(grouped.counts.reduce((a, b) => a + b, 0) > 0);
    assert.equal(grouped.requests, 2);
    assert.equal(perBucket.requests, 1 + perBucket.starts.length);
    assert.ok(peak <= 4, `at most 4 requests in flight (saw ${peak})`);
  });

  it('boundedMap keeps order and width', async () => {
    let live = 0;
    let max = 0;
    const out = await boundedMap([5, 1, 3, 2, 4], 2, async (n) => {
      live++;
      max = Math.max(max, live);
      await new Promise((r) => setTimeout(r, n));
      live--;
      return n * 10;
    });
    assert.deepEqual(out, [50, 10, 30, 20, 40]);
    assert.equal(max, 2);
  });
});
