/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-return -- answers not read typed yet (issue 16; see test/helpers/harness.ts) */
/**
 * Writes you can account for (issue 14, points 1–4): one way to run a tool on every entry point
 * with the same audit record, binding previews, authors from the verified caller, fail-closed
 * audit. Everything is checked on the wire (what the simulator received) and in the records.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { loadConfig } from '../src/config/config.js';
import { createLogger } from '../src/server/log.js';
import { createRuntime } from '../src/server/runtime.js';
import { createServerFactory } from '../src/server/server.js';
import { createSimulator } from '../src/sim/index.js';
import { fetchHandlerSend } from '../src/thruk/client.js';
import { allTools } from '../src/tools/core/registry.js';
import { createAuthenticator } from '../src/transports/auth.js';
import { createHttpApp } from '../src/transports/http.js';
import { connect } from './helpers/loose.js';

const cmds = (sim: { requests: Array<{ path: string; params: Array<[string, string]> }> }) =>
  sim.requests.filter((r) => r.path.endsWith('/cmd') || r.path.includes('/cmd/'));
const field = (r: { params: Array<[string, string]> } | undefined, k: string) => r?.params.find(([x]) => x === k)?.[1];
const records = (file: string) =>
  readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));

describe('point 1: one write, three entry points, one audit record each (file and stderr)', () => {
  it('the call command audits to THRUK_AUDIT_FILE and stderr, like MCP', () => {
    const dir = mkdtempSync(join(tmpdir(), 'audit-'));
    const file = join(dir, 'audit.jsonl');
    const out = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'call', 'thruk_recheck', 'host=app-01', '--demo'], {
      env: { ...process.env, THRUK_AUDIT_FILE: file, LOG_LEVEL: 'warn' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.equal(out.status, 0, out.stderr);
    const recs = records(file);
    const final = recs.filter((r) => r.phase !== 'intent');
    assert.equal(final.length, 1);
    assert.equal(final[0].tool, 'thruk_recheck');
    assert.equal(final[0].via, 'cli');
    assert.equal(final[0].outcome, 'done');
    assert.match(final[0].plan_id, /^[\w-]{16}\.[0-9a-z]+$/);
    // The two-core demo: app-01 lives on the Icinga 2 core only (web-01 is on both, a multi-object write).
    assert.deepEqual(
      final[0].results.map((r: any) => r.target),
      ['app-01@icinga'],
    );
    assert.equal(recs.filter((r) => r.phase === 'intent').length, 1, 'the record before sending');
    const stderr = out.stderr
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l))
      .filter((l) => l.audit === true && l.phase !== 'intent');
    assert.equal(stderr.length, 1, out.stderr);
    assert.equal(stderr[0].plan_id, final[0].plan_id);
  });

  it('stdio-style (the in-process server) and HTTP with a token write the same record, naming the caller', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'audit-'));
    // The server over the SDK transport, no token: the stdio entry point's path.
    const fileA = join(dir, 'a.jsonl');
    const h = await connect({ env: { THRUK_AUDIT_FILE: fileA } });
    const r = await h.call('thruk_recheck', { host: 'web-01' });
    assert.equal(r.structured.status, 'done', r.text);
    const a = records(fileA).filter((x) => x.phase !== 'intent');
    assert.equal(a.length, 1);
    assert.equal(a[0].plan_id, r.structured.plan_id);
    assert.ok(
      h.logs.some((l) => {
        const j = JSON.parse(l);
        return j.audit === true && j.plan_id === r.structured.plan_id && j.phase !== 'intent';
      }),
    );
    await h.close();

    // HTTP with a static token.
    const fileB = join(dir, 'b.jsonl');
    const c = loadConfig(['--demo', '--listen', '0'], { MCP_HTTP_TOKENS: 'ops-tok-1:write', THRUK_AUDIT_FILE: fileB });
    assert.ok(c.ok && c.action === 'serve');
    const logs: string[] = [];
    const log = createLogger('info', { write: (s: string) => logs.push(s) });
    const sim = createSimulator({ apiKey: c.config.thruk.apiKey });
    const runtime = createRuntime(
      c.config,
      log,
      fetchHandlerSend((q) => sim.fetch(q)),
    );
    const app = createHttpApp(
      createServerFactory({ config: c.config, thruk: runtime.thruk, log, version: 't', tools: allTools() }),
      { token: undefined, allowedHosts: ['localhost'], auth: createAuthenticator(c.config.http.auth, log) },
      log,
    );
    const client = new Client({ name: 't', version: '1' }, { versionNegotiation: { mode: 'auto' } });
    await client.connect(
      new StreamableHTTPClientTransport(new URL('http://localhost/mcp'), {
        fetch: (u, i) => app.fetch(new Request(u, i)),
        requestInit: { headers: { authorization: 'Bearer ops-tok-1' } },
      }),
    );
    const res: any = await client.callTool({ name: 'thruk_recheck', arguments: { host: 'web-01' } });
    assert.equal(res.structuredContent.status, 'done');
    const b = records(fileB).filter((x) => x.phase !== 'intent');
    assert.equal(b.length, 1);
    assert.equal(b[0].via, 'http');
    assert.equal(b[0].caller, 'token-1');
    assert.equal(b[0].plan_id, res.structuredContent.plan_id);
    assert.ok(
      logs.some((l) => {
        const j = JSON.parse(l);
        return j.audit === true && j.caller === 'token-1' && j.phase !== 'intent';
      }),
    );
    assert.ok(!readFileSync(fileB, 'utf8').includes('ops-tok-1'), 'the token never reaches the audit file');
    await client.close();
    await app.close();
    await runtime.close();
  });
});

describe('point 4: the audit record fails closed', () => {
  it('an audit file that cannot be written refuses the write: nothing reaches Thruk', async () => {
    const h = await connect({ env: { THRUK_AUDIT_FILE: '/nonexistent-dir/audit.jsonl' } });
    const r = await h.call('thruk_recheck', { host: 'web-01' });
    assert.equal(r.isError, true);
    assert.match(r.text, /audit record could not be written .*nothing was sent/);
    assert.equal(cmds(h.sim).length, 0);
    await h.close();
  });

  it('the final record names the Thruk user, plan id, every target with result and read-back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'audit-'));
    const file = join(dir, 'a.jsonl');
    const h = await connect({ env: { THRUK_AUDIT_FILE: file }, sim: { sites: ['north', 'south'] } });
    const ask = await h.call('thruk_recheck', { host: 'web-01' });
    const r = await h.call('thruk_recheck', { host: 'web-01', plan_id: ask.structured.plan_id });
    assert.equal(r.structured.status, 'done', r.text);
    const rec = records(file)
      .filter((x) => x.phase !== 'intent')
      .at(-1);
    assert.equal(rec.plan_id, ask.structured.plan_id);
    assert.equal(rec.thruk_user, '(api)');
    assert.deepEqual(rec.results.map((x: any) => [x.target, x.outcome]).sort(), [
      ['web-01@north', 'ok'],
      ['web-01@south', 'ok'],
    ]);
    assert.ok(rec.results.every((x: any) => x.read_back === 'yes' || x.read_back === 'pending'));
    await h.close();
  });
});

describe('point 2: previews are binding', () => {
  it('a multi-target write with confirm: true and no preview is not run; its plan id runs exactly it', async () => {
    const h = await connect({});
    const first = await h.call('thruk_delete_downtimes_by_filter', { host: 'db-03', confirm: true });
    assert.notEqual(first.structured?.status, 'done');
    assert.equal(cmds(h.sim).filter((q) => field(q, 'cmd')?.startsWith('del_') || q.path.includes('del_')).length, 0);
    await h.close();
  });

  it('targets that changed after the preview: refused, the difference shown, nothing sent', async () => {
    const h = await connect({});
    const args = { hostgroup: 'web-servers', comment: 'patch' };
    const preview = await h.call('thruk_schedule_hostgroup_downtime', { ...args, dry_run: true, target: 'hosts' });
    assert.equal(preview.structured.status, 'preview');
    const id = preview.structured.plan_id;
    // Same call, other arguments: the plan differs (services instead of hosts).
    const r = await h.call('thruk_schedule_hostgroup_downtime', { ...args, target: 'services', plan_id: id });
    assert.equal(r.isError, true);
    assert.equal(r.structured.status, 'plan_changed');
    assert.match(r.text, /not the plan that was previewed/);
    assert.ok(r.structured.difference.known);
    assert.ok(
      r.structured.difference.removed.some((l: string) => l.includes('SCHEDULE_HOSTGROUP_HOST_DOWNTIME')),
      JSON.stringify(r.structured.difference),
    );
    assert.ok(r.structured.difference.added.some((l: string) => l.includes('SCHEDULE_HOSTGROUP_SVC_DOWNTIME')));
    assert.equal(cmds(h.sim).length, 0);
    // The preview's own plan id runs it, with the previewed times on the wire.
    const ok = await h.call('thruk_schedule_hostgroup_downtime', { ...args, target: 'hosts', plan_id: id });
    assert.equal(ok.structured.status, 'done', ok.text);
    const sent = cmds(h.sim);
    assert.equal(sent.length, 1);
    assert.equal(String(field(sent[0], 'start_time')), String(preview.structured.commands[0].line.split(';')[2]));
    await h.close();
  });

  it('a host whose problem changed between preview and confirmation: the bulk plan differs, refused', async () => {
    const h = await connect({});
    const args = { hostgroup: 'web-servers', comment: 'x' };
    const preview = await h.call('thruk_bulk_acknowledge', { ...args, dry_run: true });
    assert.equal(preview.structured.status, 'preview', preview.text);
    // Another operator acknowledges one of the previewed problems meanwhile.
    const [host, service] = preview.structured.commands[0].target.split('@')[0].split('/');
    const path =
      service === undefined
        ? `/hosts/${encodeURIComponent(host)}/cmd/acknowledge_host_problem`
        : `/services/${encodeURIComponent(host)}/${encodeURIComponent(service)}/cmd/acknowledge_svc_problem`;
    const other = await h.sim.fetch(
      new Request(`http://sim.invalid/demo/thruk/r${path}`, {
        method: 'POST',
        headers: { 'X-Thruk-Auth-Key': h.config.thruk.apiKey, 'content-type': 'application/x-www-form-urlencoded' },
        body: 'comment_data=mine&comment_author=bob',
      }),
    );
    assert.equal(other.status, 200);
    for (
      let i = 0;
      i < 20 && !(service === undefined ? h.sim.state.host(host)?.acknowledged : h.sim.state.service(host, service)?.acknowledged);
      i++
    )
      await new Promise((res) => setTimeout(res, 100));
    const before = cmds(h.sim).length;
    const r = await h.call('thruk_bulk_acknowledge', { ...args, plan_id: preview.structured.plan_id });
    assert.equal(r.structured.status, 'plan_changed', r.text);
    assert.ok(r.structured.difference.removed.length >= 1);
    assert.match(r.text, /- .*ACKNOWLEDGE/);
    assert.equal(cmds(h.sim).length, before, 'nothing sent');
    await h.close();
  });
});

describe('point 3: authors on the wire', () => {
  it("stdio: THRUK_COMMENT_AUTHOR, else the key's Thruk user, else thruk-mcp; the author argument is honoured over stdio", async () => {
    const a = await connect({ env: { THRUK_COMMENT_AUTHOR: 'night-shift' } });
    await a.call('thruk_add_comment', { host: 'web-01', comment: 'c1' });
    assert.equal(field(cmds(a.sim).at(-1), 'comment_author'), 'night-shift');
    await a.call('thruk_add_comment', { host: 'web-01', comment: 'c2', author: 'alice' });
    assert.equal(field(cmds(a.sim).at(-1), 'comment_author'), 'alice');
    await a.close();
    const b = await connect({ env: { THRUK_AUTH_USER: 'carol' } });
    await b.call('thruk_add_comment', { host: 'web-01', comment: 'c3' });
    assert.equal(field(cmds(b.sim).at(-1), 'comment_author'), 'carol');
    await b.close();
    const c = await connect({});
    await c.call('thruk_add_comment', { host: 'web-01', comment: 'c4' });
    assert.equal(field(cmds(c.sim).at(-1), 'comment_author'), 'thruk-mcp', 'a superuser key is "(api)", which names nobody');
    await c.close();
  });

  it('raw writes through thruk_query get the same author', async () => {
    const h = await connect({ env: { THRUK_COMMENT_AUTHOR: 'night-shift' } });
    const args = { path: '/hosts/web-01/cmd/add_host_comment', method: 'POST', data: { comment_data: 'raw' }, backends: 'icinga2' };
    const ask = await h.call('thruk_query', args);
    const r = await h.call('thruk_query', { ...args, plan_id: ask.structured.plan_id });
    assert.equal(r.structured.status, 'done', r.text);
    assert.equal(field(cmds(h.sim).at(-1), 'comment_author'), 'night-shift');
    await h.close();
  });

  it('HTTP (operator did not allow it): the author argument is refused, nothing sent', async () => {
    const h = await connect({ config: { mode: 'http' } });
    const r = await h.call('thruk_acknowledge', { host: 'web-01', author: 'icingaadmin' });
    assert.equal(r.isError, true);
    assert.match(r.text, /author cannot be chosen on this server \(THRUK_ALLOW_AUTHOR_ARG is off/);
    assert.equal(cmds(h.sim).length, 0);
    await h.close();
  });
});

describe('point 1: the real stdio transport', () => {
  it('a write over stdio writes one final record to THRUK_AUDIT_FILE and one to stderr', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'audit-')), 'a.jsonl');
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: ['--import', 'tsx', 'src/cli.ts', '--demo'],
      cwd: process.cwd(),
      env: { ...(process.env as Record<string, string>), THRUK_AUDIT_FILE: file, LOG_LEVEL: 'warn' },
      stderr: 'pipe',
    });
    let err = '';
    transport.stderr?.on('data', (d: Buffer) => {
      err += d.toString('utf8');
    });
    const client = new Client({ name: 't', version: '1' }, { versionNegotiation: { mode: 'auto' } });
    await client.connect(transport);
    const r: any = await client.callTool({ name: 'thruk_recheck', arguments: { host: 'app-01' } });
    assert.equal(r.structuredContent.status, 'done');
    await client.close();
    const final = records(file).filter((x) => x.phase !== 'intent');
    assert.equal(final.length, 1);
    assert.equal(final[0].via, 'stdio');
    assert.equal(final[0].plan_id, r.structuredContent.plan_id);
    const onStderr = err
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l))
      .filter((l) => l.audit === true && l.phase !== 'intent');
    assert.equal(onStderr.length, 1, 'the audit record reaches stderr even with LOG_LEVEL=warn');
    assert.equal(onStderr[0].plan_id, r.structuredContent.plan_id);
  });
});

describe('points 3 and 5 over HTTP with impersonation', () => {
  const USERS = [{ name: 'alice', key: 'alice_key_1', hostgroups: ['web-servers'] }];
  async function rigged() {
    const c = loadConfig(['--demo', '--listen', '0'], {
      MCP_THRUK_AUTH: 'impersonate',
      MCP_HTTP_TOKENS: 'w-tok-1:write@alice,r-tok-1:read@alice',
      THRUK_TOOLSETS: 'all',
    });
    assert.ok(c.ok && c.action === 'serve');
    const log = createLogger('silent');
    const sim = createSimulator({ apiKey: c.config.thruk.apiKey, users: USERS });
    const runtime = createRuntime(
      c.config,
      log,
      fetchHandlerSend((q) => sim.fetch(q)),
    );
    const app = createHttpApp(
      createServerFactory({ config: c.config, thruk: runtime.thruk, instances: runtime.instances, log, version: 't', tools: allTools() }),
      { token: undefined, allowedHosts: ['localhost'], auth: createAuthenticator(c.config.http.auth, log, { thruk: runtime.thruk }) },
      log,
    );
    const clients: Client[] = [];
    const as = async (token: string) => {
      const client = new Client({ name: 't', version: '1' }, { versionNegotiation: { mode: 'auto' } });
      await client.connect(
        new StreamableHTTPClientTransport(new URL('http://localhost/mcp'), {
          fetch: (u, i) => app.fetch(new Request(u, i)),
          requestInit: { headers: { authorization: `Bearer ${token}` } },
        }),
      );
      clients.push(client);
      return client;
    };
    const close = async () => {
      for (const x of clients) await x.close();
      await app.close();
      await runtime.close();
    };
    const res = await sim.fetch(
      new Request('http://sim.invalid/demo/thruk/r/hosts?columns=name', { headers: { 'X-Thruk-Auth-Key': 'alice_key_1' } }),
    );
    const host = ((await res.json()) as Array<{ name: string }>)[0]?.name ?? '';
    return { sim, as, close, host };
  }

  it('the author is the impersonated caller on the wire; an author argument is refused', async () => {
    const r = await rigged();
    try {
      const w = await r.as('w-tok-1');
      const ok: any = await w.callTool({ name: 'thruk_add_comment', arguments: { host: r.host, comment: 'seen' } });
      assert.equal(ok.structuredContent.status, 'done', JSON.stringify(ok.content));
      const sent = cmds(r.sim).at(-1);
      assert.equal(field(sent, 'comment_author'), 'alice');
      assert.equal((sent as any).headers['x-thruk-auth-user'], 'alice');
      const before = cmds(r.sim).length;
      const spoof: any = await w.callTool({ name: 'thruk_acknowledge', arguments: { host: r.host, author: 'icingaadmin' } });
      assert.equal(spoof.isError, true);
      assert.match(
        spoof.content[0].text,
        /author cannot be chosen here: this server acts on Thruk as each caller, so the author is you \('alice'\)/,
      );
      assert.equal(cmds(r.sim).length, before, 'nothing sent');
    } finally {
      await r.close();
    }
  });

  it('a read-scope token\'s raw write is refused for its scope, not as "this server runs read-only"', async () => {
    const r = await rigged();
    try {
      const ro = await r.as('r-tok-1');
      const res: any = await ro.callTool({
        name: 'thruk_query',
        arguments: { path: `/hosts/${r.host}/cmd/schedule_forced_host_check`, method: 'POST' },
      });
      assert.equal(res.isError, true);
      assert.match(res.content[0].text, /Your token lacks the write scope \(thruk:write\)/);
      assert.doesNotMatch(res.content[0].text, /runs read-only/);
      assert.equal(cmds(r.sim).length, 0);
    } finally {
      await r.close();
    }
  });
});
