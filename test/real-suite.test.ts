/* eslint-disable @typescript-eslint/no-unsafe-member-access -- answers not read typed yet (issue 16; see test/helpers/harness.ts) */
/**
 * The real-Thruk suite's own safety (test/real/, run by `npm run test:real`): its wire guard must
 * stop every request that could change something while writes are not allowed (read-only runs
 * against production), its target and name parsing must be exact. The guard is exercised over
 * real HTTP against the simulator served on loopback, through the same rig the suite uses.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { labelFindings, mentions } from './real/checks.js';
import type { Estate } from './real/estate.js';
import type { CallOutcome } from './real/rig.js';
import { restTruth } from './real/estate.js';
import { isWrite, openRig, restPath, type Rig } from './real/rig.js';
import { parseTarget } from './real/roundtrips.js';

describe('real suite: request classification', () => {
  const url = (p: string) => `http://127.0.0.1:3000/thruk/r${p}`;
  it('treats GETs and reads sent as forms as reads, commands and config as writes', () => {
    assert.equal(isWrite({ method: 'GET', url: url('/hosts/web-01/cmd/schedule_host_downtime') }), false);
    assert.equal(isWrite({ method: 'POST', url: url('/hosts') }), false);
    assert.equal(isWrite({ method: 'POST', url: url('/sites/icinga/services') }), false);
    assert.equal(isWrite({ method: 'POST', url: url('/hosts/web-01/cmd/acknowledge_host_problem') }), true);
    assert.equal(isWrite({ method: 'POST', url: url('/sites/naemon/services/db/disk%20%2F/cmd/schedule_svc_check') }), true);
    assert.equal(isWrite({ method: 'POST', url: url('/system/cmd/restart_process') }), true);
    assert.equal(isWrite({ method: 'POST', url: url('/hosts/web-01/config') }), true);
    assert.equal(isWrite({ method: 'POST', url: url('/thruk/api_keys') }), true);
  });
  it('reads the REST path below /thruk/r, with or without /v1', () => {
    assert.equal(restPath('http://h/site/thruk/r/v1/hosts?x=1'), '/hosts');
    assert.equal(restPath('http://h/thruk/r/sites/a/logs'), '/sites/a/logs');
  });
});

describe('real suite: operator arguments and names', () => {
  it('splits CORE:HOST:SERVICE at the first two colons only', () => {
    assert.deepEqual(parseTarget('naemon:db-01:disk /var'), { core: 'naemon', host: 'db-01', service: 'disk /var' });
    assert.deepEqual(parseTarget('icinga:web-01:url http://x:8080/'), { core: 'icinga', host: 'web-01', service: 'url http://x:8080/' });
    assert.throws(() => parseTarget('icinga:web-01'), /CORE:HOST:SERVICE/);
    assert.throws(() => parseTarget(':web-01:ping'), /CORE:HOST:SERVICE/);
    assert.throws(() => parseTarget('icinga::ping'), /CORE:HOST:SERVICE/);
  });
  it('finds a host name only as a whole name', () => {
    assert.equal(mentions('web-01 DOWN', 'web-01'), true);
    assert.equal(mentions('host nae-web-01 is down', 'web-01'), false);
    assert.equal(mentions('web-010 up', 'web-01'), false);
    assert.equal(mentions('"host":"web-01"', 'web-01'), true);
    assert.equal(mentions('web-01.example.com', 'web-01'), false);
  });
});

describe('real suite: rows from two cores must be told apart in the text', () => {
  const estate = { cores: ['icinga', 'naemon'], shared: ['web-01'] } as unknown as Estate;
  const scope = { name: 'all', e: {} } as never;
  const answer = (text: string): CallOutcome => ({
    isError: false,
    wire: [],
    ms: 1,
    text,
    structured: {
      rows: [
        { host: 'web-01', service: 'http', peer_name: 'icinga' },
        { host: 'web-01', service: 'http', peer_name: 'naemon' },
      ],
    },
  });
  it('flags two web-01 rows that the text does not label', () => {
    const f = labelFindings(answer('web-01 | http | WARNING\nweb-01 | http | CRITICAL'), scope, estate);
    assert.equal(f.length, 1);
    assert.match(f[0]!.detail, /web-01@icinga, web-01@naemon/);
  });
  it('accepts an @core suffix or a core column', () => {
    assert.deepEqual(labelFindings(answer('web-01@icinga | http\nweb-01@naemon | http'), scope, estate), []);
    assert.deepEqual(labelFindings(answer('host | service | core\nweb-01 | http | icinga\nweb-01 | http | naemon'), scope, estate), []);
  });
  it('does not ask for labels on a core-scoped call', () => {
    assert.deepEqual(labelFindings(answer('web-01 | http'), { name: 'icinga', core: 'icinga', e: {} } as never, estate), []);
  });
});

describe('real suite: the wire guard over HTTP (simulator on loopback)', () => {
  const key = 'realsuite_guard_key_7';
  let sim: ChildProcess;
  let base = '';
  let rig: Rig;
  before(async () => {
    sim = spawn(process.execPath, ['--import', 'tsx', 'src/sim/serve.ts', '--port', '0', '--sites', 'alpha,beta', '--key', key], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    sim.stderr!.setEncoding('utf8');
    base = await new Promise<string>((resolve, reject) => {
      sim.stderr!.on('data', (d: string) => {
        err += d;
        const m = /(http:\/\/127\.0\.0\.1:\d+\/thruk)/.exec(err);
        if (m?.[1] !== undefined) resolve(m[1]);
      });
      sim.once('exit', (c) => reject(new Error(`simulator exited ${String(c)}: ${err}`)));
    });
    rig = await openRig({ url: base, key, readOnly: true });
  });
  after(async () => {
    await rig?.close();
    sim.kill('SIGTERM');
    await once(sim, 'exit');
  });

  it('lets a dry run through and sees that it sent nothing but reads', async () => {
    const truth = restTruth(base, key);
    const [svc] = (await truth.get('/services', { columns: 'host_name,description', state: '2', acknowledged: '0' }, 'alpha')) as Array<{
      host_name: string;
      description: string;
    }>;
    assert.ok(svc);
    const r = await rig.call('thruk_acknowledge', { host: svc.host_name, service: svc.description, dry_run: true, backends: 'alpha' });
    assert.equal(r.isError, false, r.text);
    assert.equal(r.structured.status, 'preview');
    assert.ok(r.wire.length > 0);
    assert.ok(
      r.wire.every((w) => w.blocked !== true && w.method === 'GET'),
      JSON.stringify(r.wire),
    );
  });

  it('stops a real write in read-only mode before it reaches Thruk, and the tool says it failed', async () => {
    const truth = restTruth(base, key);
    const [svc] = (await truth.get('/services', { columns: 'host_name,description,state', state: '2' }, 'alpha')) as Array<{
      host_name: string;
      description: string;
    }>;
    assert.ok(svc);
    rig.allowWrites = true; // read-only wins: the setter keeps writes off
    assert.equal(rig.allowWrites, false);
    const r = await rig.call('thruk_add_comment', {
      host: svc.host_name,
      service: svc.description,
      comment: 'must never arrive',
      confirm: true,
      backends: 'alpha',
    });
    assert.equal(r.isError, true);
    const blocked = r.wire.filter((w) => w.blocked === true);
    assert.equal(blocked.length, 1, JSON.stringify(r.wire));
    assert.match(blocked[0]!.path, /\/cmd(\/|$)/);
    const comments = (await truth.get('/comments', { columns: 'comment' }, 'alpha')) as Array<{ comment: string }>;
    assert.equal(
      comments.some((c) => c.comment.includes('must never arrive')),
      false,
    );
  });
});
