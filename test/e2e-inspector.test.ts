/* eslint-disable @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-return -- answers not read typed yet (issue 16; see test/helpers/harness.ts) */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createSimulator, demoSimulatorOptions } from '../src/sim/index.js';
import { allTools, listedTools, selectTools } from '../src/tools/core/registry.js';
import {
  assertBuilt,
  e2eSkipped,
  e2eTools,
  inspector,
  startHttpServer,
  stdioTarget,
  type InspectorAnswer,
  type RunningServer,
} from './helpers/e2e.js';
import { demoConfig, rest } from './helpers/harness.js';

/**
 * The built binary (dist/cli.js --demo) driven by an outside client, the MCP Inspector CLI, over
 * stdio and Streamable HTTP, in both protocol eras. Answers are checked against the demo estate
 * itself: a simulator built in-process with the same seed is the ground truth.
 */

interface HostRow {
  name: string;
  state: number;
  acknowledged: number | boolean;
  scheduled_downtime_depth: number;
}

interface Truth {
  hosts: HostRow[];
  down: HostRow[];
  unreachable: HostRow[];
  /** A DOWN host nobody handles yet: the natural target of an acknowledgement. */
  target: HostRow;
  /** The tools of `--toolsets all` (the journeys pin it: the default toolsets may shrink). */
  offered: string[];
}

async function demoTruth(): Promise<Truth> {
  const config = demoConfig();
  const sim = createSimulator(demoSimulatorOptions({ apiKey: config.thruk.apiKey, hosts: config.demoHosts, seed: 1 }));
  const hosts = (await rest({ sim, config }, '/hosts', { columns: 'name,state,acknowledged,scheduled_downtime_depth' })) as HostRow[];
  const down = hosts.filter((h) => h.state === 1);
  const unreachable = hosts.filter((h) => h.state === 2);
  const target = down.find((h) => !h.acknowledged && h.scheduled_downtime_depth === 0);
  assert.ok(
    target !== undefined && down.length > 0 && unreachable.length > 0,
    'the demo estate has unhandled DOWN hosts and UNREACHABLE ones',
  );
  return {
    hosts,
    down,
    unreachable,
    target,
    offered: listedTools(selectTools(allTools(), { ...config, toolsets: ['all'] })).map((t) => t.name),
  };
}

const ok = (a: InspectorAnswer, what: string) => {
  assert.equal(a.code, 0, `${what}: exit ${a.code}, error ${JSON.stringify(a.error)}; stderr: ${a.stderr.slice(-1500)}`);
  assert.ok(a.result !== undefined, `${what}: no JSON result on stdout`);
  return a.result;
};

