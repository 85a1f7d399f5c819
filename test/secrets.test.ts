/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-argument -- answers not read typed yet (issue 16; see test/helpers/harness.ts) */
/**
 * Suite 4 (issue 8): secret hygiene. Marker values for the Thruk API key (right and wrong), bearer
 * tokens (one, or several with read/write scopes), OAuth JWTs (valid, expired, wrong audience or
 * issuer, forged, under-scoped), Basic passwords and secret-looking tool arguments (api_key,
 * password) go through error paths: 403, 500, timeouts, invalid arguments, audit lines of writes
 * and previews, the HTTP gate, scope refusals, /metrics. No marker may appear in any tool output,
 * structuredContent, log or audit line, metric, HTTP response body or header.
 *
 * The secret guard (imported first, so it is in place before any logger exists) also watches every
 * log line, stderr and child output of this process and fails the file on a leak; run the whole
 * suite with it preloaded to extend that to every test file.
 */
import './helpers/secret-guard.js';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { createSimulator } from '../src/sim/index.js';
import { defineTool, type ToolDef } from '../src/tools/core/define.js';
import { allTools } from '../src/tools/core/registry.js';
import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT, type JWTPayload } from 'jose';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { loadConfig } from '../src/config/config.js';
import { createLogger } from '../src/server/log.js';
import { createMetrics } from '../src/transports/metrics.js';
import { createAuthenticator } from '../src/transports/auth.js';
import { findSecret } from './helpers/secret-guard.js';
import { guardActive, guardState, registerSecret } from './helpers/secret-registry.js';
import { connect, demoConfig, rest, withSettings, type CallResult, type Harness } from './helpers/harness.js';

const KEY = 'MARKERKEY_k3y7f3a9c';
const WRONG_KEY = 'MARKERWRONGKEY_x91';
const TOKEN = 'MARKERTOKEN-b3arer-5ecret';
const WRONG_TOKEN = 'MARKERBADTOKEN-zz';
const PASSWORD = 'MARKERPASSWORD-hunter2';
const ARG_KEY = 'MARKERARGKEY_q1';

const secretArgsTool = defineTool({
  name: 'test_secret_args',
  title: 'takes secrets',
  toolset: 'actions',
  access: 'write',
  description: 'Test-only write tool with secret-looking arguments.',
  input: z
    .object({ api_key: z.string(), password: z.string(), count: z.number().int().max(10).optional(), dry_run: z.boolean().optional() })
    .strict(),
  output: z.object({ ok: z.boolean() }),
  run: async (ctx, args) => {
    if (args.dry_run === true) return { data: { ok: true }, text: 'preview: nothing sent' };
    // A failing Thruk call made with the secret in hand (the tool itself never echoes it).
    await ctx.thruk.get('/hosts/totals', { signal: ctx.signal });
    return { data: { ok: true }, text: 'done' };
  },
});
const tools: readonly ToolDef[] = [...allTools(), secretArgsTool];

/** Any MARKER… value, or a registered secret (JWTs are base64url and carry no marker of their own). */
function scan(where: string, text: string): void {
  const hit = findSecret(guardState(), text);
  const at = hit === undefined ? -1 : text.indexOf(hit);
  assert.equal(hit, undefined, `secret ${hit?.slice(0, 14) ?? ''}… leaked in ${where}: …${text.slice(Math.max(0, at - 120), at + 60)}…`);
}

function scanResult(where: string, res: CallResult): void {
  scan(`${where} text`, res.text);
  scan(`${where} structuredContent`, JSON.stringify(res.structured ?? null));
  scan(`${where} raw result`, JSON.stringify(res.raw));
}

function scanRig(r: Harness, where: string): void {
  r.logs.forEach((l, i) => scan(`${where} log line ${i}`, l));
  r.httpBodies.forEach((b, i) => scan(`${where} HTTP body ${i}`, b));
}

async function scanResponse(where: string, res: Response): Promise<void> {
  res.headers.forEach((v, k) => scan(`${where} header ${k}`, `${k}: ${v}`));
  scan(`${where} body`, await res.text());
}

const base = () => withSettings(demoConfig(), { thruk: { apiKey: KEY, timeoutMs: 800 } });

