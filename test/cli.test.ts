/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-argument -- answers not read typed yet (issue 16; see test/helpers/harness.ts) */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { before, describe, it } from 'node:test';
import { createLogger } from '../src/server/log.js';
import { createRuntime } from '../src/server/runtime.js';
import { createSimulator } from '../src/sim/index.js';
import { callCommand, parseKeyValues, progressLine, type Out } from '../src/cli/subcommands.js';
import { fetchHandlerSend } from '../src/thruk/client.js';
import { allTools, DEFAULT_TOOLS } from '../src/tools/core/registry.js';
import { demoConfig } from './helpers/config.js';

const root = fileURLToPath(new URL('../', import.meta.url));
const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const run = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, [cli, ...args], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });

describe('operator command line', () => {
  before(() => {
    if (!existsSync(cli)) assert.equal(spawnSync('npx', ['tsc', '-p', 'tsconfig.json'], { cwd: root }).status, 0);
  });

  it('tools --json lists every tool with toolset, access and whether it is offered, without a Thruk', () => {
    const r = run(['tools', '--json'], { THRUK_READ_ONLY: 'true', THRUK_TOOLSETS: 'all' });
    assert.equal(r.status, 0, r.stderr);
    const rows = JSON.parse(r.stdout) as Array<{ name: string; access: string; offered: string }>;
    assert.equal(rows.length, allTools().length);
    // With every toolset on there is nothing to enable: the discovery tool is 'fixed'.
    for (const row of rows)
      assert.equal(
        row.offered === 'yes',
        row.name !== 'thruk_enable_toolset' &&
          (row.access === 'read' || allTools().find((t) => t.name === row.name)?.readOnlyFallback === true),
        row.name,
      );
    assert.equal(rows.find((r) => r.name === 'thruk_enable_toolset')?.offered, 'fixed');
  });

  it('tools --json without THRUK_TOOLSETS offers exactly the default selection and names the toolset of the rest', () => {
    const r = run(['tools', '--json']);
    assert.equal(r.status, 0, r.stderr);
    const rows = JSON.parse(r.stdout) as Array<{ name: string; offered: string }>;
    assert.equal(rows.length, allTools().length);
    for (const row of rows) assert.equal(row.offered, DEFAULT_TOOLS.has(row.name) ? 'yes' : 'toolset', row.name);
  });

  it('call runs a tool through the same path as MCP: text, JSON in and out, errors exit 1', () => {
    const text = run(['call', 'thruk_totals', '--demo']);
    assert.equal(text.status, 0, text.stderr);
    assert.match(text.stdout, /^Hosts total \d+/);
    const json = run(['call', 'thruk_list_hosts', '--demo', '--json', '{"limit":3}']);
    assert.equal(JSON.parse(json.stdout).returned, 3);
    const kv = run(['call', 'thruk_list_hosts', 'limit=2', 'sort=-state', '--demo']);
    assert.match(kv.stdout, /^hosts 1-2 of \d+/);
    const miss = run(['call', 'thruk_get_host', 'host=web1', '--demo']);
    assert.equal(miss.status, 1);
    assert.match(miss.stdout, /Did you mean 'web-01'/);
    assert.equal(run(['call', 'thruk_nope', '--demo']).status, 2);
  });

  it('doctor passes on the demo estate and fails with a cause when Thruk is unreachable', () => {
    const ok = run(['doctor', '--demo']);
    assert.equal(ok.status, 0, ok.stdout + ok.stderr);
    assert.match(ok.stdout, /API key\s+OK/);
    assert.match(ok.stdout, /backends\s+OK/);
    const bad = run(['doctor'], { THRUK_BASE_URL: 'http://127.0.0.1:9/thruk', THRUK_API_KEY: 'k_1', THRUK_TIMEOUT: '2' });
    assert.equal(bad.status, 1);
    assert.match(bad.stdout, /Thruk reachable\s+FAIL\s+.*check THRUK_BASE_URL/);
    assert.ok(!bad.stdout.includes('k_1'), 'the key is never printed');
  });

  it('doctor --demo prints one verdict per check and a verdict line, with nothing alarming about the simulated estate', () => {
    const r = run(['doctor', '--demo']);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    const rows = r.stdout.split('\n').filter((l) => /^\S.*\s(OK|WARN|FAIL)\s/.test(l));
    assert.deepEqual(
      rows.map((l) => l.split(/\s{2,}/)[0]),
      ['configuration', 'TLS', 'proxy', 'Thruk reachable', 'API key', 'writes', 'backends'],
    );
    assert.ok(
      rows.every((l) => /\sOK\s/.test(l)),
      r.stdout,
    );
    assert.match(r.stdout, /Thruk reachable\s+OK\s+Thruk \d+\.\d+/);
    assert.match(r.stdout, /\nAll good\.\n$/);
    assert.match(r.stderr, /DEMO MODE/, 'says on stderr that the estate is simulated');
  });

  it('call thruk_problems --demo prints the problem summary and a table of the unhandled ones', () => {
    const r = run(['call', 'thruk_problems', '--demo']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^Hosts: \d+ DOWN, \d+ UNREACHABLE \(\d+ unhandled, \d+ handled\)\n/);
    assert.match(r.stdout, /\nServices: \d+ CRITICAL, \d+ UNKNOWN, \d+ WARNING/);
    assert.match(r.stdout, /\nhost \| service \| state \| for \| output\n/);
    // A host problem has an empty service cell; unhandled rows carry no handling flags.
    // The demo has two cores: each host names its core (web-01@icinga).
    assert.match(r.stdout, /\n[\w-]+@(icinga|naemon) \|  \| DOWN \|/);
    assert.match(r.stdout, /\n[\w-]+@(icinga|naemon) \| [^|]+ \| CRITICAL \|/);
    assert.ok(!r.stdout.includes('\x1b'), 'no terminal control codes in the answer');
    const json = JSON.parse(run(['call', 'thruk_problems', '--demo', '--json']).stdout);
    assert.equal(json.returned, json.rows.length);
    assert.ok(
      json.rows.length > 0 && json.rows.every((r: any) => ['host', 'service'].includes(r.kind) && typeof r.state === 'string'),
      JSON.stringify(json).slice(0, 300),
    );
    assert.ok(json.counts.hosts.down > 0 && json.counts.services.critical > 0);
    // Handled problems, when asked for, say how in the state cell.
    const all = run(['call', 'thruk_problems', '--demo', 'include_handled=true', 'limit=100']);
    assert.match(
      all.stdout,
      /\n[\w@-]+ \| [^|]* \| (DOWN|UNREACHABLE|CRITICAL|WARNING|UNKNOWN)( soft[^|]*)? (acked|downtime|host down|host handled)\b[^|]* \|/,
    );
  });

  it('parses key=value arguments as JSON when they are JSON', () => {
    assert.deepEqual(
      parseKeyValues(['limit=5', 'host=web-01', 'include_handled=true', 'filter={"field":"state","value":"down"}', 'name=a=b']),
      {
        limit: 5,
        host: 'web-01',
        include_handled: true,
        filter: { field: 'state', value: 'down' },
        name: 'a=b',
      },
    );
    assert.throws(() => parseKeyValues(['oops']), /key=value/);
  });
});

