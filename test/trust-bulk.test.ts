/**
 * thruk_bulk_acknowledge: matching is explicit (exact, wildcard, regex) and said in the preview;
 * every object of the scope that is not targeted is counted with its reason; "nothing matches"
 * says what did match, and its advice is followed here to check that it helps.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { connect, rest, type Harness } from './helpers/harness.js';

type Obj = {
  state: number;
  has_been_checked: unknown;
  acknowledged: unknown;
  scheduled_downtime_depth: number;
  host_scheduled_downtime_depth?: number;
};
const yes = (v: unknown) => v === 1 || v === true;
/** Reference classification, written here from the raw rows. */
function reason(o: Obj, kind: 'host' | 'service'): string | undefined {
  if (!yes(o.has_been_checked)) return 'not yet checked';
  if (o.state === 0) return 'OK';
  if (yes(o.acknowledged)) return 'already acknowledged';
  if (o.scheduled_downtime_depth > 0) return 'in downtime';
  if (kind === 'service' && (o.host_scheduled_downtime_depth ?? 0) > 0) return 'host in downtime';
  return undefined;
}

describe('thruk_bulk_acknowledge matching and reporting', () => {
  let h: Harness;
  before(async () => {
    h = await connect();
  });
  after(async () => {
    await h.close();
  });

  const svcCols = 'host_name,description,state,has_been_checked,acknowledged,scheduled_downtime_depth,host_scheduled_downtime_depth';

  it('an exact name that matches nothing says so, and the suggested match="regex" targets what it promised', async () => {
    const r = await h.call('thruk_bulk_acknowledge', { service: 'disk' });
    assert.equal(r.isError, true);
    assert.match(r.text, /service named exactly 'disk'/);
    assert.match(r.text, /No object matches these names and groups at all/);
    const raw = (await rest(h, '/services', { columns: svcCols, 'description[regex]': 'disk' })) as Obj[];
    const expected = raw.filter((o) => reason(o, 'service') === undefined).length;
    assert.ok(expected > 0);
    assert.match(r.text, new RegExp(`match="regex" \\(names containing it\\) would target ${expected}\\.`));
    const follow = await h.call('thruk_bulk_acknowledge', { service: 'disk', match: 'regex', dry_run: true });
    assert.equal(follow.structured.targets, expected, follow.text);
    assert.match(follow.text, /service matching the regex 'disk' \(anywhere in the name, case-insensitive\)/);
  });

  it('the preview counts every object of the scope that is not targeted, with its reason', async () => {
    const r = await h.call('thruk_bulk_acknowledge', { hostgroup: 'linux-servers', dry_run: true });
    assert.equal(r.structured.status, 'preview', r.text);
    const hosts = (await rest(h, '/hosts', {
      columns: 'name,state,has_been_checked,acknowledged,scheduled_downtime_depth',
      'groups[gte]': 'linux-servers',
    })) as Obj[];
    const svcs = (await rest(h, '/services', { columns: svcCols, 'host_groups[gte]': 'linux-servers' })) as Obj[];
    const counts = new Map<string, number>();
    let targets = 0;
    for (const [o, k] of [...hosts.map((x) => [x, 'host'] as const), ...svcs.map((x) => [x, 'service'] as const)]) {
      const why = reason(o, k);
      if (why === undefined) targets++;
      else counts.set(why, (counts.get(why) ?? 0) + 1);
    }
    assert.equal(r.structured.targets, targets);
    assert.ok(counts.size >= 2, 'the group has OK and handled objects');
    const note = r.text.split('\n').find((l) => l.includes('Not targeted')) ?? '';
    assert.match(note, new RegExp(`Not targeted of the ${hosts.length + svcs.length} matching objects: `), note);
    for (const [why, n] of counts) assert.ok(note.includes(`${n} ${why}`), `${n} ${why} in: ${note}`);
  });

  it('wildcard matches the whole name; the preview says which matching was used', async () => {
    const raw = (await rest(h, '/services', { columns: svcCols, 'description[regex]': '^disk.*$' })) as Obj[];
    const expected = raw.filter((o) => reason(o, 'service') === undefined).length;
    const r = await h.call('thruk_bulk_acknowledge', { service: 'disk*', match: 'wildcard', dry_run: true });
    assert.equal(r.structured.targets, expected, r.text);
    assert.match(r.text, /service matching the wildcard 'disk\*' \(whole name, \* and \?\)/);
    const exact = await h.call('thruk_bulk_acknowledge', { host: 'mail-01', dry_run: true });
    assert.match(exact.text, /host named exactly 'mail-01'/);
  });
});
