import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig, toolConfigOf, type Config } from '../src/config/config.js';
import { toolContextOf } from '../src/tools/core/invoke.js';

function serve(env: Record<string, string>, argv: string[] = []): Config {
  const r = loadConfig(argv, env);
  if (!r.ok || r.action !== 'serve') throw new Error(`expected a config, got ${JSON.stringify(r)}`);
  return r.config;
}

const ENV = {
  THRUK_BASE_URL: 'https://mon.example.com/site/thruk',
  THRUK_API_KEY: 'abc_123',
  MCP_HTTP_TOKEN: 'http_token_value',
  THRUK_MAX_BULK_TARGETS: '12',
  THRUK_MAX_ANSWER_TOKENS: '900',
  THRUK_READ_ONLY: 'true',
  THRUK_ALLOW_AUTHOR_ARG: 'no',
};

describe('the narrow configuration a tool runs with', () => {
  it('carries the limits, read-only, authorship and the instance, and nothing of the transport or start-up', () => {
    const config = serve(ENV, ['--listen', '8080']);
    const view = toolConfigOf(config);
    assert.deepEqual(Object.keys(view).sort(), [
      'allowAuthorArg',
      'http',
      'maxAnswerTokens',
      'maxBulkTargets',
      'mode',
      'noisyMaxAlerts',
      'readOnly',
      'thruk',
    ]);
    assert.equal(view.maxBulkTargets, 12);
    assert.equal(view.maxAnswerTokens, 900);
    assert.equal(view.readOnly, true);
    assert.equal(view.allowAuthorArg, false);
    assert.equal(view.mode, 'http');
    assert.equal(view.thruk, config.thruk);
    assert.deepEqual(view.http, { auth: { writeScope: 'thruk:write', thrukAuth: 'service' } });
    // The bearer token, the instance list and the ops settings stay out of reach of tools.
    assert.ok(!JSON.stringify(view).includes('http_token_value'));
    assert.ok(Object.isFrozen(view) && Object.isFrozen(view.http));
  });

  it('is built once per view and instance, not per call; another instance gets its own', () => {
    const config = serve(ENV);
    assert.equal(toolConfigOf(config), toolConfigOf(config, config.thruk));
    const other = { ...config.thruk, baseUrl: 'https://other.example.com/thruk', authUser: 'alice' };
    const otherView = toolConfigOf(config, other);
    assert.notEqual(otherView, toolConfigOf(config));
    assert.equal(otherView.thruk.authUser, 'alice');
    assert.equal(toolConfigOf(config, other), otherView);
  });

  it("the tool context of a call holds the call's instance through this view", () => {
    const config = serve(ENV);
    const settings = { ...config.thruk, authUser: 'bob' };
    const req = {
      config,
      scope: { instance: 'default', settings, thruk: {} } as never,
      identity: { via: 'stdio' } as never,
      signal: new AbortController().signal,
      progress: async () => {},
      interaction: {} as never,
    };
    const ctx = toolContextOf(req, { log: {} as never, now: () => 0 }, {});
    assert.equal(ctx.config.thruk.authUser, 'bob');
    assert.equal(ctx.config.maxBulkTargets, 12);
    assert.equal(toolContextOf(req, { log: {} as never, now: () => 0 }, {}).config, ctx.config);
  });
});
