/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-argument -- answers not read typed yet (issue 16; see test/helpers/harness.ts) */
/**
 * Issue 12, "answers you can trust": the state tools' words checked against the simulator's raw
 * rows (REST answers, never the tool's own helpers).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { connect, post, rest, type Harness } from './helpers/loose.js';

describe('state tools say what the raw rows say', () => {
  let h: Harness;
  before(async () => {
    h = await connect();
  });
  after(async () => {
    await h.close();
  });

  it('thruk_list_services shows a never-checked service as PENDING (default and chosen columns)', async () => {
    const raw = (await rest(h, '/services', { columns: 'host_name,description,state,has_been_checked', has_been_checked: '0' })) as Array<{
      host_name: string;
      description: string;
      state: number;
    }>;
    assert.ok(raw.length >= 1, 'the estate has a never-checked service');
    for (const s of raw) {
      for (const columns of [undefined, 'host_name,description,state']) {
        const r = await h.call('thruk_list_services', { filter: { field: 'host', value: s.host_name }, ...(columns ? { columns } : {}) });
        const line = r.text
          .split('\n')
          .find((l) => l.includes(` ${s.description} |`) || l.startsWith(`${s.host_name} | ${s.description} |`));
        assert.ok(line !== undefined, r.text);
        assert.match(line, /\| PENDING\b/, `${columns ?? 'default'}: ${line}`);
        assert.doesNotMatch(line, /\| OK\b/);
        if (columns)
          assert.deepEqual(
            Object.keys(r.structured.rows[0]).sort(),
            columns.split(',').sort(),
            'structuredContent keeps the chosen columns only',
          );
      }
    }
  });

  it('thruk_list_hosts shows a never-checked host as PENDING', async () => {
    const host = h.sim.state.host('print-01');
    assert.ok(host);
    host.hasBeenChecked = false;
    try {
      const raw = (await rest(h, '/hosts', { columns: 'name,state,has_been_checked', name: 'print-01' })) as Array<{
        has_been_checked: unknown;
        state: number;
      }>;
      assert.equal(raw[0]?.state, 0);
      assert.ok(raw[0]?.has_been_checked === 0 || raw[0]?.has_been_checked === false);
      const r = await h.call('thruk_list_hosts', { filter: { field: 'name', value: 'print-01' } });
      assert.match(r.text, /^print-01 \| PENDING\b/m, r.text);
    } finally {
      host.hasBeenChecked = true;
    }
  });

  it('thruk_problems shows the columns asked for in its text', async () => {
    const r = await h.call('thruk_problems', { columns: 'peer_name,check_command', limit: 5 });
    assert.equal(r.isError, undefined, r.text);
    assert.match(r.text, /^host \| service \| state \| for \| output \| peer_name \| check_command$/m, r.text);
    const first = r.structured.rows[0];
    const raw =
      first.service === undefined
        ? (await rest(h, '/hosts', { columns: 'peer_name,check_command', name: first.host }))[0]
        : (await rest(h, '/services', { columns: 'peer_name,check_command', host_name: first.host, description: first.service }))[0];
    const line = r.text.split('\n').find((l) => l.startsWith(`${first.host} | ${first.service ?? ''} |`));
    assert.ok(line?.endsWith(`| ${raw.peer_name} | ${raw.check_command}`), line);
  });

  it('thruk_get_service prints comments readably and keeps the state age apart from the handling', async () => {
    const raw = (
      await rest(h, '/services', {
        columns: 'host_name,description,comments_with_info,last_state_change',
        acknowledged: '1',
        host_name: 'nas-01.example.com',
      })
    )[0];
    assert.ok(Array.isArray(raw.comments_with_info) && raw.comments_with_info.length > 0);
    const r = await h.call('thruk_get_service', { host: raw.host_name, service: raw.description });
    const [id, author, text] = raw.comments_with_info[0];
    assert.match(
      r.text,
      new RegExp(`^comments_with_info: #${id} by ${author}: ${text.slice(0, 20).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`, 'm'),
      r.text,
    );
    assert.doesNotMatch(r.text, /\[\[/);
    // "CRITICAL acked for 7h" read as an ack lasting 7h: the age follows the state, handling is its own line.
    assert.match(r.text, /^CRITICAL for \S+( \S+)? \(since \S+Z\):/m, r.text);
    assert.doesNotMatch(r.text, /acked for|downtime for/);
    assert.match(r.text, /^handling: acknowledged \((sticky|not sticky|sticky or not: Thruk does not say)\)$/m);
  });

  it('a service whose host is in downtime says "host in downtime", not "host handled"', async () => {
    const svc = (
      await rest(h, '/services', {
        columns: 'host_name,description',
        'state[gte]': '1',
        host_state: '0',
        acknowledged: '0',
        scheduled_downtime_depth: '0',
        host_name: 'web-02',
      })
    )[0];
    assert.ok(svc, 'web-02 has a problem service');
    await post(h, `/hosts/${svc.host_name}/cmd/schedule_host_downtime`, { start_time: 'now', end_time: '+1h', comment_data: 'patching' });
    const check = (
      await rest(h, '/services', { columns: 'host_scheduled_downtime_depth', host_name: svc.host_name, description: svc.description })
    )[0];
    assert.ok(check.host_scheduled_downtime_depth > 0);
    const r = await h.call('thruk_problems', { include_handled: true, filter: { field: 'host', value: svc.host_name } });
    const line = r.text.split('\n').find((l) => l.startsWith(`${svc.host_name} | ${svc.description} |`));
    assert.match(line ?? '', /host in downtime/, r.text);
    assert.doesNotMatch(r.text, /host handled/);
    const row = r.structured.rows.find((x: any) => x.service === svc.description);
    assert.ok(row.handled.includes('host in downtime'));
  });

  it('last_state_change 0 (Icinga 2, first state since the core started): the age is "at least since the core started"', async () => {
    const host = h.sim.state.host('branch-router-01');
    assert.ok(host);
    const saved = host.lastStateChange;
    host.lastStateChange = 0;
    try {
      const proc = (await rest(h, '/processinfo', { columns: 'peer_name,program_start' }))[0];
      const raw = (await rest(h, '/hosts', { columns: 'last_state_change,state', name: 'branch-router-01' }))[0];
      assert.equal(raw.last_state_change, 0);
      const ageS = Math.floor(Date.now() / 1000) - proc.program_start;
      const p = await h.call('thruk_problems', { filter: { field: 'host', value: 'branch-router-01' }, type: 'hosts' });
      const row = p.structured.rows.find((x: any) => x.host === 'branch-router-01');
      assert.equal(row.duration_at_least, true);
      assert.ok(Math.abs(row.duration_s - ageS) <= 2, `${row.duration_s} vs ${ageS}`);
      assert.equal(row.since, new Date(proc.program_start * 1000).toISOString().replace('.000Z', 'Z'));
      assert.match(p.text, /^branch-router-01 \|  \| DOWN \| ≥\d/m, p.text);
      const g = await h.call('thruk_get_host', { host: 'branch-router-01' });
      assert.match(g.text, /^DOWN for ≥ \S+( \S+)? \(since the core started at \S+Z\)/m, g.text);
      const l = await h.call('thruk_list_hosts', { filter: { field: 'name', value: 'branch-router-01' } });
      assert.match(l.text, /^branch-router-01 \| DOWN \| ≥\d/m, l.text);
      // Oldest problems: at least as old as the core, so ranked by that, not "unknown, listed last".
      const o = await h.call('thruk_oldest_problems', { limit: 100 });
      const mine = o.structured.rows.find((x: any) => x.host === 'branch-router-01' && x.service === null);
      assert.equal(mine.duration_at_least, true, o.text);
      assert.ok(Math.abs(mine.duration_s - ageS) <= 2);
      const older = o.structured.rows.filter((x: any) => (x.duration_s ?? -1) > mine.duration_s).length;
      assert.equal(o.structured.rows.indexOf(mine), older, 'ranked by its lower bound');
    } finally {
      host.lastStateChange = saved;
    }
  });
});
