import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { before, describe, it } from 'node:test';
import { parseKeyValues } from '../src/subcommands.js';
import { allTools, DEFAULT_TOOLS } from '../src/tools/registry.js';

const root = fileURLToPath(new URL('../', import.meta.url));
const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const run = (args: string[], env: Record<string, string> = {}) => spawnSync(process.execPath, [cli, ...args], { cwd: root, env: { PATH: process.env.PATH ?? '', ...env }, encoding: 'utf8', timeout: 30_000 });

describe('operator command line', () => {
  before(() => {
    if (!existsSync(cli)) assert.equal(spawnSync('npx', ['tsc', '-p', 'tsconfig.json'], { cwd: root }).status, 0);
  });

  it('tools --json lists every tool with toolset, access and whether it is offered, without a Thruk', () => {
    const r = run(['tools', '--json'], { THRUK_READ_ONLY: 'true', THRUK_TOOLSETS: 'all' });
    assert.equal(r.status, 0, r.stderr);
    const rows = JSON.parse(r.stdout) as Array<{ name: string; access: string; offered: string }>;
    assert.equal(rows.length, allTools().length);
    for (const row of rows) assert.equal(row.offered === 'yes', row.access === 'read' || allTools().find((t) => t.name === row.name)?.readOnlyFallback === true, row.name);
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

  it('parses key=value arguments as JSON when they are JSON', () => {
    assert.deepEqual(parseKeyValues(['limit=5', 'host=web-01', 'include_handled=true', 'filter={"field":"state","value":"down"}', 'name=a=b']), {
      limit: 5, host: 'web-01', include_handled: true, filter: { field: 'state', value: 'down' }, name: 'a=b',
    });
    assert.throws(() => parseKeyValues(['oops']), /key=value/);
  });
});
