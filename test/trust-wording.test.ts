/** Headlines that say what was counted: alerts are not problems, problem time is not scheduled downtime. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { connect, rest, type Harness } from './helpers/harness.js';

describe('trend headlines name what they count', () => {
  let h: Harness;
  before(async () => {
    h = await connect();
  });
  after(async () => {
    await h.close();
  });

  it('thruk_recurring_problems counts non-OK alerts (retries included) and says so, matching the raw rows', async () => {
    const r = await h.call('thruk_recurring_problems', { since: '-7d' });
    const since = Math.floor(Date.parse(r.structured.since) / 1000);
    const until = Math.floor(Date.parse(r.structured.until) / 1000);
    const raw = (await rest(h, '/logs', {
      class: '1',
      'type[regex]': '^(HOST|SERVICE) ALERT$',
      'time[gte]': String(since),
      'time[lte]': String(until),
      columns: 'type,options',
    })) as Array<{ type: string; options: string }>;
    const perObject = new Map<string, number>();
    for (const x of raw) {
      const f = x.options.split(';');
      const svc = x.type === 'SERVICE ALERT';
      const st = f[svc ? 2 : 1];
      if (st === 'OK' || st === 'UP') continue;
      const key = svc ? `${f[0]}/${f[1]}` : (f[0] ?? '');
      perObject.set(key, (perObject.get(key) ?? 0) + 1);
    }
    const above = [...perObject.values()].filter((n) => n >= 5).length;
    assert.equal(r.structured.total_objects_above_threshold, above);
    assert.match(
      r.text.split('\n')[0] ?? '',
      new RegExp(`${above} objects? had at least 5 non-OK alerts \\(SOFT retries and HARD, recoveries excluded\\)`),
    );
    assert.doesNotMatch(r.text, /went non-OK/);
  });

  it('thruk_reliability_report calls problem time problem time, not downtime', async () => {
    const r = await h.call('thruk_reliability_report', { since: '-7d' });
    assert.match(r.text, /most problem time first \(HARD non-OK time, not scheduled downtime\):\nobject \| incidents \| problem time \|/);
    assert.doesNotMatch(r.text, /most downtime first/);
  });
});
