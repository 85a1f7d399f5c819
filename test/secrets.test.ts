/**
 * Suite 4 (issue 8): secret hygiene. Marker values for the Thruk API key (right and wrong), the
 * bearer token (right and wrong) and secret-looking tool arguments (api_key, password) go through
 * error paths: 403, 500, timeouts, invalid arguments, audit lines of writes and previews, the HTTP
 * gate. No marker may appear in any tool output, structuredContent, log or audit line, HTTP response
 * body or header.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { createSimulator } from '../src/sim/index.js';
import { defineTool, type ToolDef } from '../src/tools/define.js';
import { allTools } from '../src/tools/registry.js';
import { demoConfig, rest, type CallResult } from './helpers/harness.js';
import { rig, withSettings, type Rig } from './helpers/rig.js';

const KEY = 'MARKERKEY_k3y7f3a9c';
const WRONG_KEY = 'MARKERWRONGKEY_x91';
const TOKEN = 'MARKERTOKEN-b3arer-5ecret';
const WRONG_TOKEN = 'MARKERBADTOKEN-zz';
const PASSWORD = 'MARKERPASSWORD-hunter2';
const ARG_KEY = 'MARKERARGKEY_q1';
const MARKER = /MARKER[A-Z]*/;

const secretArgsTool = defineTool({
  name: 'test_secret_args', title: 'takes secrets', toolset: 'actions', access: 'write',
  description: 'Test-only write tool with secret-looking arguments.',
  input: z.object({ api_key: z.string(), password: z.string(), count: z.number().int().max(10).optional(), dry_run: z.boolean().optional() }).strict(),
  output: z.object({ ok: z.boolean() }),
  run: async (ctx, args) => {
    if (args.dry_run === true) return { data: { ok: true }, text: 'preview: nothing sent' };
    // A failing Thruk call made with the secret in hand (the tool itself never echoes it).
    await ctx.thruk.get('/hosts/totals', { signal: ctx.signal });
    return { data: { ok: true }, text: 'done' };
  },
});
const tools: readonly ToolDef[] = [...allTools(), secretArgsTool];

function scan(where: string, text: string): void {
  const m = MARKER.exec(text);
  assert.equal(m, null, `marker ${m?.[0] ?? ''} leaked in ${where}: …${m ? text.slice(Math.max(0, m.index - 120), m.index + 60) : ''}…`);
}

function scanResult(where: string, res: CallResult): void {
  scan(`${where} text`, res.text);
  scan(`${where} structuredContent`, JSON.stringify(res.structured ?? null));
  scan(`${where} raw result`, JSON.stringify(res.raw));
}

function scanRig(r: Rig, where: string): void {
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
    const r = await rig({ config: base(), token: TOKEN, recordBodies: true, tools, logLevel: 'debug' });
    try {
      const outputs: Array<[string, CallResult]> = [];
      const call = async (label: string, name: string, args: Record<string, unknown>) => { outputs.push([label, await r.call(name, args)]); };
      await call('ok read', 'thruk_totals', {});
      const host: string = ((await rest(r, '/hosts', { 'state[ne]': '0', acknowledged: '0', columns: 'name' })) as Array<{ name: string }>)[0]?.name ?? 'web-01';
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
      assert.ok(audits.some((l) => l.includes('test_secret_args') && l.includes('"outcome":"preview"') || l.includes('test_secret_args')), 'secret-args calls were audited');
      assert.ok(audits.some((l) => l.includes('"api_key":"***"')), 'api_key redacted in the audit line');
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
    const r = await rig({ config, simulator, token: TOKEN, recordBodies: true, tools, logLevel: 'debug' });
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
    const r = await rig({ config: base(), recordBodies: true, tools, logLevel: 'debug' });
    try {
      const res = [
        await r.call('thruk_query', { path: '/hosts', params: { api_key: ARG_KEY, password: PASSWORD, columns: 'name' } }),
        await r.call('thruk_query', { path: '/hosts/web-01/cmd/schedule_host_check', method: 'POST', data: { password: PASSWORD, api_key: ARG_KEY }, dry_run: true }),
      ];
      res.forEach((x, i) => scanResult(`thruk_query ${i}`, x));
      scanRig(r, 'thruk_query');
    } finally {
      await r.close();
    }
  });

  it('bearer token: wrong, missing and malformed tokens get 401 without echoing anything', async () => {
    const r = await rig({ config: base(), token: TOKEN, recordBodies: true });
    try {
      const init = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: `x-${WRONG_TOKEN}`, version: '1' } } });
      const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream', host: 'localhost' };
      const variants: Array<[string, Record<string, string>]> = [
        ['wrong token', { authorization: `Bearer ${WRONG_TOKEN}` }],
        ['token prefix', { authorization: `Bearer ${TOKEN.slice(0, -1)}` }],
        ['basic scheme', { authorization: `Basic ${Buffer.from(`u:${TOKEN}`).toString('base64')}` }],
        ['no token', {}],
        ['bad host with token', { authorization: `Bearer ${WRONG_TOKEN}`, host: 'MARKERHOST.example' }],
      ];
      for (const [label, extra] of variants) {
        const res = await r.app.fetch(new Request('http://localhost/mcp', { method: 'POST', headers: { ...headers, ...extra }, body: init }));
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
});
