/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-return -- answers not read typed yet (issue 16; see test/helpers/harness.ts) */
/** Did-you-mean ranks by shared words, abbreviations and substrings as well as edit distance, for every object kind. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { closest } from '../src/tools/lib/closest.js';
import { connect, rest, type Harness } from './helpers/loose.js';

describe('closest()', () => {
  it('prefers the candidate that spells out the words over the one fewer edits away', () => {
    const groups = ['web-servers', 'database-servers', 'linux-servers', 'windows-servers', 'network'];
    assert.equal(closest('db-servers', groups, 3)[0], 'database-servers');
    assert.equal(closest('router-branch-01', ['branch-router-01', 'branch-ap-01', 'core-switch-01'], 3)[0], 'branch-router-01');
    assert.equal(
      closest('thruk_hosts_list', ['thruk_list_hosts', 'thruk_get_host', 'thruk_list_services', 'thruk_problems'], 3)[0],
      'thruk_list_hosts',
    );
    // Unchanged where edit distance was already right, and nothing far is proposed.
    assert.equal(closest('db-3', ['db-01', 'db-02', 'db-03', 'web-03'], 3)[0], 'db-03');
    assert.deepEqual(closest('zzz-qqq', groups, 3), []);
    assert.deepEqual(closest('01', ['db-01', 'web-01'], 3).length, 2, 'a containing name is still a guess');
  });
});

describe('did-you-mean through the tools, for every object kind', () => {
  let h: Harness;
  before(async () => {
    h = await connect();
  });
  after(async () => {
    await h.close();
  });

  it('host group, host, service, contact and tool names', async () => {
    const groups = (await rest(h, '/hostgroups', { columns: 'name' })).map((g: any) => g.name);
    assert.ok(groups.includes('database-servers') && groups.includes('web-servers'));
    const g = await h.call('thruk_hostgroup_availability', { hostgroup: 'db-servers' });
    assert.match(g.text, /No host group named 'db-servers'\. Did you mean 'database-servers'/, g.text);

    const hosts = (await rest(h, '/hosts', { columns: 'name' })).map((x: any) => x.name);
    assert.ok(hosts.includes('branch-router-01'));
    const host = await h.call('thruk_get_host', { host: 'router-branch-01' });
    assert.match(host.text, /Did you mean 'branch-router-01'/, host.text);

    const svcs = (await rest(h, '/services', { columns: 'description', host_name: 'db-02' })).map((x: any) => x.description);
    assert.ok(svcs.includes('mysql-replication'));
    const svc = await h.call('thruk_get_service', { host: 'db-02', service: 'replication-mysql' });
    assert.match(svc.text, /Did you mean 'mysql-replication'/, svc.text);

    const contacts = (await rest(h, '/contacts', { columns: 'name' })).map((x: any) => x.name);
    assert.ok(contacts.includes('icingaadmin'));
    const c = await h.call('thruk_get_contact', { contact: 'admin-icinga' });
    assert.match(c.text, /Did you mean 'icingaadmin'/, c.text);

    const t = await h.call('thruk_hosts_list', {});
    assert.equal(t.isError, true);
    assert.match(t.text, /Did you mean thruk_list_hosts/, t.text);
  });
});
