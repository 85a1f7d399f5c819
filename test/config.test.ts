import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEMO_API_KEY, loadConfig } from '../src/config/config.js';

const good = { THRUK_BASE_URL: 'https://mon.example.com/site/thruk/', THRUK_API_KEY: 'abc_123' };

function issues(argv: string[], env: Record<string, string>): string[] {
  const r = loadConfig(argv, env);
  assert.equal(r.ok, false, 'expected a configuration error');
  return r.ok ? [] : r.issues;
}

describe('configuration', () => {
  it('parses the anchor variables with their meanings', () => {
    const r = loadConfig([], {
      ...good,
      THRUK_AUTH_USER: 'alice',
      THRUK_VERIFY_SSL: 'no',
      THRUK_TIMEOUT: '12',
      THRUK_DEFAULT_BACKENDS: 'a, b ,',
      THRUK_READ_ONLY: 'yes',
      THRUK_ENABLED_TOOLS: 'thruk_list_*,thruk_get_host',
      THRUK_AUDIT_LOG: '0',
      THRUK_MAX_CONCURRENT: '4',
      THRUK_CA_FILE: '/etc/ca.pem',
      HTTPS_PROXY: 'http://proxy:3128',
      no_proxy: 'localhost',
    });
    assert.ok(r.ok && r.action === 'serve');
    const c = r.config;
    assert.equal(c.thruk.baseUrl, 'https://mon.example.com/site/thruk', 'trailing slash stripped');
    assert.equal(c.thruk.authUser, 'alice');
    assert.equal(c.thruk.verifySsl, false);
    assert.equal(c.thruk.timeoutMs, 12_000);
    assert.deepEqual(c.thruk.defaultBackends, ['a', 'b']);
    assert.equal(c.readOnly, true);
    assert.deepEqual(c.enabledTools, ['thruk_list_*', 'thruk_get_host']);
    assert.equal(c.auditLog, false);
    assert.equal(c.thruk.maxConcurrent, 4);
    assert.equal(c.thruk.caFile, '/etc/ca.pem');
    assert.deepEqual(c.proxy, { httpsProxy: 'http://proxy:3128', noProxy: 'localhost' });
    assert.equal(c.mode, 'stdio');
    assert.ok(Object.isFrozen(c) && Object.isFrozen(c.thruk), 'config is frozen');
  });

  it('treats the Docker gateway placeholder <UNKNOWN> as unset', () => {
    const list = issues([], { THRUK_BASE_URL: '<UNKNOWN>', THRUK_API_KEY: '<UNKNOWN>' });
    assert.ok(list.some((i) => i.startsWith('THRUK_BASE_URL: not set')));
    assert.ok(list.some((i) => i.startsWith('THRUK_API_KEY: not set')));
    const r = loadConfig([], { ...good, THRUK_AUTH_USER: '<UNKNOWN>' });
    assert.ok(r.ok && r.action === 'serve' && r.config.thruk.authUser === undefined);
  });

  it('lists every problem at once, each naming its variable', () => {
    const list = issues(['--listen', '99999'], {
      THRUK_VERIFY_SSL: 'maybe',
      THRUK_TIMEOUT: 'soon',
      THRUK_API_KEY: 'has space',
      THRUK_BASE_URL: 'ftp://x',
    });
    const names = list.map((i) => i.split(':')[0]);
    for (const n of ['THRUK_VERIFY_SSL', 'THRUK_TIMEOUT', 'THRUK_API_KEY', 'THRUK_BASE_URL', '--listen'])
      assert.ok(names.includes(n), `missing ${n} in ${JSON.stringify(list)}`);
  });

  it('requires the key outside --demo but not with it', () => {
    assert.ok(issues([], { THRUK_BASE_URL: 'http://x/thruk' }).some((i) => i.startsWith('THRUK_API_KEY')));
    const r = loadConfig(['--demo'], {});
    assert.ok(r.ok && r.action === 'serve' && r.config.demo && r.config.thruk.apiKey === DEMO_API_KEY);
  });

  it('refuses HTTP without a token unless explicitly allowed, and off-loopback only with the extra flag', () => {
    assert.ok(issues(['--listen', '8080'], good).some((i) => i.startsWith('MCP_HTTP_TOKEN')));
    const ok = loadConfig(['--listen', '8080'], { ...good, MCP_HTTP_ALLOW_UNAUTHENTICATED: 'true' });
    assert.ok(ok.ok && ok.action === 'serve' && ok.config.mode === 'http' && ok.config.http.host === '127.0.0.1');
    assert.ok(
      issues(['--listen', '8080', '--host', '0.0.0.0'], { ...good, MCP_HTTP_ALLOW_UNAUTHENTICATED: 'true' }).some((i) =>
        i.startsWith('MCP_HTTP_ALLOW_UNAUTHENTICATED'),
      ),
    );
    // Plain HTTP off loopback also needs the TLS opt-out (test/http-limits.test.ts covers that policy).
    const insist = loadConfig(['--listen', '8080', '--host', '0.0.0.0', '--allow-remote-unauthenticated'], {
      ...good,
      MCP_HTTP_ALLOW_UNAUTHENTICATED: 'true',
      MCP_ALLOW_INSECURE_HTTP: 'true',
    });
    assert.ok(insist.ok);
    const withToken = loadConfig(['--listen', '8080', '--host', '0.0.0.0'], {
      ...good,
      MCP_HTTP_TOKEN: 's3cret',
      MCP_ALLOW_INSECURE_HTTP: 'true',
    });
    assert.ok(withToken.ok && withToken.action === 'serve' && withToken.config.http.token === 's3cret');
  });

  it('reports unknown flags, help and version', () => {
    assert.ok(issues(['--bogus'], good)[0]?.includes('--bogus'));
    assert.deepEqual(loadConfig(['--help'], {}), { ok: true, action: 'help' });
    assert.deepEqual(loadConfig(['-v'], {}), { ok: true, action: 'version' });
  });

  it('never echoes a secret value in a problem message', () => {
    const list = issues(['--listen', '1'], { THRUK_BASE_URL: 'http://x/thruk', THRUK_API_KEY: 'sec ret-key"' });
    assert.ok(
      list.every((i) => !i.includes('sec ret-key')),
      JSON.stringify(list),
    );
  });
});