describe('secret hygiene', { concurrency: true }, () => {
  it('right Thruk key, error paths (500, 503, timeout, malformed, invalid args), writes and previews', async () => {
    const r = await connect({ config: base(), token: TOKEN, recordBodies: true, tools, logLevel: 'debug' });
    try {
      const outputs: Array<[string, CallResult]> = [];
      const call = async (label: string, name: string, args: Record<string, unknown>) => {
        outputs.push([label, await r.call(name, args)]);
      };
      await call('ok read', 'thruk_totals', {});
      const host: string =
        ((await rest(r, '/hosts', { 'state[ne]': '0', acknowledged: '0', columns: 'name' })) as Array<{ name: string }>)[0]?.name ??
        'web-01';
      await call('preview', 'thruk_acknowledge', { host, comment: `note ${'x'}`, dry_run: true });
      r.sim.injectFault({ match: '/hosts/totals', status: 500, times: 8 });
      await call('500', 'thruk_totals', {});
      r.sim.injectFault({ match: '/hosts', status: 503, retryAfter: 1, times: 8 });
      await call('503', 'thruk_list_hosts', { limit: 3 });
      r.sim.clearFaults();
      r.sim.injectFault({ match: '/hosts/totals', latencyMs: 5000, times: 4 });
      await call('timeout', 'thruk_totals', {});
      r.sim.clearFaults();
      r.sim.injectFault({ match: '/hosts', malformedJson: true, times: 8 });
      await call('malformed', 'thruk_list_hosts', { limit: 3 });
      r.sim.clearFaults();
      // Secret-looking arguments: write (audited), preview (audited), failing write, invalid args.
      await call('secret args preview', 'test_secret_args', { api_key: ARG_KEY, password: PASSWORD, dry_run: true });
      r.sim.injectFault({ match: '/hosts/totals', status: 500, times: 8 });
      await call('secret args failing write', 'test_secret_args', { api_key: ARG_KEY, password: PASSWORD });
      r.sim.clearFaults();
      await call('secret args ok write', 'test_secret_args', { api_key: ARG_KEY, password: PASSWORD });
      await call('secret args invalid', 'test_secret_args', { api_key: ARG_KEY, password: PASSWORD, count: 99, extra_password: PASSWORD });
      await call('secret args wrong types', 'test_secret_args', { api_key: 42, password: { nested: PASSWORD } });
      await call('thruk_query invalid', 'thruk_query', { path: '/hosts', params: 'not-an-object', bogus_api_key: ARG_KEY });
      for (const [label, res] of outputs) scanResult(label, res);
      // The audit lines exist (so the scan saw them) and carry *** instead of the values.
      const audits = r.logs.filter((l) => l.includes('"audit":true'));
      assert.ok(
        audits.some((l) => (l.includes('test_secret_args') && l.includes('"outcome":"preview"')) || l.includes('test_secret_args')),
        'secret-args calls were audited',
      );
      assert.ok(
        audits.some((l) => l.includes('"api_key":"***"')),
        'api_key redacted in the audit line',
      );
      scanRig(r, 'right key');
      // The simulator did receive the key (so the scans are meaningful), just nobody echoed it.
      assert.ok(r.sim.requests.some((q) => Object.values(q.headers).includes(KEY)));
    } finally {
      await r.close();
    }
  });

  it('WRONG Thruk key: 403 paths on reads, writes and previews', async () => {
    const config = withSettings(demoConfig(), { thruk: { apiKey: WRONG_KEY, timeoutMs: 800 } });
    const simulator = createSimulator({ apiKey: KEY });
    const r = await connect({ config, simulator, token: TOKEN, recordBodies: true, tools, logLevel: 'debug' });
    try {
      const results: Array<[string, CallResult]> = [
        ['403 totals', await r.call('thruk_totals', {})],
        ['403 list', await r.call('thruk_list_hosts', { limit: 3 })],
        ['403 ack', await r.call('thruk_acknowledge', { host: 'web-01', comment: 'x' })],
        ['403 ack preview', await r.call('thruk_acknowledge', { host: 'web-01', comment: 'x', dry_run: true })],
        ['403 secret write', await r.call('test_secret_args', { api_key: ARG_KEY, password: PASSWORD })],
      ];
      assert.equal(results[0]?.[1].isError, true);
      assert.match(results[0]?.[1].text ?? '', /403|not authori[sz]ed|key/i);
      for (const [label, res] of results) scanResult(label, res);
      scanRig(r, 'wrong key');
    } finally {
      await r.close();
    }
  });

  // Regression: a thruk_query param named like a secret was once echoed with its value in the error
  // text ("Thruk GET /hosts?api_key=…"), the preview's request and the debug request log.
  it('thruk_query params named api_key / password are not echoed', async () => {
    const r = await connect({ config: base(), recordBodies: true, tools, logLevel: 'debug' });
    try {
      const res = [
        await r.call('thruk_query', { path: '/hosts', params: { api_key: ARG_KEY, password: PASSWORD, columns: 'name' } }),
        await r.call('thruk_query', {
          path: '/hosts/web-01/cmd/schedule_host_check',
          method: 'POST',
          data: { password: PASSWORD, api_key: ARG_KEY },
          dry_run: true,
        }),
      ];
      res.forEach((x, i) => scanResult(`thruk_query ${i}`, x));
      scanRig(r, 'thruk_query');
    } finally {
      await r.close();
    }
  });

  it('bearer token: wrong, missing and malformed tokens get 401 without echoing anything', async () => {
    const r = await connect({ config: base(), token: TOKEN, recordBodies: true, logLevel: 'debug' });
    try {
      const init = JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: `x-${WRONG_TOKEN}`, version: '1' } },
      });
      const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream', host: 'localhost' };
      const variants: Array<[string, Record<string, string>]> = [
        ['wrong token', { authorization: `Bearer ${WRONG_TOKEN}` }],
        ['token prefix', { authorization: `Bearer ${TOKEN.slice(0, -1)}` }],
        ['basic scheme', { authorization: `Basic ${Buffer.from(`u:${TOKEN}`).toString('base64')}` }],
        ['no token', {}],
        ['bad host with token', { authorization: `Bearer ${WRONG_TOKEN}`, host: 'foreign-host.example' }],
      ];
      for (const [label, extra] of variants) {
        const res = await r.app.fetch(
          new Request('http://localhost/mcp', { method: 'POST', headers: { ...headers, ...extra }, body: init }),
        );
        assert.ok(res.status === 401 || res.status === 403, `${label}: ${res.status}`);
        if (label === 'bad host with token') {
          // The gate names the refused Host (operator help); it must not carry the token.
          const body = await res.text();
          assert.equal(body.includes(WRONG_TOKEN), false);
          continue;
        }
        await scanResponse(label, res);
      }
      // The right token works and the session's own traffic never carries it back.
      const ok = await r.call('thruk_totals', {});
      assert.notEqual(ok.isError, true, ok.text);
      scanResult('token ok', ok);
      scanRig(r, 'bearer');
    } finally {
      await r.close();
    }
  });

  it('OAuth JWTs, scoped static tokens and Basic passwords: refusals, scope refusals, calls and /metrics echo none of them', async () => {
    const ISSUER = 'https://issuer.example.com';
    const RESOURCE = 'https://mcp.example.com/mcp';
    const READ_TOKEN = 'MARKERREADTOKEN-r34d';
    const WRITE_TOKEN = 'MARKERWRITETOKEN-wr1t3';
    const { publicKey, privateKey } = await generateKeyPair('ES256');
    const jwks = createLocalJWKSet({ keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' }] });
    const other = await generateKeyPair('ES256');
    const now = Math.floor(Date.now() / 1000);
    const sign = async (
      claims: JWTPayload,
      o: { exp?: number; aud?: string; iss?: string; key?: Parameters<SignJWT['sign']>[0] } = {},
    ): Promise<string> => {
      const jwt = await new SignJWT(claims)
        .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
        .setIssuer(o.iss ?? ISSUER)
        .setAudience(o.aud ?? RESOURCE)
        .setIssuedAt(now - 10)
        .setExpirationTime(o.exp ?? now + 600)
        .sign(o.key ?? privateKey);
      registerSecret(jwt);
      return jwt;
    };
    const full = await sign({ sub: 'alice', scope: 'thruk:read thruk:write' });
    const readOnly = await sign({ sub: 'alice', scope: 'thruk:read' });
    const loaded = loadConfig(['--demo', '--listen', '0'], {
      MCP_HTTP_TOKENS: `${READ_TOKEN}:read,${WRITE_TOKEN}:write`,
      MCP_PUBLIC_URL: 'https://mcp.example.com',
      MCP_OAUTH_JWKS_URL: 'https://issuer.example.com/jwks',
      MCP_OAUTH_ISSUER: ISSUER,
      MCP_OAUTH_REQUIRED_SCOPES: 'thruk:read',
      // The write tool is outside the default selection: offered, so the read scope is what refuses it.
      THRUK_TOOLSETS: 'all',
    });
    assert.ok(loaded.ok && loaded.action === 'serve', JSON.stringify(loaded));
    const config = withSettings(loaded.config, { thruk: { apiKey: KEY, timeoutMs: 800 } });
    const metrics = createMetrics({ defaultMetrics: false });
    const r = await connect({
      config,
      tools,
      logLevel: 'debug',
      recordBodies: true,
      metrics,
      clientToken: full,
      auth: (log) => createAuthenticator(config.http.auth, log, { jwks }),
    });
    try {
      const results: Array<[string, CallResult]> = [['jwt read', await r.call('thruk_totals', {})]];
      assert.notEqual(results[0]?.[1].isError, true, results[0]?.[1].text);
      r.sim.injectFault({ match: '/hosts/totals', status: 500, times: 8 });
      results.push(['jwt 500', await r.call('thruk_totals', {})]);
      r.sim.clearFaults();
      results.push(['jwt secret args', await r.call('test_secret_args', { api_key: ARG_KEY, password: PASSWORD, dry_run: true })]);
      // A caller with only the read scope: the write tool is refused by scope, not by a crash.
      for (const [label, token] of [
        ['read-scoped JWT', readOnly],
        ['read static token', READ_TOKEN],
      ] as const) {
        const c = new Client({ name: 'reader', version: '1' }, { versionNegotiation: { mode: 'auto' as const } });
        const bearer = async (u: string | URL, init?: RequestInit): Promise<Response> => {
          const headers = new Headers(init?.headers);
          headers.set('authorization', `Bearer ${token}`);
          const res = await r.app.fetch(new Request(u, { ...init, headers }));
          const text = await res.text();
          r.httpBodies.push(text);
          return new Response(text, { status: res.status, headers: res.headers });
        };
        await c.connect(new StreamableHTTPClientTransport(new URL('http://localhost/mcp'), { fetch: bearer }));
        const raw: any = await c.callTool({ name: 'test_secret_args', arguments: { api_key: ARG_KEY, password: PASSWORD } });
        await c.close();
        const text = (raw.content ?? []).map((x: { text?: string }) => x.text ?? '').join('\n');
        assert.equal(raw.isError, true, `${label}: ${text}`);
        assert.match(text, /scope|write/i);
        results.push([label, { isError: raw.isError, text, structured: raw.structuredContent, raw }]);
      }
      for (const [label, res] of results) scanResult(label, res);
      // Refusals at the gate: every bad credential, each answer scanned with its headers.
      const init = JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'x', version: '1' } },
      });
      const refused: Array<[string, string]> = [
        ['expired JWT', `Bearer ${await sign({ sub: 'alice', scope: 'thruk:read' }, { exp: now - 3600 })}`],
        [
          'JWT for another audience',
          `Bearer ${await sign({ sub: 'alice', scope: 'thruk:read' }, { aud: 'https://other.example.com/mcp' })}`,
        ],
        ['JWT from another issuer', `Bearer ${await sign({ sub: 'alice', scope: 'thruk:read' }, { iss: 'https://evil.example.com' })}`],
        ['forged JWT', `Bearer ${await sign({ sub: 'alice', scope: 'thruk:read thruk:write' }, { key: other.privateKey })}`],
        ['JWT without the required scope', `Bearer ${await sign({ sub: 'alice', scope: 'other' })}`],
        ['wrong static token', `Bearer ${WRONG_TOKEN}`],
        ['Basic password', `Basic ${Buffer.from(`alice:${PASSWORD}`).toString('base64')}`],
      ];
      for (const [label, authorization] of refused) {
        const res = await r.app.fetch(
          new Request('http://localhost/mcp', {
            method: 'POST',
            headers: {
              authorization,
              host: 'localhost',
              'content-type': 'application/json',
              accept: 'application/json, text/event-stream',
            },
            body: init,
          }),
        );
        assert.ok(res.status === 401 || res.status === 403, `${label}: ${res.status}`);
        await scanResponse(label, res);
      }
      const exposition = await r.app.fetch(new Request('http://localhost/metrics', { headers: { host: 'localhost' } }));
      assert.equal(exposition.status, 200);
      const body = await exposition.text();
      assert.match(body, /thruk_mcp_tool_calls_total\{tool="thruk_totals"/, 'the scanned /metrics carries the calls');
      scan('/metrics', body);
      scanRig(r, 'oauth and tokens');
    } finally {
      await r.close();
    }
  });

  it('the suite-wide guard sees log lines of any logger, stderr and child output (self-test)', async (t) => {
    if (!guardActive()) {
      t.skip('secret guard not installed');
      return;
    }
    const state = guardState();
    const before = state.leaks.length;
    const planted = 'MARKERPLANTED-guard-self-test';
    createLogger('info', { write: () => true }).info({ planted }, 'a line nobody keeps');
    const child = spawn(process.execPath, ['-e', `process.stderr.write(${JSON.stringify(planted)})`], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    await new Promise((res) => child.on('close', res));
    // Take back only the planted finds (tests run concurrently: a real leak must stay reported).
    const seen = state.leaks.slice(before).filter((l) => l.includes(planted));
    for (const l of seen) state.leaks.splice(state.leaks.indexOf(l), 1);
    assert.ok(
      seen.some((l) => l.startsWith('log line:')),
      `log line not seen: ${JSON.stringify(seen)}`,
    );
    assert.ok(
      seen.some((l) => / stderr: MARKERPLANTE/.test(l)),
      `child stderr not seen: ${JSON.stringify(seen)}`,
    );
  });
});
