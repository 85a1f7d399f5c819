import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { loadConfig, type Config } from '../src/config/config.js';

const dir = mkdtempSync(join(tmpdir(), 'thruk-mcp-config-'));
after(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
function file(text: string, ext = 'yaml'): string {
  const p = join(dir, `c${n++}.${ext}`);
  writeFileSync(p, text);
  return p;
}

function ok(env: Record<string, string>, argv: string[] = []): Config {
  const r = loadConfig(argv, env);
  if (!r.ok || r.action !== 'serve') throw new Error(`expected a config, got ${JSON.stringify(r)}`);
  return r.config;
}

function problems(env: Record<string, string>, argv: string[] = []): string[] {
  const r = loadConfig(argv, env);
  return r.ok ? [] : r.issues;
}

describe('THRUK_MCP_CONFIG: several named Thruk instances', () => {
  it('reads a YAML file: keys from a file, a variable or inline; env settings are the defaults; the file names the default', () => {
    const keyFile = file('prod_key_1\n', 'key');
    const path = file(`
default: lab
instances:
  prod:
    url: https://mon.example.com/prod/thruk/
    api_key_file: ${keyFile}
    auth_user: mcp-bot
    ca_file: /etc/ssl/internal-ca.pem
    default_backends: [site-a, site-b]
  lab:
    url: http://lab.example.com/lab/thruk/r
    api_key_env: LAB_KEY
    verify_ssl: false
    timeout: 5
    max_concurrent: 2
    cache_ttl: 0
`);
    const c = ok({ THRUK_MCP_CONFIG: path, LAB_KEY: 'lab_key_2', THRUK_TIMEOUT: '40', THRUK_DEFAULT_BACKENDS: 'x', THRUK_CACHE_TTL: '20' });
    assert.deepEqual(
      c.instances.map((i) => i.name),
      ['prod', 'lab'],
    );
    assert.equal(c.defaultInstance, 'lab');
    const [prod, lab] = c.instances;
    assert.deepEqual(prod, {
      name: 'prod',
      baseUrl: 'https://mon.example.com/prod/thruk',
      apiKey: 'prod_key_1',
      authUser: 'mcp-bot',
      verifySsl: true,
      caFile: '/etc/ssl/internal-ca.pem',
      timeoutMs: 40_000,
      defaultBackends: ['site-a', 'site-b'],
      maxConcurrent: 0,
      cacheTtlMs: 20_000,
    });
    assert.deepEqual(lab, {
      name: 'lab',
      baseUrl: 'http://lab.example.com/lab/thruk',
      apiKey: 'lab_key_2',
      authUser: undefined,
      verifySsl: false,
      caFile: undefined,
      timeoutMs: 5000,
      defaultBackends: ['x'],
      maxConcurrent: 2,
      cacheTtlMs: 0,
    });
    // config.thruk is the default instance, so everything that reads it keeps working.
    assert.equal(c.thruk.baseUrl, 'http://lab.example.com/lab/thruk');
    assert.equal(c.thruk.apiKey, 'lab_key_2');
  });

  it('reads JSON too, and THRUK_BASE_URL adds the instance "default", which is then the default', () => {
    const path = file(JSON.stringify({ instances: { eu: { url: 'https://eu.example.com/thruk', api_key: 'eu_key' } } }), 'json');
    const c = ok({ THRUK_MCP_CONFIG: path, THRUK_BASE_URL: 'https://main.example.com/thruk', THRUK_API_KEY: 'main_key' });
    assert.deepEqual(
      c.instances.map((i) => [i.name, i.apiKey]),
      [
        ['default', 'main_key'],
        ['eu', 'eu_key'],
      ],
    );
    assert.equal(c.defaultInstance, 'default');
    assert.equal(c.thruk.apiKey, 'main_key');
  });

  it('without a file, the env variables are the single instance "default" (as before)', () => {
    const c = ok({ THRUK_BASE_URL: 'https://mon.example.com/thruk', THRUK_API_KEY: 'k_1', THRUK_AUTH_USER: 'ann' });
    assert.deepEqual(
      c.instances.map((i) => i.name),
      ['default'],
    );
    assert.deepEqual({ ...c.instances[0], name: undefined }, { ...c.thruk, name: undefined });
    assert.equal(c.thruk.authUser, 'ann');
  });

  it('reports every problem of the file at once, never echoing a key or a URL', () => {
    const badKeyFile = file('has "quotes" sec_ret_9\n', 'key');
    const path = file(`
defualt: prod
default: nowhere
instances:
  prod:
    url: https://user:pw_secret_7@mon.example.com/thruk
    api_key: inline_key_1
    api_key_file: /no/such/file
    timeout: soon
    verify_ssl: maybe
    default_backends: { a: 1 }
    colour: blue
  lab:
    url: ftp://lab.example.com
  "bad name!":
    url: https://x.example.com/thruk
    api_key: "sec ret"
  staging:
    url: https://staging.example.com/thruk
    api_key_file: ${badKeyFile}
  qa:
    url: https://qa.example.com/thruk
    api_key_env: QA_KEY_NOT_SET
  dev:
    url: https://dev.example.com/thruk
    api_key_file: /no/such/dir/key
`);
    const list = problems({ THRUK_MCP_CONFIG: path });
    const where = `THRUK_MCP_CONFIG (${path})`;
    assert.deepEqual(list, [
      `${where}: unknown top-level entry 'defualt' (known: instances, default)`,
      `${where}: instances.prod: unknown setting 'colour' (known: url, api_key, api_key_file, api_key_env, auth_user, verify_ssl, ca_file, timeout, default_backends, max_concurrent, cache_ttl, comment_author)`,
      `${where}: instances.prod.url: must not carry credentials; put the key in api_key_file or api_key_env`,
      `${where}: instances.prod: give only one of api_key, api_key_file and api_key_env`,
      `${where}: instances.prod.verify_ssl: expected true or false`,
      `${where}: instances.prod.timeout: expected seconds between 1 and 600`,
      `${where}: instances.prod.default_backends: expected a list of backend names`,
      `${where}: instances.lab.url: must be an http:// or https:// URL`,
      `${where}: instances.lab: needs a Thruk API key: api_key_file (a file holding the key), api_key_env (the name of a variable holding it) or api_key`,
      `${where}: instances.bad name!: an instance name is 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit`,
      `${where}: instances.bad name!.api_key: Thruk keys contain only letters, digits and _; check for quotes, spaces or a second line`,
      `${where}: instances.staging.api_key_file: Thruk keys contain only letters, digits and _; check for quotes, spaces or a second line`,
      `${where}: instances.qa.api_key_env: the variable QA_KEY_NOT_SET is not set`,
      `${where}: instances.dev.api_key_file: cannot read /no/such/dir/key (ENOENT)`,
    ]);
    const all = list.join('\n');
    for (const secret of ['pw_secret_7', 'inline_key_1', 'sec_ret_9', 'sec ret']) assert.ok(!all.includes(secret), `${secret} echoed`);
  });

  it('a syntax error names the line and column but never shows the line (it may hold a key)', () => {
    const path = file('instances:\n  prod:\n    url: https://x.example.com/thruk\n    api_key: "top_secret_1\n   oops: [\n');
    const list = problems({ THRUK_MCP_CONFIG: path });
    assert.equal(list.length > 0, true);
    for (const i of list) {
      assert.match(i, /^THRUK_MCP_CONFIG \(.*\): not valid JSON or YAML \([a-z ]+( at line \d+, column \d+)?\)$/);
      assert.ok(!i.includes('top_secret_1'));
    }
    assert.deepEqual(
      problems({ THRUK_MCP_CONFIG: file('a: 1\na: 2\n') }).map((i) => i.replace(/^.*: not valid/, 'not valid')),
      ['not valid JSON or YAML (duplicate key)'],
    );
  });

  it('refuses an unreadable file, an empty one, a clash with the env instance and a stray THRUK_API_KEY', () => {
    assert.match(problems({ THRUK_MCP_CONFIG: join(dir, 'missing.yaml') })[0] ?? '', /cannot read the file \(ENOENT\)/);
    assert.match(problems({ THRUK_MCP_CONFIG: file('') })[0] ?? '', /expected a mapping with an 'instances' entry/);
    assert.match(problems({ THRUK_MCP_CONFIG: file('instances: {}\n') })[0] ?? '', /instances: must map at least one instance/);
    const clash = file('instances:\n  default:\n    url: https://x.example.com/thruk\n    api_key: k_1\n');
    assert.deepEqual(problems({ THRUK_MCP_CONFIG: clash, THRUK_BASE_URL: 'https://y.example.com/thruk', THRUK_API_KEY: 'k_2' }), [
      'THRUK_MCP_CONFIG: instances.default: the name is taken by the instance THRUK_BASE_URL describes; rename it',
    ]);
    const two = file(
      'default: nowhere\ninstances:\n  eu:\n    url: https://x.example.com/thruk\n    api_key: k_1\n  us:\n    url: https://y.example.com/thruk\n    api_key: k_2\n',
    );
    assert.deepEqual(problems({ THRUK_MCP_CONFIG: two }), [
      "THRUK_MCP_CONFIG: default: 'nowhere' is not a declared instance; use one of eu, us",
    ]);
    const one = file('instances:\n  eu:\n    url: https://x.example.com/thruk\n    api_key: k_1\n');
    assert.deepEqual(problems({ THRUK_MCP_CONFIG: one, THRUK_API_KEY: 'k_2' }), [
      'THRUK_API_KEY: has no effect without THRUK_BASE_URL when THRUK_MCP_CONFIG declares the instances; set both to add the instance "default", or neither.',
    ]);
  });

  it('lets instances go without a key when callers bring their own (MCP_THRUK_AUTH=caller) and in demo mode', () => {
    const path = file('instances:\n  eu:\n    url: https://x.example.com/thruk\n  us:\n    url: https://y.example.com/thruk\n');
    const c = ok({ THRUK_MCP_CONFIG: path, MCP_THRUK_AUTH: 'caller' }, ['--listen', '0']);
    assert.deepEqual(
      c.instances.map((i) => [i.name, i.apiKey]),
      [
        ['eu', ''],
        ['us', ''],
      ],
    );
    const d = ok({ THRUK_MCP_CONFIG: path }, ['--demo']);
    assert.deepEqual(
      d.instances.map((i) => [i.name, i.apiKey]),
      [
        ['eu', 'demo'],
        ['us', 'demo'],
      ],
    );
    assert.equal(d.defaultInstance, 'eu');
    assert.ok(problems({ THRUK_MCP_CONFIG: path }).every((i) => i.includes('needs a Thruk API key')));
  });
});