/** The five things the issue asks of a real client, against one transport and era. */
function clientJourney(label: string, call: (args: string[]) => Promise<InspectorAnswer>, truth: () => Truth) {
  it(`${label}: tools/list offers the registry's tools with their annotations`, async () => {
    const r = ok(await call(['--method', 'tools/list']), 'tools/list');
    const names = (r.tools as Array<{ name: string }>).map((t) => t.name);
    assert.deepEqual(names, truth().offered);
    const byName = new Map((r.tools as Array<{ name: string; annotations?: Record<string, unknown> }>).map((t) => [t.name, t]));
    assert.equal(byName.get('thruk_problems')?.annotations?.['readOnlyHint'], true);
    assert.equal(byName.get('thruk_acknowledge')?.annotations?.['readOnlyHint'], false);
  });

  it(`${label}: thruk_problems reports the demo estate's DOWN and UNREACHABLE hosts`, async () => {
    const r = ok(
      await call([
        '--method',
        'tools/call',
        '--tool-name',
        'thruk_problems',
        '--tool-args-json',
        '{"type":"hosts","include_handled":true}',
      ]),
      'thruk_problems',
    );
    const t = truth();
    assert.equal(r.isError, undefined);
    assert.equal(r.structuredContent.counts.hosts.down, t.down.length);
    assert.equal(r.structuredContent.counts.hosts.unreachable, t.unreachable.length);
    const listed = (r.structuredContent.rows as Array<{ host: string; state: string }>).map((row) => `${row.host}:${row.state}`).sort();
    const expected = [...t.down.map((h) => `${h.name}:DOWN`), ...t.unreachable.map((h) => `${h.name}:UNREACHABLE`)].sort();
    assert.deepEqual(listed, expected);
    assert.match(r.content[0].text, new RegExp(`^Hosts: ${t.down.length} DOWN, ${t.unreachable.length} UNREACHABLE`));
  });

  it(`${label}: a write tool with dry_run previews the exact command and sends nothing`, async () => {
    const host = truth().target.name;
    const r = ok(
      await call([
        '--method',
        'tools/call',
        '--tool-name',
        'thruk_acknowledge',
        '--tool-args-json',
        JSON.stringify({ host, comment: 'e2e dry run', dry_run: true }),
      ]),
      'thruk_acknowledge dry_run',
    );
    assert.equal(r.isError, undefined);
    assert.equal(r.structuredContent.status, 'preview');
    assert.equal(r.structuredContent.targets, 1);
    assert.match(r.structuredContent.commands[0].line, new RegExp(`^ACKNOWLEDGE_HOST_PROBLEM;${host};2;1;0;[^;]+;e2e dry run$`));
    assert.match(r.content[0].text, /nothing was sent/);
  });

  it(`${label}: resources/read returns a host of the estate as JSON`, async () => {
    const { target } = truth();
    const r = ok(await call(['--method', 'resources/read', '--uri', `thruk://hosts/${target.name}`]), 'resources/read');
    const content = r.contents[0];
    assert.equal(content.uri, `thruk://hosts/${target.name}`);
    assert.equal(content.mimeType, 'application/json');
    const body = JSON.parse(content.text);
    assert.equal(body.host.name, target.name);
    assert.equal(body.host.state, target.state);
    assert.equal(Boolean(body.host.acknowledged), false, 'the dry run acknowledged nothing');
  });

  it(`${label}: prompts/get fills the prompt with the argument`, async () => {
    const { target } = truth();
    const r = ok(
      await call(['--method', 'prompts/get', '--prompt-name', 'investigate_alert', '--prompt-args', `host=${target.name}`]),
      'prompts/get',
    );
    const text = r.messages[0].content.text as string;
    assert.equal(r.messages[0].role, 'user');
    assert.ok(text.includes(`thruk_get_host {"host":"${target.name}"}`), text);
  });

  it(`${label}: a bad call is an isError result with an actionable message (exit 5)`, async () => {
    const a = await call(['--method', 'tools/call', '--tool-name', 'thruk_get_host', '--tool-args-json', '{"host":"no-such-host-e2e"}']);
    assert.equal(a.code, 5);
    assert.equal(a.error?.code, 'tool_is_error');
    assert.equal(a.result.isError, true);
    assert.match(a.result.content[0].text, /No host named 'no-such-host-e2e'.*thruk_list_hosts/);
  });
}

const skip = e2eSkipped();
const ALL = ['--toolsets', 'all'];

