/**
 * The command line as people type it: flags before or after the subcommand, `call TOOL --help`,
 * key=value typed by the tool's schema, near-name suggestions, quiet logs unless asked, and the
 * `tools` legend.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { before, describe, it } from 'node:test';
import { z } from 'zod';
import { coerceValue, jsonTypes, toolHelp, typedArgs, unknownToolMessage } from '../src/cli/call-args.js';
import { parseInvocation } from '../src/cli/invocation.js';
import { toolsLegend } from '../src/cli/subcommands.js';
import { defineTool } from '../src/tools/core/define.js';
import { allTools, DEFAULT_TOOLS } from '../src/tools/core/registry.js';

const root = fileURLToPath(new URL('../', import.meta.url));
const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const run = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, [cli, ...args], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
const msg = (r: unknown): string => (typeof r === 'string' ? r : JSON.stringify(r));
const tool = (name: string) => allTools().find((t) => t.name === name)!;

describe('parseInvocation', () => {
  it('finds the subcommand after flags, with flag values skipped', () => {
    const inv = parseInvocation(['--demo', '--log-level', 'debug', 'call', 'thruk_totals', 'x=1', '--read-only']);
    assert.ok(typeof inv !== 'string');
    assert.equal(inv.command, 'call');
    assert.equal(inv.tool, 'thruk_totals');
    assert.deepEqual(inv.pairs, ['x=1']);
    assert.deepEqual(inv.argv, ['--demo', '--log-level', 'debug', '--read-only']);
    assert.equal(inv.logLevelGiven, true);
    const d = parseInvocation(['--toolsets', 'all', 'doctor']);
    assert.ok(typeof d !== 'string' && d.command === 'doctor' && d.argv.join(' ') === '--toolsets all');
  });

  it('gives a precise message for a wrong word instead of "Unexpected argument"', () => {
    assert.match(msg(parseInvocation(['--demo', 'cal'])), /unknown command 'cal'; did you mean 'call'\?/);
    assert.match(msg(parseInvocation(['doctor', 'extra'])), /'doctor' takes no argument, got 'extra'/);
    assert.match(msg(parseInvocation(['call', 'thruk_totals', 'oops'])), /expected key=value after the tool name, got 'oops'/);
    assert.match(msg(parseInvocation(['call'])), /^usage: thruk-mcp call TOOL/);
    assert.match(msg(parseInvocation(['--json', '{"a":1}'])), /only with call/);
  });

  it("call TOOL --help asks for the tool's help; --help elsewhere is the global help", () => {
    const h = parseInvocation(['call', 'thruk_acknowledge', '--help']);
    assert.ok(typeof h !== 'string' && h.help && !h.argv.includes('--help'));
    const g = parseInvocation(['doctor', '--help']);
    assert.ok(typeof g !== 'string' && !g.help && g.argv.includes('--help'));
  });

  it('knows whether a log level was asked for, by env or flag', () => {
    const a = parseInvocation(['call', 'thruk_totals']);
    const b = parseInvocation(['call', 'thruk_totals'], { LOG_LEVEL: 'info' });
    const c = parseInvocation(['call', 'thruk_totals', '--log-level=warn']);
    assert.deepEqual(
      [a, b, c].map((i) => typeof i !== 'string' && i.logLevelGiven),
      [false, true, true],
    );
  });
});

describe('key=value typed by the tool schema', () => {
  it('keeps a text argument as typed: comment=42 and comment=true stay strings', () => {
    assert.deepEqual(typedArgs(['host=42', 'comment=42', 'sticky=false', 'notify=true'], tool('thruk_acknowledge')), {
      host: '42',
      comment: '42',
      sticky: false,
      notify: true,
    });
    assert.deepEqual(typedArgs(['comment=true'], tool('thruk_acknowledge')), { comment: 'true' });
  });

  it('types numbers, unions and objects by the schema', () => {
    assert.deepEqual(typedArgs(['limit=2', 'sort=-name', 'filter={"field":"state","value":1}'], tool('thruk_list_hosts')), {
      limit: 2,
      sort: '-name',
      filter: { field: 'state', value: 1 },
    });
    // Time arguments are published as strings (one JSON type per property); the tool reads an epoch inside one.
    assert.deepEqual(typedArgs(['since=1700000000', 'until=-1h'], tool('thruk_list_logs')), { since: '1700000000', until: '-1h' });
    // A number argument given text is passed on as text for the tool's validation to name.
    assert.deepEqual(typedArgs(['limit=lots'], tool('thruk_list_hosts')), { limit: 'lots' });
  });

  it('takes a list as a,b or JSON, each item typed', () => {
    const root = {
      type: 'object',
      properties: { ids: { type: 'array', items: { type: 'integer' } }, names: { type: 'array', items: { type: 'string' } } },
    };
    assert.deepEqual(coerceValue('1,2,3', root.properties.ids, root), [1, 2, 3]);
    assert.deepEqual(coerceValue('[4,5]', root.properties.ids, root), [4, 5]);
    assert.deepEqual(coerceValue('007,x', root.properties.names, root), ['007', 'x']);
    assert.deepEqual([...jsonTypes({ anyOf: [{ type: 'string' }, { enum: [1, 2] }] })].sort(), ['number', 'string']);
  });

  it('refuses a pair without =', () => {
    assert.throws(() => typedArgs(['=x'], tool('thruk_totals')), /expected key=value/);
  });
});

describe('call TOOL --help', () => {
  it('lists every argument with type, required/default and meaning, and an example that runs', () => {
    const text = toolHelp(tool('thruk_acknowledge'));
    assert.match(text, /^thruk_acknowledge — /);
    assert.match(text, /^ {2}host +string, required +Host name$/m);
    assert.match(text, /^ {2}comment +string, default "acknowledged via MCP" +Why, e\.g\. a ticket$/m);
    assert.match(text, /^ {2}sticky +boolean, default true/m);
    assert.match(text, /thruk-mcp call thruk_acknowledge host=web-01$/m);
    assert.match(toolHelp(tool('thruk_list_hosts')), /^ {2}limit +integer 1\.\.1000, default 50/m);
  });

  it("has a runnable example for every tool (parsed by the tool's own schema)", () => {
    for (const def of allTools()) {
      const m = /--json '(.*)'$/m.exec(toolHelp(def));
      assert.ok(m?.[1] !== undefined, def.name);
      const r = def.input.safeParse(JSON.parse(m[1]));
      assert.ok(r.success, `${def.name}: ${m[1]} ${r.success ? '' : r.error.message}`);
    }
  });

  it('works for a tool without arguments', () => {
    const bare = defineTool({
      name: 'thruk_x',
      title: 'X',
      toolset: 'state',
      access: 'read',
      description: 'X.',
      input: z.object({}).strict(),
      output: z.object({}),
      run: () => Promise.resolve({ data: {}, text: '' }),
    });
    assert.match(toolHelp(bare), /No arguments\./);
  });
});

describe('did-you-mean and the tools legend', () => {
  it('suggests the nearest tool names', () => {
    const names = allTools().map((t) => t.name);
    assert.match(unknownToolMessage('thruk_totls', names), /did you mean 'thruk_totals'/);
    assert.match(unknownToolMessage('list_hosts', names), /'thruk_list_hosts'/);
    assert.doesNotMatch(unknownToolMessage('zzzzzzzzzzzzzzzzzzzzzzz', names), /did you mean/);
  });

  it('says how many tools are offered and what the columns mean', () => {
    const l = toolsLegend(18, 67, { toolsets: ['default'], readOnly: false, enabledTools: [] });
    assert.match(l, /^18 of 67 tools offered \(THRUK_TOOLSETS=default\)/m);
    assert.match(l, /\[toolset\].*\[read-only\].*\[not-enabled\]/);
  });
});

describe('the built CLI', () => {
  before(() => {
    if (!existsSync(cli)) assert.equal(spawnSync('npm', ['run', 'build', '--silent'], { cwd: root }).status, 0);
  });

  it('runs a subcommand placed after the flags', () => {
    const r = run(['--demo', 'call', 'thruk_totals']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^Hosts total \d+/);
    assert.equal(run(['--demo', 'doctor']).status, 0);
  });

  it("call TOOL --help prints the tool's arguments without any configuration", () => {
    const r = run(['call', 'thruk_list_hosts', '--help']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^thruk_list_hosts — /);
    assert.doesNotMatch(r.stdout, /Environment:/);
  });

  it('an unknown tool gets did-you-mean and exit 2, before any configuration check', () => {
    const r = run(['call', 'thruk_totls']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /unknown tool 'thruk_totls'; did you mean 'thruk_totals'/);
  });

  it('a text argument that looks like a number reaches the tool as text', () => {
    const r = run(['call', 'thruk_get_host', 'host=42', '--demo']);
    assert.equal(r.status, 1);
    assert.doesNotMatch(r.stdout, /expected string/i, 'not a type error');
    assert.match(r.stdout, /42/);
  });

  it('logs no JSON lines at the default level; LOG_LEVEL and --log-level bring them back', () => {
    const quiet = run(['call', 'thruk_totals', '--demo']);
    assert.equal(quiet.stderr.split('\n').filter((l) => l.startsWith('{')).length, 0, quiet.stderr);
    assert.match(quiet.stderr, /^thruk-mcp: DEMO MODE/m, 'a plain line still says the estate is simulated');
    for (const [args, env] of [
      [['call', 'thruk_totals', '--demo'], { LOG_LEVEL: 'warn' }],
      [['doctor', '--demo', '--log-level', 'warn'], {}],
    ] as const) {
      const r = run([...args], env);
      assert.equal(r.status, 0, r.stderr);
      assert.ok(
        r.stderr.split('\n').some((l) => l.startsWith('{') && (JSON.parse(l) as { msg: string }).msg.startsWith('DEMO MODE')),
        `${args.join(' ')}: ${r.stderr}`,
      );
    }
    const silent = run(['doctor', '--demo'], { LOG_LEVEL: 'silent' });
    assert.equal(silent.stderr.split('\n').filter((l) => l.startsWith('{')).length, 0);
  });

  it('tools ends with the offered count and the legend', () => {
    const r = run(['tools']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^${DEFAULT_TOOLS.size} of ${allTools().length} tools offered`, 'm'));
    assert.match(r.stdout, /^Columns: /m);
  });
});
