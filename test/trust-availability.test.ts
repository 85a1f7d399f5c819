/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-return -- answers not read typed yet (issue 16; see test/helpers/harness.ts) */
/** Availability headlines say how much of the window has no data (checked against Thruk's raw report). */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { connect, type Harness } from './helpers/loose.js';

async function raw(h: Harness, path: string, params: Array<[string, string]>): Promise<any> {
  const url = new URL(`http://sim.invalid/demo/thruk/r${path}`);
  for (const [k, v] of params) url.searchParams.append(k, v);
  const res = await h.sim.fetch(new Request(url, { headers: { 'X-Thruk-Auth-Key': h.config.thruk.apiKey } }));
  assert.equal(res.status, 200);
  return res.json();
}
const epoch = (t: string) => Math.floor(Date.parse(t) / 1000);
const win = (w: { since: string; until: string }): Array<[string, string]> => [
  ['start', String(epoch(w.since))],
  ['end', String(epoch(w.until))],
];
const noDataShare = (rows: any[]): number => {
  const nd = rows.reduce(
    (s, t) => s + t.time_indeterminate_nodata + t.time_indeterminate_notrunning + (t.time_indeterminate_outside_timeperiod ?? 0),
    0,
  );
  const all = rows.reduce(
    (s, t) =>
      s +
      t.time_up +
      t.time_down +
      t.time_unreachable +
      t.time_indeterminate_nodata +
      t.time_indeterminate_notrunning +
      (t.time_indeterminate_outside_timeperiod ?? 0),
    0,
  );
  return (nd / all) * 100;
};

describe('availability headlines carry the no-data share', () => {
  let h: Harness;
  before(async () => {
    h = await connect();
  });
  after(async () => {
    await h.close();
  });

  it('thruk_hostgroup_availability_summary: headline says the share of time without data', async () => {
    const r = await h.call('thruk_hostgroup_availability_summary', { hostgroup: 'linux-servers', since: '-30d' });
    assert.equal(r.isError, undefined, r.text);
    const rows = (await raw(h, '/hostgroups/linux-servers/availability', win(r.structured.window))) as any[];
    const share = noDataShare(rows);
    assert.ok(share > 10, `the demo's 30-day window is mostly without data (${share})`);
    const head = r.text.split('\n').find((l) => l.startsWith('Hosts:'));
    assert.ok(head, r.text);
    assert.match(head, new RegExp(`no data for ${Math.round(share * 10) / 10}%`), head);
    assert.equal(Math.round((100 - r.structured.hosts.data_percent) * 10) / 10, Math.round(share * 10) / 10);
  });

  it('thruk_host_availability: the first line says the percentage is over the time with data', async () => {
    const r = await h.call('thruk_host_availability', { host: 'db-02', since: '-30d' });
    const t = await raw(h, '/hosts/db-02/availability', win(r.structured.window));
    const share = noDataShare([t]);
    assert.ok(share > 10);
    const first = r.text.split('\n')[0] ?? '';
    assert.match(first, new RegExp(`over the [0-9.]+% of the window with data \\(no data for ${Math.round(share * 10) / 10}%\\)`), first);
  });

  it('a window fully covered by data keeps the plain headline', async () => {
    const r = await h.call('thruk_host_availability', { host: 'db-02', since: '-1h' });
    const t = await raw(h, '/hosts/db-02/availability', win(r.structured.window));
    if (noDataShare([t]) === 0) assert.doesNotMatch(r.text.split('\n')[0] ?? '', /no data/);
    else assert.match(r.text.split('\n')[0] ?? '', /no data for/);
  });
});
