import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createSimulator, type Simulator } from '../src/sim/index.js';
import { fetchHandlerSend, ThrukClient } from '../src/thruk/client.js';

const BASE = 'http://sim.invalid/demo/thruk';
const SUPER = 'superkey';
const ALICE_KEY = 'alice_key_1';
const BOB_KEY = 'bob_key_2';
/** Alice is a contact of the web servers only; Bob of the database servers only. */
const USERS = [
  { name: 'alice', key: ALICE_KEY, password: 'alice-pw', hostgroups: ['web-servers'] },
  { name: 'bob', key: BOB_KEY, password: 'bob-pw', hostgroups: ['database-servers'], canSubmitCommands: false },
];

function simWithUsers(): Simulator {
  return createSimulator({ apiKey: SUPER, users: USERS });
}

/** Ground truth straight from the simulator, as the given user. */
async function restAs(sim: Simulator, headers: Record<string, string>, path: string): Promise<any> {
  const res = await sim.fetch(new Request(`${BASE}/r${path}`, { headers }));
  assert.equal(res.status, 200, `${path} answered ${res.status}`);
  return res.json();
}

describe('ThrukClient.withCredential: one pool, a cache per credential', () => {
  it('sends each credential and never serves one caller another caller\'s cached or in-flight answer', async () => {
    const sim = simWithUsers();
    const base = new ThrukClient({ baseUrl: BASE, apiKey: SUPER, send: fetchHandlerSend((r) => sim.fetch(r)), cacheTtlMs: 60_000 });
    const alice = base.withCredential({ kind: 'key', key: ALICE_KEY });
    const bob = base.withCredential({ kind: 'key', key: BOB_KEY });
    // Concurrent identical cacheable GETs: coalescing must not merge the two callers.
    const [sa, sb, who] = await Promise.all([
      alice.get<{ total: number }>('/hosts/stats'),
      bob.get<{ total: number }>('/hosts/stats'),
      alice.get<{ id: string }>('/thruk/whoami'),
    ]);
    const truthA = await restAs(sim, { 'X-Thruk-Auth-Key': ALICE_KEY }, '/hosts/stats');
    const truthB = await restAs(sim, { 'X-Thruk-Auth-Key': BOB_KEY }, '/hosts/stats');
    assert.notEqual(truthA.total, truthB.total, 'the fixture must give the two users different views');
    assert.equal(sa.total, truthA.total);
    assert.equal(sb.total, truthB.total);
    assert.equal(who.id, 'alice');
    // Now cached: a second read per caller still answers that caller's own view.
    const before = sim.requests.length;
    assert.equal((await bob.get<{ total: number }>('/hosts/stats')).total, truthB.total);
    assert.equal((await alice.get<{ total: number }>('/hosts/stats')).total, truthA.total);
    assert.equal((await bob.get<{ id: string }>('/thruk/whoami')).id, 'bob');
    assert.equal(sim.requests.length, before + 1, 'only bob\'s whoami was not cached yet');
    const keys = sim.requests.map((r) => r.headers['x-thruk-auth-key']);
    assert.ok(keys.includes(ALICE_KEY) && keys.includes(BOB_KEY));
    assert.ok(!keys.includes(SUPER), 'the service key was never used for a caller');
  });

  it('impersonation sends X-Thruk-Auth-User with the service key and caches per user', async () => {
    const sim = simWithUsers();
    const base = new ThrukClient({ baseUrl: BASE, apiKey: SUPER, send: fetchHandlerSend((r) => sim.fetch(r)) });
    const [a, b] = await Promise.all([
      base.withCredential({ kind: 'key', key: SUPER, authUser: 'carol' }).get<{ id: string }>('/thruk/whoami'),
      base.withCredential({ kind: 'key', key: SUPER, authUser: 'dave' }).get<{ id: string }>('/thruk/whoami'),
    ]);
    assert.deepEqual([a.id, b.id], ['carol', 'dave']);
    assert.deepEqual(sim.requests.map((r) => r.headers['x-thruk-auth-user']).sort(), ['carol', 'dave']);
  });

  it('Basic credentials go out as Authorization: Basic, and a wrong password is Thruk\'s 401 without the password', async () => {
    const sim = simWithUsers();
    const base = new ThrukClient({ baseUrl: BASE, apiKey: SUPER, send: fetchHandlerSend((r) => sim.fetch(r)), retries: 0 });
    const who = await base.withCredential({ kind: 'basic', user: 'alice', password: 'alice-pw' }).get<{ id: string }>('/thruk/whoami');
    assert.equal(who.id, 'alice');
    const last = sim.requests.at(-1);
    assert.equal(last?.headers['authorization'], `Basic ${Buffer.from('alice:alice-pw').toString('base64')}`);
    assert.equal(last?.headers['x-thruk-auth-key'], undefined);
    await assert.rejects(base.withCredential({ kind: 'basic', user: 'alice', password: 'wrong-pw-123' }).get('/thruk/whoami'), (err: Error & { status?: number }) => {
      assert.equal(err.status, 401);
      assert.ok(!err.message.includes('wrong-pw-123'));
      return true;
    });
  });

  it('the simulator hides unauthorized objects and refuses commands without can_submit_commands', async () => {
    const sim = simWithUsers();
    const asBob = { 'X-Thruk-Auth-Key': BOB_KEY };
    const hosts = (await restAs(sim, asBob, '/hosts?columns=name,groups')) as Array<{ name: string; groups: string[] }>;
    assert.ok(hosts.length > 0);
    for (const h of hosts) assert.ok(h.groups.includes('database-servers'), `${h.name} is not bob's`);
    const services = (await restAs(sim, asBob, '/services?columns=host_name,host_groups')) as Array<{ host_groups: string[] }>;
    for (const s of services) assert.ok(s.host_groups.includes('database-servers'));
    const who = await restAs(sim, asBob, '/thruk/whoami');
    assert.equal(who.can_submit_commands, 0);
    const res = await sim.fetch(new Request(`${BASE}/r/hosts/${encodeURIComponent(hosts[0]!.name)}/cmd/schedule_forced_host_check`, {
      method: 'POST', headers: { ...asBob, 'content-type': 'application/x-www-form-urlencoded' }, body: 'start_time=now',
    }));
    assert.equal(res.status, 403);
  });
});
