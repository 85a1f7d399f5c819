import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { matchNames } from '../src/names.js';
import { allTools } from '../src/tools/registry.js';
import { connect, ERAS, type Harness } from './helpers/harness.js';

const PROMPT_ARGS: Record<string, Array<Record<string, string>>> = {
  investigate_alert: [{ host: 'web-01' }, { host: 'db-03', service: 'disk /' }],
  schedule_maintenance: [{ target: 'linux-servers' }, { target: 'web-01', kind: 'host', duration_minutes: '30' }, { target: 'db-03/disk /', kind: 'service' }, { target: 'database-services', kind: 'servicegroup' }],
  diagnose_flapping: [{ host: 'web-02', service: 'load' }],
  daily_health_report: [{}, { hostgroup: 'linux-servers' }],
  incident_triage: [{}, { hostgroup: 'network-devices' }],
  capacity_review: [{}, { hostgroup: 'linux-servers', within_percent: '15' }],
  sla_report: [{ target: 'web-01' }, { target: 'db-03/disk /', kind: 'service', timeperiod: 'lastmonth' }, { target: 'linux-servers', kind: 'hostgroup' }],
  noise_review: [{}, { since: '-7d' }],
};

/** Every `tool {json}` a prompt suggests must name an offered tool with arguments its schema accepts. */
function checkCalls(text: string, offered: Set<string>): number {
  const defs = new Map(allTools().map((t) => [t.name, t]));
  let n = 0;
  for (const m of text.matchAll(/`(thruk_[a-z_]+)( \{[^`]*\})?`/g)) {
    const [, name, json] = m;
    assert.ok(offered.has(name!), `prompt mentions ${name}, which is not offered`);
    const args = json === undefined ? {} : JSON.parse(json);
    const r = defs.get(name!)!.input.safeParse(args);
    assert.ok(r.success, `${name} ${json}: ${r.success ? '' : r.error.message}`);
    n++;
  }
  for (const m of text.matchAll(/\bthruk_[a-z_]+/g)) assert.ok(offered.has(m[0]) || defs.has(m[0]), `unknown tool name ${m[0]} in prompt text`);
  return n;
}

for (const era of ERAS) {
  describe(`resources, prompts and completions (${era} era)`, () => {
    let h: Harness;
    before(async () => {
      h = await connect({ era });
    });
    after(async () => {
      await h.close();
    });

    it('lists the anchor resources and templates', async () => {
      const { resources } = await h.client.listResources();
      assert.deepEqual(resources.map((r) => r.uri).sort(), ['thruk://problems', 'thruk://stats']);
      const { resourceTemplates } = await h.client.listResourceTemplates();
      assert.deepEqual(resourceTemplates.map((t) => t.uriTemplate).sort(), ['thruk://hostgroups/{name}', 'thruk://hosts/{name}', 'thruk://services/{host}/{service}']);
    });

    it('reads hosts, services (percent-encoded names), groups, problems and stats', async () => {
      const read = async (uri: string) => JSON.parse(((await h.client.readResource({ uri })).contents[0] as { text: string }).text);
      assert.equal((await read('thruk://hosts/web-01')).host.name, 'web-01');
      assert.equal((await read('thruk://services/db-03/disk%20%2F')).service.description, 'disk /');
      assert.equal((await read('thruk://hostgroups/linux-servers')).name, 'linux-servers');
      const problems = await read('thruk://problems');
      assert.ok(problems.counts.hosts.unreachable >= 1, 'UNREACHABLE hosts are in the problems resource');
      assert.ok((await read('thruk://stats')).hosts.total > 0);
      await assert.rejects(h.client.readResource({ uri: 'thruk://hosts/web01' }), /web01|not found/i);
      await assert.rejects(h.client.readResource({ uri: 'thruk://hostgroups/nope' }), /nope|not found/i);
    });

    it('completes host, service (given the host) and group names, prefix first and capped', async () => {
      const c = async (ref: any, name: string, value: string, context?: Record<string, string>) =>
        (await h.client.complete({ ref, argument: { name, value }, ...(context ? { context: { arguments: context } } : {}) })).completion.values;
      const hosts = await c({ type: 'ref/resource', uri: 'thruk://hosts/{name}' }, 'name', 'web');
      assert.ok(hosts.includes('web-01') && hosts.every((v) => v.toLowerCase().includes('web')));
      const svcs = await c({ type: 'ref/resource', uri: 'thruk://services/{host}/{service}' }, 'service', 'di', { host: 'db-03' });
      assert.ok(svcs.includes('disk /'));
      const groups = await c({ type: 'ref/prompt', name: 'daily_health_report' }, 'hostgroup', 'lin');
      assert.deepEqual(groups, ['linux-servers']);
      const promptHost = await c({ type: 'ref/prompt', name: 'investigate_alert' }, 'host', 'db-0');
      assert.ok(promptHost.length >= 3);
      const promptSvc = await c({ type: 'ref/prompt', name: 'investigate_alert' }, 'service', '', { host: 'web-01' });
      assert.ok(promptSvc.length > 0);
    });

    it('offers the eight anchor prompts, and every tool call they suggest is valid', async () => {
      const { prompts } = await h.client.listPrompts();
      assert.deepEqual(prompts.map((p) => p.name).sort(), Object.keys(PROMPT_ARGS).sort());
      const { tools } = await h.client.listTools();
      const offered = new Set(tools.map((t) => t.name));
      let calls = 0;
      for (const [name, variants] of Object.entries(PROMPT_ARGS)) {
        for (const args of variants) {
          const r = await h.client.getPrompt({ name, arguments: args });
          const text = (r.messages[0]!.content as { text: string }).text;
          assert.ok(text.length > 50, `${name} has content`);
          calls += checkCalls(text, offered);
        }
      }
      assert.ok(calls >= 20, `prompts suggest tool calls (${calls})`);
    });
  });
}

describe('completion matching', () => {
  it('puts prefix matches before substring matches and caps', () => {
    assert.deepEqual(matchNames(['a-web', 'web-1', 'Web-2', 'db'], 'web'), ['web-1', 'Web-2', 'a-web']);
    assert.equal(matchNames(Array.from({ length: 500 }, (_, i) => `h${i}`), 'h').length, 100);
  });
});

describe('prompts in read-only mode', () => {
  it('never suggests a tool the server does not offer', async () => {
    const h = await connect({ config: { readOnly: true, enabledTools: ['thruk_get_*', 'thruk_totals'] } });
    const { tools } = await h.client.listTools();
    const offered = new Set(tools.map((t) => t.name));
    for (const [name, variants] of Object.entries(PROMPT_ARGS)) {
      for (const args of variants) {
        const r = await h.client.getPrompt({ name, arguments: args });
        checkCalls((r.messages[0]!.content as { text: string }).text, offered);
      }
    }
    await h.close();
  });
});
