/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-return -- answers not read typed yet (issue 16; see test/helpers/harness.ts) */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { allTools } from '../src/tools/core/registry.js';
import { connect, CURRENT_ERA, rest, type Harness } from './helpers/loose.js';

// Tool answers do not depend on the protocol era: run once on the current one (protocol suites loop over ERAS).
{
  const era = CURRENT_ERA;
  describe(`state toolset over the ${era} protocol era`, () => {
    let h: Harness;
    before(async () => {
      h = await connect({ era });
    });
    after(async () => {
      await h.close();
    });

    it('lists the state tools with derived read-only annotations', async () => {
      const { tools } = await h.client.listTools();
      const names = tools.map((t) => t.name);
      for (const n of [
        'thruk_problems',
        'thruk_list_hosts',
        'thruk_get_host',
        'thruk_list_services',
        'thruk_get_service',
        'thruk_list_hostgroups',
        'thruk_list_servicegroups',
        'thruk_stats',
        'thruk_totals',
        'thruk_sites',
        'thruk_list_contacts',
        'thruk_get_contact',
      ]) {
        assert.ok(names.includes(n), `missing ${n}`);
      }
      // thruk_totals answers it: the alias is callable (see below) but not listed.
      assert.ok(!names.includes('thruk_problem_counts'));
      const access = new Map(allTools().map((t) => [t.name, t.access]));
      for (const t of tools) {
        assert.equal(t.annotations?.readOnlyHint, access.get(t.name) === 'read', t.name);
        // Per spec destructiveHint means something only on a write; reads leave it out.
        assert.equal(
          t.annotations?.destructiveHint,
          access.get(t.name) === 'read' ? undefined : access.get(t.name) === 'destructive',
          t.name,
        );
        assert.ok(t.outputSchema, `${t.name} has an output schema`);
      }
    });

    it('thruk_list_hosts pages the whole estate in name order with default columns', async () => {
      const truth = (await rest(h, '/hosts', { columns: 'name', sort: 'name' })) as Array<{ name: string }>;
      const r = await h.call('thruk_list_hosts', { limit: 5, offset: 5 });
      assert.equal(r.isError, undefined, r.text);
      assert.equal(r.structured.total, truth.length);
      assert.deepEqual(
        r.structured.rows.map((x: any) => x.name),
        truth.slice(5, 10).map((x) => x.name),
      );
      assert.equal(r.structured.next_offset, 10);
      assert.deepEqual(
        Object.keys(r.structured.rows[0]).sort(),
        [
          'acknowledged',
          'current_attempt',
          'last_check',
          'last_state_change',
          'max_check_attempts',
          'name',
          'notifications_enabled',
          'peer_name',
          'plugin_output',
          'scheduled_downtime_depth',
          'state',
        ].sort(),
      );
      assert.match(r.text, /^hosts 6-10 of \d+/);
      assert.match(r.text, /Next page: offset=10/);
      assert.ok(!/\bnull\b|undefined/.test(r.text), 'no nulls in text');
    });

    it('sorts globally even though Thruk applies limit before sort', async () => {
      const truth = (await rest(h, '/hosts', { columns: 'name,state', sort: '-state,name' })) as Array<{ name: string; state: number }>;
      const r = await h.call('thruk_list_hosts', { sort: '-state,name', limit: 3 });
      assert.deepEqual(
        r.structured.rows.map((x: any) => x.name),
        truth.slice(0, 3).map((x) => x.name),
      );
      assert.ok(r.structured.rows[0].state > 0, 'worst host first');
    });

    it('filters with AND, OR, custom variables and groups', async () => {
      const down = await h.call('thruk_list_hosts', { filter: { field: 'state', op: 'eq', value: 'down' } });
      assert.ok(down.structured.total >= 1);
      assert.ok(down.structured.rows.every((x: any) => x.state === 1));
      const either = await h.call('thruk_list_hosts', {
        filter: {
          type: 'group',
          operator: 'or',
          conditions: [
            { type: 'leaf', field: 'state', op: 'eq', value: 'down' },
            { type: 'leaf', field: 'state', op: 'eq', value: 'unreachable' },
          ],
        },
      });
      assert.ok(
        either.structured.rows.some((x: any) => x.state === 2),
        'unreachable included',
      );
      assert.ok(either.structured.rows.every((x: any) => x.state === 1 || x.state === 2));
      const linux = (await rest(h, '/hosts', { columns: 'name', _OS: 'linux' })) as unknown[];
      const cv = await h.call('thruk_list_hosts', { filter: { field: 'custom_var', value: { var: 'os', val: 'linux' } } });
      assert.equal(cv.structured.total, linux.length);
      const notLinux = await h.call('thruk_list_hosts', { filter: { field: 'custom_var', op: 'neq', value: { var: 'OS', val: 'linux' } } });
      const all = await h.call('thruk_list_hosts', { limit: 1 });
      assert.equal(notLinux.structured.total + cv.structured.total, all.structured.total, 'neq on a custom variable is honoured');
      const hg = await h.call('thruk_list_hosts', { filter: { field: 'hostgroup', value: 'linux-servers' }, columns: 'name,groups' });
      assert.ok(hg.structured.total > 0);
      assert.ok(hg.structured.rows.every((x: any) => x.groups.includes('linux-servers')));
    });

    it('columns="" returns every column and a custom list only those', async () => {
      const all = await h.call('thruk_list_hosts', { columns: '', limit: 1 });
      assert.ok(Object.keys(all.structured.rows[0]).length > 40);
      const two = await h.call('thruk_list_hosts', { columns: 'name,address', limit: 2 });
      assert.deepEqual(Object.keys(two.structured.rows[0]), ['name', 'address']);
      assert.match(two.text, /\nname \| address\n/);
    });

    it('thruk_get_host gives the host, its services and its parents', async () => {
      const r = await h.call('thruk_get_host', { host: 'web-01' });
      assert.equal(r.isError, undefined, r.text);
      assert.equal(r.structured.host.name, 'web-01');
      const svcs = (await rest(h, '/hosts/web-01/services', { columns: 'description' })) as unknown[];
      assert.equal(r.structured.services.length, svcs.length);
      assert.match(r.text, /^host web-01/);
      const child = (await rest(h, '/hosts', { columns: 'name,parents', 'parents[gte]': '' }).catch(() => [])) as unknown[];
      void child;
    });

    it('thruk_get_host shows the state of the parents (is it upstream?)', async () => {
      const withParents = ((await rest(h, '/hosts', { columns: 'name,parents' })) as Array<{ name: string; parents: string[] }>).find(
        (x) => x.parents.length > 0,
      );
      assert.ok(withParents, 'the estate has a host with parents');
      const r = await h.call('thruk_get_host', { host: withParents.name, include_services: false });
      assert.deepEqual(r.structured.parents.map((p: any) => p.name).sort(), [...withParents.parents].sort());
      assert.equal(r.structured.services, undefined);
      assert.match(r.text, /parents \(\d+\):/);
    });

    it('an unknown host is an error with a did-you-mean hint', async () => {
      const r = await h.call('thruk_get_host', { host: 'web01' });
      assert.equal(r.isError, true);
      assert.match(r.text, /No host named 'web01'\. Did you mean 'web-01'/);
      assert.match(r.text, /thruk_list_hosts/);
    });

    it('thruk_get_service handles awkward names and unknown services', async () => {
      const disk = await h.call('thruk_get_service', { host: 'db-03', service: 'disk /' });
      assert.equal(disk.isError, undefined, disk.text);
      assert.equal(disk.structured.service.description, 'disk /');
      const miss = await h.call('thruk_get_service', { host: 'db-03', service: 'disk' });
      assert.equal(miss.isError, true);
      assert.match(miss.text, /Did you mean 'disk \/'/);
      const noHost = await h.call('thruk_get_service', { host: 'nohost-zz', service: 'ping' });
      assert.equal(noHost.isError, true);
      assert.match(noHost.text, /No host named 'nohost-zz'/);
    });

    it('thruk_list_services filters by host and state names', async () => {
      const crit = await h.call('thruk_list_services', {
        filter: { field: 'state', op: 'in', value: ['critical', 'unknown'] },
        limit: 1000,
      });
      const truth = (await rest(h, '/services', { columns: 'host_name', 'state[gte]': '2' })) as unknown[];
      assert.equal(crit.structured.total, truth.length);
      const web = await h.call('thruk_list_services', { filter: { field: 'host', value: 'web-01' } });
      assert.ok(web.structured.rows.every((x: any) => x.host_name === 'web-01'));
    });

    it('thruk_problems lists DOWN and UNREACHABLE hosts and ranks by severity, with handled counts', async () => {
      const r = await h.call('thruk_problems', { include_handled: true, limit: 1000 });
      assert.equal(r.isError, undefined, r.text);
      const totals = await rest(h, '/hosts/totals');
      const svcTotals = await rest(h, '/services/totals');
      assert.equal(r.structured.counts.hosts.down ?? 0, totals.down);
      assert.equal(r.structured.counts.hosts.unreachable ?? 0, totals.unreachable);
      assert.ok((r.structured.counts.hosts.unreachable ?? 0) > 0, 'UNREACHABLE hosts are problems too');
      assert.equal(r.structured.counts.services.critical ?? 0, svcTotals.critical);
      assert.equal(r.structured.counts.services.unknown ?? 0, svcTotals.unknown);
      assert.equal(r.structured.counts.services.warning ?? 0, svcTotals.warning);
      const rows = r.structured.rows as Array<{ kind: string; state: string; handled?: string[] }>;
      const firstHandled = rows.findIndex((x) => x.handled);
      assert.ok(firstHandled === -1 || rows.slice(firstHandled).every((x) => x.handled), 'unhandled first');
      const unhandled = rows.filter((x) => !x.handled);
      const rank = (x: { kind: string; state: string }) =>
        x.kind === 'host' ? 0 : ['CRITICAL', 'UNKNOWN', 'WARNING'].indexOf(x.state) + 1;
      for (let i = 1; i < unhandled.length; i++) assert.ok(rank(unhandled[i - 1]!) <= rank(unhandled[i]!), 'severity order');
      const only = await h.call('thruk_problems', {});
      assert.ok(only.structured.rows.every((x: any) => !x.handled));
      assert.match(only.text, /^Hosts: .*\nServices: /);
      if (rows.some((x) => x.handled)) assert.match(only.text, /handled problems not listed; pass include_handled=true/);
    });

    it('thruk_problems scopes by state name and hostgroup', async () => {
      const hostsOnly = await h.call('thruk_problems', { filter: { field: 'state', value: 'unreachable' }, include_handled: true });
      assert.ok(hostsOnly.structured.rows.length > 0);
      assert.ok(hostsOnly.structured.rows.every((x: any) => x.kind === 'host' && x.state === 'UNREACHABLE'));
      const crit = await h.call('thruk_problems', { filter: { field: 'state', value: 'critical' }, include_handled: true });
      assert.ok(crit.structured.rows.every((x: any) => x.kind === 'service' && x.state === 'CRITICAL'));
      const mixed = await h.call('thruk_problems', {
        filter: {
          operator: 'or',
          conditions: [
            { field: 'state', value: 'down' },
            { field: 'state', value: 'critical' },
          ],
        },
      });
      assert.equal(mixed.isError, true);
      assert.match(mixed.text, /mixes host states/);
    });

    it('thruk_totals, thruk_problem_counts and thruk_stats agree with Thruk', async () => {
      const [ht, st, hs] = await Promise.all([rest(h, '/hosts/totals'), rest(h, '/services/totals'), rest(h, '/hosts/stats')]);
      const t = await h.call('thruk_totals');
      assert.deepEqual(t.structured.hosts, ht);
      assert.deepEqual(t.structured.services, st);
      assert.match(t.text, new RegExp(`^Hosts total ${ht.total}`));
      const c = await h.call('thruk_problem_counts');
      assert.equal(c.structured.hosts.down, ht.down);
      assert.equal(c.structured.services.critical_and_unhandled, st.critical_and_unhandled);
      const s = await h.call('thruk_stats');
      assert.equal(s.structured.hosts.outages, hs.outages);
      const scoped = await h.call('thruk_totals', { filter: { field: 'hostgroup', value: 'linux-servers' } });
      const scopedTruth = await rest(h, '/hosts/totals', { 'groups[gte]': 'linux-servers' });
      assert.equal(scoped.structured.hosts.total, scopedTruth.total);
      assert.ok(scoped.structured.hosts.total < ht.total);
      const sg = await h.call('thruk_totals', { filter: { field: 'servicegroup', value: 'database-services' } });
      assert.equal(sg.structured.hosts.total, ht.total);
      assert.match(sg.text, /servicegroup narrows only the service counts/);
    });

    it('thruk_sites, groups and contacts', async () => {
      const sites = await h.call('thruk_sites');
      assert.ok(sites.structured.total >= 1);
      assert.match(sites.text, /UP \| connected/);
      const hg = await h.call('thruk_list_hostgroups');
      assert.ok(hg.structured.rows.some((g: any) => g.name === 'linux-servers'));
      const hgf = await h.call('thruk_list_hostgroups', { name: '^linux' });
      assert.ok(
        hgf.structured.rows.length >= 1 && hgf.structured.rows.every((g: any) => /^linux/i.test(g.name) || /^linux/i.test(g.alias)),
      );
      const sg = await h.call('thruk_list_servicegroups');
      assert.ok(sg.structured.rows.some((g: any) => g.name === 'database-services'));
      const contacts = await h.call('thruk_list_contacts');
      assert.ok(contacts.structured.total >= 1);
      const name = contacts.structured.rows[0].name as string;
      const one = await h.call('thruk_get_contact', { contact: name });
      assert.equal(one.structured.contact.name, name);
      const miss = await h.call('thruk_get_contact', { contact: `${name}x` });
      assert.equal(miss.isError, true);
      assert.match(miss.text, new RegExp(`Did you mean '${name}'`));
    });

    it('answers bad input of every kind with isError and a hint, never a protocol error', async () => {
      const cases: Array<[string, Record<string, unknown>, RegExp]> = [
        ['thruk_list_hosts', { limit: 'abc' }, /limit: /],
        ['thruk_list_hosts', { limit: -5 }, /limit: /],
        ['thruk_list_hosts', { limit: 5000 }, /limit: /],
        ['thruk_list_hosts', { hostgroup: 'x' }, /unknown argument 'hostgroup' \(valid: filter, /],
        ['thruk_list_hosts', { sort: 'name;drop' }, /sort: /],
        ['thruk_list_hosts', { columns: 'name,`x`' }, /columns: /],
        ['thruk_list_hosts', { filter: { field: 'nosuch', value: 1 } }, /filter/],
        ['thruk_list_hosts', { filter: { field: 'state', value: 'sleepy' } }, /sleepy/],
        [
          'thruk_list_hosts',
          {
            filter: {
              operator: 'or',
              conditions: [
                { field: 'name', value: `a"b'c` },
                { field: 'name', value: 'x' },
              ],
            },
          },
          /quote/i,
        ],
        ['thruk_get_host', {}, /host: /],
        ['thruk_get_host', { host: 'web-01\nCOMMAND' }, /line breaks/],
        ['thruk_get_host', { host: 42 }, /host: /],
        ['thruk_get_service', { host: 'web-01' }, /service: /],
        ['thruk_list_hostgroups', { name: '(' }, /regular expression/],
      ];
      for (const [tool, args, re] of cases) {
        const r = await h.call(tool, args);
        assert.equal(r.isError, true, `${tool} ${JSON.stringify(args)} → ${r.text}`);
        assert.match(r.text, re, `${tool} ${JSON.stringify(args)}`);
      }
      const unknown = await h.call('thruk_nope', {});
      assert.equal(unknown.isError, true);
      assert.match(unknown.text, /Unknown tool 'thruk_nope'/);
    });

    it('hostile but valid names reach Thruk intact and simply match nothing', async () => {
      for (const name of [`it's "quoted"`, 'back\\slash', '../../etc', 'a/b', '~~ ; %', 'ünï¢ødé', ' ']) {
        const r = await h.call('thruk_get_host', { host: name });
        assert.equal(r.isError, true);
        assert.ok(r.text.includes(`No host named '${name}'`), r.text);
        const last = h.sim.requests.filter((q) => q.path === '/hosts').find((q) => q.params.some(([k, v]) => k === 'name' && v === name));
        assert.ok(last, `the simulator received name=${JSON.stringify(name)} exactly`);
      }
    });
  });
}
