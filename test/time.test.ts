import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDuration, parseTime, timeWindow, TimeParseError } from '../src/tools/lib/time.js';

const NOW = Date.UTC(2026, 10, 21, 10, 30, 0); // 2026-11-21T10:30:00Z
const n = NOW / 1000;
const day = Date.UTC(2026, 10, 21) / 1000;

describe('time expressions', () => {
  const cases: Array<[string | number, number]> = [
    ['now', n],
    ['-2h', n - 7200],
    ['2h', n - 7200],
    ['+30m', n + 1800],
    ['-1d 12h', n - 86400 - 43200],
    ['now-2h', n - 7200],
    ['now + 90m', n + 5400],
    ['today', day],
    ['today+8h', day + 8 * 3600],
    ['yesterday', day - 86400],
    ['yesterday 06:00', day - 86400 + 6 * 3600],
    ['tomorrow', day + 86400],
    ['-1w', n - 604800],
    ['-1M', n - 2592000],
    ['-2 hours', n - 7200],
    [1795237158, 1795237158],
    [1795237158000, 1795237158],
    ['1795237158', 1795237158],
    ['2026-11-21T08:00:00Z', day + 8 * 3600],
    ['2026-11-21T09:00:00+01:00', day + 8 * 3600],
    ['2026-11-21T03:00:00-0500', day + 8 * 3600],
    ['2026-11-21 08:00', day + 8 * 3600],
    ['2026-11-21', day],
  ];
  for (const [input, want] of cases) {
    it(`reads ${JSON.stringify(input)}`, () => assert.equal(parseTime(input, NOW), want));
  }
  for (const bad of ['', 'soon', '60', '2026-13-01', '2026-02-30', 'now + 2 lightyears', '-h']) {
    it(`refuses ${JSON.stringify(bad)} with a hint`, () => {
      assert.throws(
        () => parseTime(bad, NOW, 'since'),
        (e: unknown) => e instanceof TimeParseError && /^since: /.test(e.message) && /-2h/.test(e.message),
      );
    });
  }
  it('reads durations', () => {
    assert.equal(parseDuration('90m'), 5400);
    assert.equal(parseDuration('1d 12h'), 129600);
    assert.equal(parseDuration(600), 600);
    assert.equal(parseDuration('600'), 600);
    assert.throws(() => parseDuration('-5m'), TimeParseError);
  });
  it('orders windows and defaults until to now', () => {
    assert.deepEqual(timeWindow('-1h', undefined, NOW), { since: n - 3600, until: n });
    assert.throws(() => timeWindow('-1h', '-2h', NOW), /before since/);
  });
});
