/**
 * Issue 12, "answers you can trust": the state tools' words checked against the simulator's raw
 * rows (REST answers, never the tool's own helpers).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { connect, rest, type Harness } from './helpers/harness.js';

describe('state tools say what the raw rows say', () => {
  let h: Harness;
  before(async () => {
    h = await connect();
  });
  after(async () => {
    await h.close();
  });

  it('thruk_list_services shows a never-checked service as PENDING (default and chosen columns)', async () => {
    const raw = (await rest(h, '/services', { columns: 'host_name,description,state,has_been_checked', has_been_checked: '0' })) as Array<{ host_name: string; description: string; state: number }>;
    assert.ok(raw.length >= 1, 'the estate has a never-checked service');
    for (const s of raw) {
      for (const columns of [undefined, 'host_name,description,state']) {
        const r = await h.call('thruk_list_services', { filter: { field: 'host', value: s.host_name }, ...(columns ? { columns } : {}) });
        const line = r.text.split('\n').find((l) => l.includes(` ${s.description} |`) || l.startsWith(`${s.host_name} | ${s.description} |`));
        assert.ok(line !== undefined, r.text);
        assert.match(line, /\| PENDING\b/, `${columns ?? 'default'}: ${line}`);
        assert.doesNotMatch(line, /\| OK\b/);
        if (columns) assert.deepEqual(Object.keys(r.structured.rows[0]).sort(), columns.split(',').sort(), 'structuredContent keeps the chosen columns only');
      }
    }
  });

  it('thruk_list_hosts shows a never-checked host as PENDING', async () => {
    const host = h.sim.state.host('print-01');
    assert.ok(host);
    host.hasBeenChecked = false;
    try {
      const raw = (await rest(h, '/hosts', { columns: 'name,state,has_been_checked', name: 'print-01' })) as Array<{ has_been_checked: unknown; state: number }>;
      assert.equal(raw[0]?.state, 0);
      assert.ok(raw[0]?.has_been_checked === 0 || raw[0]?.has_been_checked === false);
      const r = await h.call('thruk_list_hosts', { filter: { field: 'name', value: 'print-01' } });
      assert.match(r.text, /^print-01 \| PENDING\b/m, r.text);
    } finally {
      host.hasBeenChecked = true;
    }
  });
});
