/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-member-access -- answers not read typed yet (issue 16; see test/helpers/harness.ts) */
/**
 * thruk_get_downtime when downtime ids overlap across cores (issue 13): each core numbers its own
 * downtimes, so an id both cores use is refused with every candidate (core, object, window) and a
 * backends hint, as the deletes refuse it; with backends it reads that core's downtime. One core of
 * either flavour: the downtime, no core label. Checked against the simulator's raw /downtimes rows.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TWO_CORES, type CoreFlavour } from '../src/sim/index.js';
import { connect, rest } from './helpers/loose.js';

describe('thruk_get_downtime and per-core ids', () => {
  it("an id on both cores is refused with each core's downtime and a backends hint; backends reads that core's", async () => {
    const h = await connect({ sim: { sites: TWO_CORES } });
    try {
      const raw = (await rest(h, '/downtimes', { columns: 'id,host_name,service_description,author,peer_name' })) as Array<
        Record<string, any>
      >;
      const shared = raw.find((d) => raw.some((o) => o.id === d.id && o.peer_name !== d.peer_name));
      assert.ok(shared, 'a downtime id both cores use');
      const same = raw.filter((d) => d.id === shared.id);
      const r = await h.call('thruk_get_downtime', { downtime_id: shared.id });
      assert.equal(r.isError, true, r.text);
      assert.match(r.text, new RegExp(`^Downtime id ${shared.id} exists on several backends \\(ids are per core\\): `));
      for (const d of same) {
        const obj = d.service_description ? `service ${d.host_name}/${d.service_description}` : `host ${d.host_name}`;
        assert.ok(r.text.includes(`${d.peer_name}: ${obj}, `), `${d.peer_name}'s candidate in: ${r.text}`);
      }
      assert.match(r.text, /Pass backends \("icinga" or "naemon"\) to read one\./);
      for (const d of same) {
        const one = await h.call('thruk_get_downtime', { downtime_id: shared.id, backends: d.peer_name });
        assert.equal(one.isError, undefined, one.text);
        assert.equal(one.structured.downtime.peer_name, d.peer_name);
        assert.equal(one.structured.downtime.host_name, d.host_name);
        assert.equal(one.structured.downtime.author, d.author);
        assert.match(one.text, new RegExp(`^downtime #${shared.id}\\n`), 'one core in scope: no label needed');
      }
      // An id only one core has is shown, labelled with its core.
      const lone = raw.find((d) => raw.filter((o) => o.id === d.id).length === 1);
      assert.ok(lone, 'an id only one core uses');
      const l = await h.call('thruk_get_downtime', { downtime_id: lone.id });
      assert.equal(l.isError, undefined, l.text);
      assert.equal(l.structured.downtime.peer_name, lone.peer_name);
      assert.match(l.text, new RegExp(`^downtime #${lone.id} on ${lone.peer_name}\\n`));
      assert.equal('others' in l.structured, false);
    } finally {
      await h.close();
    }
  });

  for (const core of ['icinga2', 'naemon'] as const satisfies readonly CoreFlavour[]) {
    it(`${core}, one core: the downtime with its flavour's values, no core label`, async () => {
      const h = await connect({ sim: { sites: [{ key: 'only', core }] } });
      try {
        const raw = (await rest(h, '/downtimes', { columns: 'id,host_name,fixed,duration,start_time,end_time' })) as Array<
          Record<string, any>
        >;
        const d = raw.find((x) => x.fixed === true || x.fixed === 1);
        assert.ok(d, 'a fixed downtime');
        const r = await h.call('thruk_get_downtime', { downtime_id: d.id });
        assert.equal(r.isError, undefined, r.text);
        assert.equal(r.structured.downtime.host_name, d.host_name);
        assert.equal(r.structured.downtime.status, 'active');
        assert.match(r.text, new RegExp(`^downtime #${d.id}\\n`));
        // Fixed on either core: Naemon answers fixed 1 and duration end-start, Icinga 2 true and 0.
        assert.match(r.text, /\| fixed \|/);
        assert.doesNotMatch(r.text, /@only|flexible/);
      } finally {
        await h.close();
      }
    });
  }
});