describe('MCP Inspector CLI against the built server', { skip, timeout: 600_000 }, () => {
  let truth: Truth;
  before(
    async () => {
      assertBuilt();
      await e2eTools();
      truth = await demoTruth();
    },
    { timeout: 600_000 },
  );

  describe('over stdio', { concurrency: 3 }, () => {
    for (const era of ['legacy', 'modern'] as const) {
      clientJourney(
        `stdio ${era}`,
        (args) => inspector(['--protocol-era', era, ...args], stdioTarget(...ALL)),
        () => truth,
      );
    }

    it('negotiates 2025-11-25 by default and 2026-07-28 when asked', async () => {
      const legacy = ok(await inspector(['--method', 'initialize'], stdioTarget()), 'initialize');
      assert.equal(legacy.protocolVersion, '2025-11-25');
      assert.equal(legacy.serverInfo.name, 'thruk-mcp');
      const modern = ok(await inspector(['--protocol-era', 'modern', '--method', 'initialize'], stdioTarget()), 'initialize modern');
      assert.equal(modern.protocolVersion, '2026-07-28');
    });

    it("tool schemas pass the Inspector's portability check without errors or warnings (--strict)", async () => {
      for (const target of [stdioTarget(...ALL), stdioTarget()]) {
        const a = await inspector(['--strict', '--method', 'tools/list'], target);
        assert.equal(a.code, 0, `--strict found error-severity schema problems (exit 6 means errors): ${a.stderr.slice(-3000)}`);
        // Warnings too (issue 15): e.g. a `type` list, which some clients reject.
        assert.equal(a.schemaFindings, undefined, `--strict findings: ${JSON.stringify(a.schemaFindings)?.slice(0, 3000)}`);
        assert.ok(Array.isArray(a.result?.tools) && a.result.tools.length > 0);
      }
    });

    it("the default configuration offers exactly the registry's default selection", async () => {
      const r = ok(await inspector(['--method', 'tools/list'], stdioTarget()), 'tools/list (defaults)');
      assert.deepEqual(
        (r.tools as Array<{ name: string }>).map((t) => t.name),
        listedTools(selectTools(allTools(), demoConfig({ toolsets: ['default'] }))).map((t) => t.name),
      );
    });

    it('read-only mode hides every write tool from the client', async () => {
      const r = ok(await inspector(['--method', 'tools/list'], stdioTarget('--read-only', ...ALL)), 'tools/list --read-only');
      const names = (r.tools as Array<{ name: string }>).map((t) => t.name);
      assert.ok(names.includes('thruk_problems'));
      assert.ok(!names.includes('thruk_acknowledge'));
      assert.deepEqual(
        names,
        listedTools(selectTools(allTools(), demoConfig({ readOnly: true, toolsets: ['all'] }))).map((t) => t.name),
      );
    });
  });

  describe('over Streamable HTTP with a bearer token', { concurrency: 3 }, () => {
    const token = randomBytes(18).toString('base64url');
    const reader = randomBytes(18).toString('base64url');
    let server: RunningServer | undefined;
    before(async () => {
      server = await startHttpServer({ MCP_HTTP_TOKEN: token, MCP_HTTP_TOKENS: `${reader}:read` }, ALL);
    });
    after(async () => {
      if (server === undefined) return;
      const code = await server.stop();
      assert.equal(code, 0, 'graceful exit on SIGTERM');
      assert.ok(!server.stderr().includes(token) && !server.stderr().includes(reader), 'tokens never reach the logs');
    });
    const http = (tok: string | undefined, args: readonly string[]) => {
      assert.ok(server !== undefined, 'the HTTP server did not start');
      return inspector(
        ['--stored-auth-only', ...(tok !== undefined ? ['--header', `Authorization: Bearer ${tok}`] : []), ...args],
        ['--transport', 'http', '--server-url', server.url],
      );
    };

    for (const era of ['legacy', 'modern'] as const) {
      clientJourney(
        `http ${era}`,
        (args) => http(token, ['--protocol-era', era, ...args]),
        () => truth,
      );
    }

    it('negotiates both eras over HTTP', async () => {
      assert.equal(ok(await http(token, ['--method', 'initialize']), 'initialize').protocolVersion, '2025-11-25');
      assert.equal(
        ok(await http(token, ['--protocol-era', 'modern', '--method', 'initialize']), 'initialize modern').protocolVersion,
        '2026-07-28',
      );
    });

    it('without a valid token the client is refused (auth_required), never served', async () => {
      for (const tok of [undefined, 'not-the-token']) {
        const a = await http(tok, ['--method', 'tools/list']);
        assert.notEqual(a.code, 0);
        assert.equal(a.result, undefined);
        assert.equal(a.error?.code, 'auth_required', JSON.stringify(a.error));
        assert.match(a.error?.message ?? '', /invalid_token/);
      }
    });

    it('a read-scoped token sees no write tools and cannot call one', async () => {
      const r = ok(await http(reader, ['--method', 'tools/list']), 'tools/list (read token)');
      const names = (r.tools as Array<{ name: string }>).map((t) => t.name);
      assert.ok(names.includes('thruk_problems') && !names.includes('thruk_acknowledge'));
      const a = await http(reader, [
        '--method',
        'tools/call',
        '--tool-name',
        'thruk_acknowledge',
        '--tool-args-json',
        JSON.stringify({ host: truth.target.name, dry_run: true }),
      ]);
      assert.notEqual(a.code, 0);
      assert.notEqual(a.result?.structuredContent?.status, 'preview');
    });
  });
});
