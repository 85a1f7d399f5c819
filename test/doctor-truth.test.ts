/**
 * doctor says only what it saw: TLS is "verified" only after a verified handshake, a refused key
 * is filed under the key and not under reachability, and credentials in THRUK_BASE_URL are a
 * configuration error naming the variable to use instead.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../src/config/config.js';
import { probeOf, reachAndAuthChecks, tlsCheck } from '../src/cli/subcommands.js';
import { ThrukHttpError, ThrukNetworkError } from '../src/thruk/errors.js';

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const CERT = fileURLToPath(new URL('./fixtures/tls/cert.pem', import.meta.url));
const KEY = fileURLToPath(new URL('./fixtures/tls/key.pem', import.meta.url));
const exec = promisify(execFile);

async function doctor(env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await exec(process.execPath, [cli, 'doctor'], {
      env: { PATH: process.env.PATH ?? '', THRUK_TIMEOUT: '3', ...env },
      timeout: 60_000,
    });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, stdout: x.stdout, stderr: x.stderr };
  }
}
const row = (out: string, name: string) =>
  out
    .split('\n')
    .find((l) => l.startsWith(`${name}  `) || l.startsWith(`${name} `))
    ?.replace(/\s{2,}/g, '  ');

const https = { demo: false, thruk: { baseUrl: 'https://mon.example.com/thruk', verifySsl: true } } as Parameters<typeof tlsCheck>[0];
const netErr = (code: string) => new ThrukNetworkError('Thruk GET /thruk failed', { method: 'GET', path: '/thruk', code, reason: code });

describe('doctor checks (pure)', () => {
  it('never says verified without an answer over TLS', () => {
    assert.deepEqual(tlsCheck(https, { kind: 'none', error: netErr('ENOTFOUND') })[1], 'warn');
    assert.match(tlsCheck(https, { kind: 'none', error: netErr('ENOTFOUND') })[2], /not checked/);
    assert.equal(tlsCheck(https, { kind: 'none', error: netErr('DEPTH_ZERO_SELF_SIGNED_CERT') })[1], 'fail');
    assert.equal(tlsCheck(https, { kind: 'answer', info: {} })[1], 'ok');
    assert.equal(
      tlsCheck(https, { kind: 'refused', status: 401, error: undefined })[1],
      'ok',
      'an HTTP 401 came over a verified handshake',
    );
    assert.equal(tlsCheck({ ...https, thruk: { ...https.thruk, baseUrl: 'http://x/thruk' } }, { kind: 'answer', info: {} })[1], 'warn');
  });

  it('files 401/403 under the API key, other failures under reachability', () => {
    const refused = probeOf({ ok: false, error: new ThrukHttpError('403', { method: 'GET', path: '/thruk', status: 403 }) });
    assert.equal(refused.kind, 'refused');
    const rows = reachAndAuthChecks(refused, () => 'why');
    assert.deepEqual(
      rows.map((r) => [r[0], r[1]]),
      [
        ['Thruk reachable', 'ok'],
        ['API key', 'fail'],
      ],
    );
    assert.match(rows[1]![2], /THRUK_API_KEY/);
    const down = reachAndAuthChecks(probeOf({ ok: false, error: netErr('ECONNREFUSED') }), () => 'why');
    assert.deepEqual(
      down.map((r) => [r[0], r[1]]),
      [['Thruk reachable', 'fail']],
    );
  });
});

describe('doctor against a real TLS server that refuses the key', () => {
  let url = '';
  const server = createHttpsServer({ cert: readFileSync(CERT), key: readFileSync(KEY) }, (_req, res) => {
    res.writeHead(401, { 'content-type': 'application/json' });
    res.end('{"code":401,"message":"wrong authentication key"}');
  });
  before(async () => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/thruk`;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  it('with the CA: TLS verified, Thruk reachable, the key refused under its own heading', async () => {
    const r = await doctor({ THRUK_BASE_URL: url, THRUK_API_KEY: 'wrong_key', THRUK_CA_FILE: CERT });
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(row(r.stdout, 'TLS') ?? '', /^TLS  OK  verified: handshake/);
    assert.match(row(r.stdout, 'Thruk reachable') ?? '', /OK  Thruk answered \(HTTP 401\)/);
    assert.match(row(r.stdout, 'API key') ?? '', /FAIL  refused \(HTTP 401\): check THRUK_API_KEY/);
    assert.ok(!r.stdout.includes('wrong_key'));
  });

  it('without the CA: the certificate failure is a TLS failure, never "verified"', async () => {
    const r = await doctor({ THRUK_BASE_URL: url, THRUK_API_KEY: 'wrong_key' });
    assert.equal(r.code, 1);
    assert.match(row(r.stdout, 'TLS') ?? '', /^TLS  FAIL  /);
    assert.doesNotMatch(r.stdout, /verified/i);
  });

  it('a name that does not resolve verifies nothing', async () => {
    const r = await doctor({ THRUK_BASE_URL: 'https://no-such-host.invalid/thruk', THRUK_API_KEY: 'k' });
    assert.equal(r.code, 1);
    assert.match(row(r.stdout, 'TLS') ?? '', /^TLS  WARN  not checked/);
    assert.match(row(r.stdout, 'Thruk reachable') ?? '', /FAIL/);
  });
});

describe('credentials in THRUK_BASE_URL', () => {
  it('are a configuration error naming THRUK_API_KEY, without echoing the password', () => {
    const r = loadConfig([], { THRUK_BASE_URL: 'https://bob:MARKERpw1@mon.example.com/thruk', THRUK_API_KEY: 'k' });
    assert.equal(r.ok, false);
    const text = r.ok ? '' : r.issues.join('\n');
    assert.match(text, /THRUK_BASE_URL: must not carry credentials.*THRUK_API_KEY/);
    assert.ok(!text.includes('MARKERpw1'));
  });

  it('the CLI refuses them with exit 2', async () => {
    const r = await doctor({ THRUK_BASE_URL: 'https://bob:pw@mon.example.com/thruk', THRUK_API_KEY: 'k' });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /THRUK_BASE_URL: must not carry credentials/);
  });
});