describe('progress of long calls on stderr', () => {
  const capture = (errIsTTY: boolean, columns = 200): Out & { stdout: string; stderr: string } => {
    const io = {
      stdout: '',
      stderr: '',
      errIsTTY,
      columns,
      out: (t: string) => void (io.stdout += t),
      err: (t: string) => void (io.stderr += t),
    };
    return io;
  };
  const ARGS = { path: '/services', params: { columns: 'host_name,description,state' }, page_size: 20, limit: 1000 };

  async function callPaged(io: Out): Promise<number> {
    const config = demoConfig();
    const sim = createSimulator({ apiKey: config.thruk.apiKey });
    const log = createLogger('silent');
    const runtime = createRuntime(
      config,
      log,
      fetchHandlerSend((req) => sim.fetch(req)),
    );
    try {
      return await callCommand({ config, thruk: runtime.thruk, log }, 'thruk_run_background_query', ARGS, false, io);
    } finally {
      await runtime.close();
    }
  }

  it('on a terminal: one redrawn status line per update, erased when the answer is printed', async () => {
    const io = capture(true);
    assert.equal(await callPaged(io), 0, io.stdout);
    const updates = io.stderr.split('\r\x1b[2K').filter((s) => s !== '');
    assert.ok(updates.length >= 2, io.stderr);
    assert.match(updates[0]!, /^thruk_run_background_query: page 1: 20 rows so far$/);
    assert.ok(io.stderr.endsWith('\r\x1b[2K'), 'the status line is cleared at the end');
    assert.ok(!io.stderr.includes('\n'), 'updates overwrite each other instead of scrolling');
    assert.ok(!io.stdout.includes('\x1b') && !io.stdout.includes('\r'), 'the answer on stdout is untouched');
  });

  it('not on a terminal: stderr stays silent and stdout is the same answer', async () => {
    const tty = capture(true);
    const pipe = capture(false);
    assert.equal(await callPaged(tty), 0);
    assert.equal(await callPaged(pipe), 0);
    assert.equal(pipe.stderr, '');
    assert.equal(pipe.stdout, tty.stdout);
  });

  it('cuts a status line to the terminal width so it can be erased, and falls back to done/total', () => {
    const io = capture(true, 30);
    const p = progressLine('thruk_bulk_acknowledge', io);
    p.report(3, 10);
    p.report(4, 10, 'x'.repeat(100));
    p.finish();
    const updates = io.stderr.split('\r\x1b[2K').filter((s) => s !== '');
    assert.deepEqual(updates[0], 'thruk_bulk_acknowledge: 3/10');
    assert.equal(updates[1]!.length, 29);
    assert.ok(updates[1]!.endsWith('…'));
    const quiet = capture(true);
    progressLine('t', quiet).finish();
    assert.equal(quiet.stderr, '', 'nothing to erase when nothing was shown');
  });
});
