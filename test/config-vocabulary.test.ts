import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { ENV_SPEC, loadConfig, parseEnv, type Config } from '../src/config/config.js';
import { parseInstanceFile } from '../src/config/file.js';
import { helpText } from '../src/config/help.js';
import { HTTP_ENV_SPEC } from '../src/config/http.js';
import { boolWord, numberIn, presentText, splitList, UNSET_PLACEHOLDER } from '../src/config/parse.js';

const BASE = { THRUK_BASE_URL: 'https://mon.example.com/site/thruk', THRUK_API_KEY: 'abc_123' };

function serve(env: Record<string, string>, argv: string[] = []): Config {
  const r = loadConfig(argv, env);
  if (!r.ok || r.action !== 'serve') throw new Error(`expected a config, got ${JSON.stringify(r)}`);
  return r.config;
}

function problems(env: Record<string, string>, argv: string[] = []): string[] {
  const r = loadConfig(argv, env);
  return r.ok ? [] : r.issues;
}

const fileOpts = {
  defaults: { verifySsl: true, caFile: undefined, timeoutMs: 30_000, defaultBackends: [], maxConcurrent: 0, cacheTtlMs: 15_000 },
  env: {},
  keyOptional: true,
};

describe('one configuration vocabulary', () => {
  it('the shared parsers: yes/no words, the placeholder, lists, ranges', () => {
    for (const w of ['1', 'true', 'YES', ' on ']) assert.equal(boolWord(w), true, w);
    for (const w of ['0', 'False', 'no', 'OFF']) assert.equal(boolWord(w), false, w);
    assert.equal(boolWord('maybe'), undefined);
    assert.equal(presentText(UNSET_PLACEHOLDER), undefined);
    assert.equal(presentText('  x '), 'x');
    assert.equal(presentText('   '), undefined);
    assert.deepEqual(splitList(' a, b,,c '), ['a', 'b', 'c']);
    assert.equal(numberIn('5', 1, 10), 5);
    assert.equal(numberIn('11', 1, 10), undefined);
    assert.equal(numberIn('2.5', 1, 10, true), undefined);
    assert.equal(numberIn('', 0, 10), undefined);
  });

  it('the same yes/no words work in a THRUK_* variable, an HTTP variable and the instances file', () => {
    for (const [word, value] of [
      ['yes', true],
      ['off', false],
      ['ON', true],
      ['0', false],
    ] as const) {
      assert.equal(serve({ ...BASE, THRUK_READ_ONLY: word }).readOnly, value, `THRUK_READ_ONLY=${word}`);
      assert.equal(serve({ ...BASE, THRUK_ALLOW_AUTHOR_ARG: word }).allowAuthorArg, value, `THRUK_ALLOW_AUTHOR_ARG=${word}`);
      assert.equal(serve({ ...BASE, MCP_ALLOW_INSECURE_HTTP: word }).http.ops.allowInsecureHttp, value, `MCP_ALLOW_INSECURE_HTTP=${word}`);
      const issues: string[] = [];
      const f = parseInstanceFile(
        `instances:\n  a:\n    url: https://a.example.com/thruk\n    verify_ssl: ${word}\n`,
        'T',
        fileOpts,
        issues,
      );
      assert.deepEqual(issues, []);
      assert.equal(f.instances[0]?.verifySsl, value, `verify_ssl: ${word}`);
    }
  });

  it('a word outside the vocabulary is refused everywhere, naming the setting and what is accepted', () => {
    assert.ok(
      problems({ ...BASE, THRUK_READ_ONLY: 'sure' }).some((p) =>
        p.startsWith('THRUK_READ_ONLY: expected true/false (or 1/0, yes/no, on/off)'),
      ),
    );
    assert.ok(
      problems({ ...BASE, THRUK_ALLOW_AUTHOR_ARG: 'Sure' }).includes(
        "THRUK_ALLOW_AUTHOR_ARG: expected true/false (or 1/0, yes/no, on/off), got 'sure'",
      ),
    );
    assert.ok(
      problems({ ...BASE, MCP_ALLOW_INSECURE_HTTP: 'sure' }).includes(
        "MCP_ALLOW_INSECURE_HTTP: expected true/false (or 1/0, yes/no, on/off), got 'sure'",
      ),
    );
    const issues: string[] = [];
    parseInstanceFile('instances:\n  a:\n    url: https://a.example.com/thruk\n    verify_ssl: sure\n', 'T', fileOpts, issues);
    assert.deepEqual(issues, ['T: instances.a.verify_ssl: expected true or false']);
  });

  it("the gateway's placeholder reads as unset in a THRUK_* variable, an HTTP variable and api_key_env", () => {
    const c = serve({ ...BASE, THRUK_AUTH_USER: UNSET_PLACEHOLDER, MCP_TLS_CERT: UNSET_PLACEHOLDER, THRUK_TIMEOUT: UNSET_PLACEHOLDER });
    assert.equal(c.thruk.authUser, undefined);
    assert.equal(c.http.ops.tls, undefined);
    assert.equal(c.thruk.timeoutMs, 30_000);
    const issues: string[] = [];
    parseInstanceFile(
      'instances:\n  a:\n    url: https://a.example.com/thruk\n    api_key_env: KEY_A\n',
      'T',
      { ...fileOpts, env: { KEY_A: UNSET_PLACEHOLDER } },
      issues,
    );
    assert.deepEqual(issues, ['T: instances.a.api_key_env: the variable KEY_A is not set']);
  });

  it('durations are seconds in every source and milliseconds in the Config', () => {
    const issues: string[] = [];
    const f = parseInstanceFile(
      'instances:\n  a:\n    url: https://a.example.com/thruk\n    timeout: 7\n    cache_ttl: 0.5\n',
      'T',
      fileOpts,
      issues,
    );
    assert.deepEqual(issues, []);
    assert.equal(f.instances[0]?.timeoutMs, 7000);
    assert.equal(f.instances[0]?.cacheTtlMs, 500);
    const c = serve({ ...BASE, THRUK_TIMEOUT: '7', THRUK_CACHE_TTL: '0.5', MCP_SHUTDOWN_TIMEOUT: '2.5' });
    assert.equal(c.thruk.timeoutMs, 7000);
    assert.equal(c.thruk.cacheTtlMs, 500);
    assert.equal(c.http.ops.shutdownTimeoutMs, 2500);
  });

  it('parseEnv reports each bad variable once and still gives every other its value or default', () => {
    const raw = Object.fromEntries(Object.keys(ENV_SPEC).map((k) => [k, undefined])) as Parameters<typeof parseEnv>[0];
    const issues: string[] = [];
    const v = parseEnv({ ...raw, THRUK_TIMEOUT: '9999', THRUK_MAX_BULK_TARGETS: '7', LOG_LEVEL: 'loud' }, issues);
    assert.deepEqual(
      issues.map((i) => i.slice(0, i.indexOf(':'))),
      ['THRUK_TIMEOUT', 'LOG_LEVEL'],
    );
    assert.match(issues[0] ?? '', /expected seconds between 1 and 600, got '9999'/);
    assert.equal(v.THRUK_TIMEOUT, 30);
    assert.equal(v.THRUK_MAX_BULK_TARGETS, 7);
    assert.equal(v.LOG_LEVEL, undefined);
    assert.equal(v.THRUK_VERIFY_SSL, true);
  });

  it('no secret value appears in the problems', () => {
    const issues = problems(
      { THRUK_BASE_URL: 'https://u:s3cretpw@mon.example.com/thruk', THRUK_API_KEY: 'bad key"x', MCP_HTTP_TOKENS: 'tok-abc-secret:admin' },
      ['--listen', '8080'],
    );
    assert.ok(issues.length >= 3);
    for (const p of issues) for (const s of ['s3cretpw', 'bad key', 'tok-abc-secret']) assert.ok(!p.includes(s), p);
  });

  it('every variable is documented once: in --help and in the README table, with its secret flag', () => {
    const names = [...Object.keys(ENV_SPEC), ...Object.keys(HTTP_ENV_SPEC)];
    assert.equal(new Set(names).size, names.length);
    const help = helpText();
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    for (const name of names) {
      assert.match(help, new RegExp(`^  ${name} `, 'm'), `--help lists ${name}`);
      assert.ok(readme.includes(`| \`${name}\` |`), `README lists ${name}`);
    }
    const secrets = Object.entries({ ...ENV_SPEC, ...HTTP_ENV_SPEC })
      .filter(([, v]) => 'secret' in v && v.secret)
      .map(([k]) => k);
    assert.deepEqual(secrets.sort(), ['MCP_HTTP_TOKEN', 'MCP_HTTP_TOKENS', 'THRUK_API_KEY']);
  });
});
