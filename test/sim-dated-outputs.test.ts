/** The demo estate's outputs are dated relative to its clock, so they never describe a past as future. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createSimulator } from '../src/sim/index.js';
import { datedText } from '../src/sim/estate-kind.js';

const get = async (sim: ReturnType<typeof createSimulator>, path: string) => {
  const res = await sim.fetch(new Request(`http://s/thruk/r${path}`, { headers: { 'X-Thruk-Auth-Key': 'demo' } }));
  return (await res.json()) as Array<Record<string, unknown>>;
};

describe('dated simulator outputs', () => {
  it('datedText puts the day relative to the given time, at noon UTC', () => {
    const at = Date.UTC(2031, 0, 30, 23, 59) / 1000;
    assert.equal(datedText('expires in 12 day(s) ({date+12d}).', at), 'expires in 12 day(s) (2031-02-11 12:00 +0000).');
    assert.equal(datedText('expired on {date-36d}.', at), 'expired on 2030-12-25 12:00 +0000.');
    assert.equal(datedText('no token', at), 'no token');
  });

  for (const year of [2026, 2035]) {
    it(`the certificate warning of an estate built in ${year} names a date 12 days after the estate's now`, async () => {
      const now = Date.UTC(year, 5, 1, 8, 0);
      const sim = createSimulator({ hosts: 25, apiKey: 'demo', seed: 1, now: () => now });
      const rows = await get(sim, '/services?description=https-cert&columns=host_name,state,plugin_output');
      const warn = rows.find((r) => r.state === 1);
      assert.ok(warn !== undefined, JSON.stringify(rows));
      const expected = new Date(now + 12 * 86_400_000).toISOString().slice(0, 10);
      assert.equal(warn.plugin_output, `WARNING - Certificate 'www.example.invalid' expires in 12 day(s) (${expected} 12:00 +0000).`);
      assert.ok(
        rows.every((r) => !String(r.plugin_output).includes('{date')),
        'no token left',
      );
    });
  }
});
