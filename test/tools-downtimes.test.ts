/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-return -- answers not read typed yet (issue 16; see test/helpers/harness.ts) */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { connect, CURRENT_ERA, type Harness, rest, post } from './helpers/loose.js';

const nowSec = () => Math.floor(Date.now() / 1000);
const ids = (rows: any[]) => rows.map((r) => r.id).sort((a, b) => a - b);
const noNulls = (text: string) => assert.ok(!/\bnull\b|undefined|NaN/.test(text), `no nulls in:\n${text}`);

// Tool answers do not depend on the protocol era: run once on the current one (protocol suites loop over ERAS).
{
  const era = CURRENT_ERA;
  describe(`downtimes toolset over the ${era} protocol era`, () => {
    let h: Harness;
    before(async () => {
      h = await connect({ era });
      // A future fixed downtime, a flexible one whose window is open, and a triggered one.
      await post(h, '/hosts/web-03/cmd/schedule_host_downtime', {
        comment_data: 'future patching',
        start_time: '+2h',
        end_time: '+4h',
        comment_author: 'alice',
      });
      await post(h, '/services/web-01/http/cmd/schedule_svc_downtime', {
        comment_data: 'flex window',
        fixed: 0,
        duration: '30m',
        end_time: '+3h',
        comment_author: 'bob',
      });
    });
    after(async () => {
      await h.close();
    });

    it('lists the downtimes tools as read-only', async () => {
      const { tools } = await h.client.listTools();
      for (const n of ['thruk_list_downtimes', 'thruk_get_downtime', 'thruk_list_comments']) {
        const t = tools.find((x) => x.name === n);
        assert.ok(t, `missing ${n}`);
        assert.equal(t.annotations?.readOnlyHint, true);
      }
    });

    it('thruk_list_downtimes shows only what is in effect now by default, host vs service correctly', async () => {
      const now = nowSec();
      const truth = await rest(h, '/downtimes', { 'start_time[lte]': String(now), 'end_time[gte]': String(now) });
      const r = await h.call('thruk_list_downtimes');
      assert.equal(r.isError, undefined, r.text);
      assert.deepEqual(ids(r.structured.rows), ids(truth));
      for (const row of r.structured.rows) {
        const t = truth.find((x: any) => x.id === row.id);
        assert.equal(row.kind, t.service_description === null || t.service_description === '' ? 'host' : 'service');
      }
      assert.ok(r.structured.rows.some((x: any) => x.kind === 'host') && r.structured.rows.some((x: any) => x.kind === 'service'));
      assert.ok(!r.structured.rows.some((x: any) => x.comment === 'future patching'), 'future downtime is not active');
      const flex = r.structured.rows.find((x: any) => x.comment === 'flex window');
      assert.equal(flex.status, 'window_open');
      assert.match(r.text, /^downtimes 1-\d+ of \d+\nid \| host \| service \| type \| window \| author \| comment\n/);
      assert.match(r.text, /\| db-03 \| \(host\) \| fixed \| \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ → .*\(active, ends in /);
      assert.match(r.text, /\| web-01 \| http \| flexible 30m \| .*window open, starts on a problem/);
      noNulls(r.text);
      const starts = r.structured.rows.map((x: any) => x.start_time);
      assert.deepEqual(
        starts,
        [...starts].sort((a: number, b: number) => b - a),
        'sorted by -start_time',
      );
    });

    it('active_only=false adds future and ended downtimes, with their window in words', async () => {
      const all = await rest(h, '/downtimes');
      const r = await h.call('thruk_list_downtimes', { active_only: false });
      assert.equal(r.structured.total, all.length);
      const fut = r.structured.rows.find((x: any) => x.comment === 'future patching');
      assert.equal(fut.status, 'future');
      assert.equal(fut.kind, 'host');
      assert.match(r.text, /web-03 \| \(host\) \| fixed \| .*\(starts in (1h 5\dm|2h)\) \| alice \| future patching/);
    });

    it('scopes by hostgroup and custom variable through the host list, and by kind', async () => {
      const members = (await rest(h, '/hosts', { columns: 'name', 'groups[gte]': 'web-servers' })).map((x: any) => x.name);
      const all = await rest(h, '/downtimes');
      const r = await h.call('thruk_list_downtimes', { active_only: false, filter: { field: 'hostgroup', value: 'web-servers' } });
      assert.deepEqual(ids(r.structured.rows), ids(all.filter((d: any) => members.includes(d.host_name))));
      assert.ok(r.structured.total >= 2);
      const tmos = await h.call('thruk_list_downtimes', {
        active_only: false,
        filter: { field: 'custom_var', value: { var: 'os', val: 'tmos' } },
      });
      assert.deepEqual(
        tmos.structured.rows.map((x: any) => x.host_name),
        ['lb-01'],
      );
      const either = await h.call('thruk_list_downtimes', {
        active_only: false,
        filter: {
          operator: 'or',
          conditions: [
            { field: 'hostgroup', value: 'web-servers' },
            { field: 'custom_var', value: { var: 'os', val: 'tmos' } },
          ],
        },
      });
      assert.equal(either.structured.total, r.structured.total + tmos.structured.total);
      const and = await h.call('thruk_list_downtimes', {
        active_only: false,
        filter: {
          operator: 'and',
          conditions: [
            { field: 'hostgroup', value: 'web-servers' },
            { field: 'author', value: 'alice' },
          ],
        },
      });
      assert.deepEqual(
        and.structured.rows.map((x: any) => x.comment),
        ['future patching'],
      );
      const hostOnly = await h.call('thruk_list_downtimes', { active_only: false, kind: 'host' });
      assert.ok(hostOnly.structured.rows.length > 0 && hostOnly.structured.rows.every((x: any) => x.kind === 'host'));
      const svcOnly = await h.call('thruk_list_downtimes', { active_only: false, kind: 'service' });
      assert.equal(hostOnly.structured.total + svcOnly.structured.total, all.length);
      const none = await h.call('thruk_list_downtimes', { filter: { field: 'hostgroup', value: 'no-such-group' } });
      assert.equal(none.structured.total, 0);
      assert.match(none.text, /No downtimes matched\.\nNote: no host matches the hostgroup\/custom_var conditions/);
    });

    it('refuses a host condition inside an OR with a downtime field, saying how to write it', async () => {
      const r = await h.call('thruk_list_downtimes', {
        filter: {
          operator: 'or',
          conditions: [
            { field: 'hostgroup', value: 'web-servers' },
            { field: 'author', value: 'alice' },
          ],
        },
      });
      assert.equal(r.isError, true);
      assert.match(r.text, /hostgroup cannot share an OR group with author.*top level/);
    });

    it('filters by author, comment and time expressions, and pages without losing rows', async () => {
      const byAuthor = await h.call('thruk_list_downtimes', { active_only: false, filter: { field: 'author', value: 'bob' } });
      assert.deepEqual(
        byAuthor.structured.rows.map((x: any) => x.comment),
        ['flex window'],
      );
      const recent = await h.call('thruk_list_downtimes', {
        active_only: false,
        filter: { field: 'entry_time', op: 'gte', value: '-10m' },
      });
      assert.deepEqual(recent.structured.rows.map((x: any) => x.comment).sort(), ['flex window', 'future patching']);
      const all = await rest(h, '/downtimes');
      const p1 = await h.call('thruk_list_downtimes', { active_only: false, limit: 1 });
      assert.equal(p1.structured.returned, 1);
      assert.equal(p1.structured.next_offset, 1);
      assert.match(p1.text, new RegExp(`${all.length - 1} more not shown\\. Next page: offset=1\\.`));
      const p2 = await h.call('thruk_list_downtimes', { active_only: false, limit: 1000, offset: 1 });
      assert.equal(p2.structured.returned, all.length - 1);
      assert.ok(!p2.structured.rows.some((x: any) => x.id === p1.structured.rows[0].id));
    });

    it('says why nothing matched and how to widen', async () => {
      const r = await h.call('thruk_list_downtimes', { filter: { field: 'author', value: 'nobody' } });
      assert.equal(r.structured.total, 0);
      assert.match(r.text, /^No downtimes matched\.\nNote: only downtimes in effect now .* pass active_only=false/);
    });

    it('custom columns return those columns plus the derived kind and status', async () => {
      const r = await h.call('thruk_list_downtimes', { columns: 'id,author', active_only: false });
      assert.deepEqual(Object.keys(r.structured.rows[0]).sort(), ['author', 'id', 'kind', 'status']);
      const full = await h.call('thruk_list_downtimes', { active_only: false });
      const derived = (rows: any[]) => rows.map((x) => `${x.id}:${x.kind}:${x.status}`).sort();
      assert.deepEqual(derived(r.structured.rows), derived(full.structured.rows), 'derived from the full row, not the chosen columns');
      assert.match(r.text, /\nid \| author\n/);
    });

    it('hostile filter values reach Thruk intact and simply match nothing', async () => {
      for (const v of [`it's "quoted"`, 'back\\slash', '../../etc', 'a/b', 'ünï¢ødé', '~~ ; %']) {
        const r = await h.call('thruk_list_downtimes', { active_only: false, filter: { field: 'comment', value: v } });
        assert.equal(r.isError, undefined, r.text);
        assert.equal(r.structured.total, 0);
        assert.ok(
          h.sim.requests.some((q) => q.path === '/downtimes' && q.params.some(([k, x]) => k === 'comment' && x === v)),
          `sent ${v} exactly`,
        );
      }
      const nl = await h.call('thruk_list_downtimes', { filter: { field: 'comment', value: 'a\nCOMMAND' } });
      assert.equal(nl.isError, true);
      assert.match(nl.text, /line break/);
    });

    it('thruk_get_downtime unpacks one downtime and explains an unknown id', async () => {
      const [first] = await rest(h, '/downtimes', { comment: 'flex window' });
      const r = await h.call('thruk_get_downtime', { downtime_id: first.id });
      assert.equal(r.isError, undefined, r.text);
      assert.equal(r.structured.downtime.id, first.id);
      assert.equal(r.structured.downtime.kind, 'service');
      assert.equal(r.structured.downtime.fixed, first.fixed);
      assert.match(r.text, new RegExp(`^downtime #${first.id}\\n`));
      assert.match(r.text, /flexible 30m/);
      noNulls(r.text);
      const miss = await h.call('thruk_get_downtime', { downtime_id: 99999 });
      assert.equal(miss.isError, true);
      assert.match(miss.text, /No downtime with id 99999\..*renumbered when Icinga 2 reloads.*thruk_list_downtimes/);
      for (const bad of [-1, 1.5, '3', '../1']) {
        const b = await h.call('thruk_get_downtime', { downtime_id: bad });
        assert.equal(b.isError, true, `downtime_id ${JSON.stringify(bad)}`);
        assert.match(b.text, /downtime_id: /);
      }
    });

    it('thruk_list_comments lists every comment newest first with its type in words', async () => {
      const truth = await rest(h, '/comments');
      const r = await h.call('thruk_list_comments');
      assert.equal(r.isError, undefined, r.text);
      assert.equal(r.structured.total, truth.length);
      const times = r.structured.rows.map((x: any) => x.entry_time);
      assert.deepEqual(
        times,
        [...times].sort((a: number, b: number) => b - a),
      );
      assert.match(r.text, /\| mail-01 \| \(host\) \| acknowledgement, persistent \| .* ago \(\d{4}-/);
      assert.match(r.text, /\| downtime \|/);
      noNulls(r.text);
      const acks = await h.call('thruk_list_comments', { filter: { field: 'entry_type', value: 'acknowledgement' } });
      assert.deepEqual(ids(acks.structured.rows), ids(truth.filter((c: any) => c.entry_type === 4)));
      const svc = await h.call('thruk_list_comments', { kind: 'service', limit: 1000 });
      assert.ok(svc.structured.rows.every((x: any) => x.kind === 'service' && x.service_description));
    });

    it('thruk_list_comments scopes by hostgroup and keeps awkward comment text intact', async () => {
      const text = `needs "care" — it's ünïcode; a/b \\ back`;
      await post(h, '/hosts/db-01/cmd/add_host_comment', { comment_data: text, comment_author: 'carol' });
      const r = await h.call('thruk_list_comments', { filter: { field: 'hostgroup', value: 'database-servers' } });
      const members = (await rest(h, '/hosts', { columns: 'name', 'groups[gte]': 'database-servers' })).map((x: any) => x.name);
      assert.ok(r.structured.rows.length > 0 && r.structured.rows.every((x: any) => members.includes(x.host_name)));
      const mine = r.structured.rows.find((x: any) => x.author === 'carol');
      assert.equal(mine.comment, text);
      assert.equal(mine.kind, 'host');
      assert.ok(r.text.includes(text.replace(/\\/g, '\\')), r.text);
      const byAuthor = await h.call('thruk_list_comments', { filter: { field: 'author', value: 'carol' } });
      assert.deepEqual(
        byAuthor.structured.rows.map((x: any) => x.comment),
        [text],
      );
    });
  });
}
