import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { z } from 'zod';
import {
  compileFilter,
  FilterError,
  filterSchema,
  fieldsOf,
  paramsToSearch,
  type CompileOptions,
  type FilterLeaf,
  type FilterNode,
  type FilterTable,
} from '../src/thruk/filter.js';
import { anyOfRegex, escapeRegex } from '../src/thruk/q.js';

type Params = Array<[string, string]>;

function compile(table: FilterTable, node: FilterNode | undefined, extra: FilterLeaf[] = [], opts: CompileOptions = {}): Params {
  return compileFilter(table, node, extra, opts).params;
}

function refuses(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof FilterError, `expected FilterError, got ${String(err)}`);
    assert.equal(err.name, 'FilterError');
    assert.match(err.message, pattern);
    return true;
  });
}

const leaf = (field: string, op: FilterLeaf['op'], value: FilterLeaf['value']): FilterLeaf => ({ field, op, value });
const or = (...conditions: FilterNode[]): FilterNode => ({ operator: 'or', conditions });
const and = (...conditions: FilterNode[]): FilterNode => ({ operator: 'and', conditions });
const cv = (v: string, val: string | number | Array<string | number>) => ({ var: v, val });

// ---------------------------------------------------------------------------------------------
// AND-only trees → exact bracket parameters
// ---------------------------------------------------------------------------------------------

interface Case {
  name: string;
  table: FilterTable;
  node: FilterNode;
  want: Params | RegExp;
  opts?: CompileOptions;
}

const bracketCases: Case[] = [
  // text column, every operator
  { name: 'text eq', table: 'hosts', node: leaf('name', 'eq', 'web-01'), want: [['name', 'web-01']] },
  { name: 'text default op is eq', table: 'hosts', node: { field: 'name', value: 'web-01' }, want: [['name', 'web-01']] },
  { name: 'text neq', table: 'hosts', node: leaf('name', 'neq', 'web-01'), want: [['name[ne]', 'web-01']] },
  {
    name: 'text regex (case-insensitive ~~)',
    table: 'hosts',
    node: leaf('name', 'regex', '^web-\\d+$'),
    want: [['name[regex]', '^web-\\d+$']],
  },
  { name: 'text nregex', table: 'hosts', node: leaf('address', 'nregex', '^10\\.'), want: [['address[nregex]', '^10\\.']] },
  // Thruk 3.20 drops a name[~] parameter unseen (real fixture hosts_name_in_filter_ignored.json), and
  // [regex] ignores case: `in` is an OR of exact equalities in q, `not_in` AND-ed [ne] parameters.
  {
    name: 'text in → q of exact equalities',
    table: 'hosts',
    node: leaf('name', 'in', ['a.b', 'c|d', 'e']),
    want: [['q', '(name = "a.b" or name = "c|d" or name = "e")']],
  },
  {
    name: 'text not_in',
    table: 'hosts',
    node: leaf('name', 'not_in', ['x', 'y']),
    want: [
      ['name[ne]', 'x'],
      ['name[ne]', 'y'],
    ],
  },
  { name: 'text in with one value → eq', table: 'hosts', node: leaf('name', 'in', ['x']), want: [['name', 'x']] },
  { name: 'text in with scalar value', table: 'hosts', node: leaf('name', 'in', 'x'), want: [['name', 'x']] },
  {
    name: 'text in with an empty string',
    table: 'services',
    node: leaf('host', 'in', ['', 'db']),
    want: [['q', '(host_name = "" or host_name = "db")']],
  },
  { name: 'text in de-duplicates', table: 'hosts', node: leaf('name', 'in', ['x', 'x']), want: [['name', 'x']] },
  { name: 'text gt refused', table: 'hosts', node: leaf('name', 'gt', 'a'), want: /does not support op "gt".*regex/ },
  { name: 'number value on text field', table: 'hosts', node: leaf('name', 'eq', 42), want: [['name', '42']] },
  { name: 'boolean on text field → 1', table: 'hosts', node: leaf('name', 'eq', true), want: [['name', '1']] },
  { name: 'eq with a list refused', table: 'hosts', node: leaf('name', 'eq', ['a', 'b']), want: /use op "in"/ },
  { name: 'empty in list refused', table: 'hosts', node: leaf('name', 'in', []), want: /non-empty list/ },
  { name: 'empty not_in list refused', table: 'hosts', node: leaf('hostgroup', 'not_in', []), want: /non-empty list/ },
  {
    name: 'invalid regex refused',
    table: 'hosts',
    node: leaf('name', 'regex', 'web(['),
    want: /not a valid regular expression.*JavaScript RegExp/,
  },

  // states
  { name: 'host state name', table: 'hosts', node: leaf('state', 'eq', 'down'), want: [['state', '1']] },
  { name: 'state names are case-insensitive', table: 'hosts', node: leaf('state', 'eq', 'UnReachable'), want: [['state', '2']] },
  { name: 'state number', table: 'hosts', node: leaf('state', 'eq', 2), want: [['state', '2']] },
  { name: 'state digit string', table: 'services', node: leaf('state', 'eq', '3'), want: [['state', '3']] },
  { name: 'service state name', table: 'services', node: leaf('state', 'neq', 'OK'), want: [['state[ne]', '0']] },
  { name: 'state gte name', table: 'services', node: leaf('state', 'gte', 'warning'), want: [['state[gte]', '1']] },
  { name: 'state lt', table: 'services', node: leaf('state', 'lt', 'critical'), want: [['state[lt]', '2']] },
  { name: 'pending → has_been_checked=0', table: 'services', node: leaf('state', 'eq', 'pending'), want: [['has_been_checked', '0']] },
  { name: 'neq pending', table: 'hosts', node: leaf('state', 'neq', 'Pending'), want: [['has_been_checked[ne]', '0']] },
  {
    name: 'not_in states incl. pending',
    table: 'hosts',
    node: leaf('state', 'not_in', ['up', 'pending']),
    want: [
      ['state[ne]', '0'],
      ['has_been_checked[ne]', '0'],
    ],
  },
  { name: 'pending with gt refused', table: 'hosts', node: leaf('state', 'gt', 'pending'), want: /does not support op "gt"/ },
  {
    name: 'unknown state name lists valid ones',
    table: 'hosts',
    node: leaf('state', 'eq', 'broken'),
    want: /Valid: up, down, unreachable, pending .*0-2/,
  },
  { name: 'host state 3 out of range', table: 'hosts', node: leaf('state', 'eq', 3), want: /Valid: up, down, unreachable/ },
  { name: 'service state name on hosts refused', table: 'hosts', node: leaf('state', 'eq', 'critical'), want: /Unknown value "critical"/ },
  { name: 'regex on state refused', table: 'hosts', node: leaf('state', 'regex', '1|2'), want: /only work on text/ },
  { name: 'host_state on services', table: 'services', node: leaf('host_state', 'eq', 'DOWN'), want: [['host_state', '1']] },
  { name: 'host_state pending', table: 'services', node: leaf('host_state', 'eq', 'pending'), want: [['host_has_been_checked', '0']] },
  { name: 'state_type names', table: 'services', node: leaf('state_type', 'eq', 'hard'), want: [['state_type', '1']] },

  // list membership
  { name: 'hostgroup eq → contains', table: 'hosts', node: leaf('hostgroup', 'eq', 'linux'), want: [['groups[gte]', 'linux']] },
  { name: 'hostgroup neq → notin', table: 'hosts', node: leaf('hostgroup', 'neq', 'linux'), want: [['groups[notin]', 'linux']] },
  { name: 'hostgroup gte (anchor spelling)', table: 'hosts', node: leaf('hostgroup', 'gte', 'linux'), want: [['groups[gte]', 'linux']] },
  {
    name: 'hostgroup not_in → one notin each',
    table: 'hosts',
    node: leaf('hostgroup', 'not_in', ['a', 'b']),
    want: [
      ['groups[notin]', 'a'],
      ['groups[notin]', 'b'],
    ],
  },
  { name: 'services hostgroup → host_groups', table: 'services', node: leaf('hostgroup', 'eq', 'db'), want: [['host_groups[gte]', 'db']] },
  { name: 'servicegroup → groups', table: 'services', node: leaf('servicegroup', 'neq', 'web'), want: [['groups[notin]', 'web']] },
  {
    name: 'hostgroup regex refused',
    table: 'hosts',
    node: leaf('hostgroup', 'regex', '^lin'),
    want: /does not support op "regex".*eq \(member of\)/,
  },
  { name: 'hostgroup lte refused', table: 'hosts', node: leaf('hostgroup', 'lte', 'x'), want: /does not support op "lte"/ },
  { name: 'membership value Thruk rewrites as time', table: 'hosts', node: leaf('hostgroup', 'eq', 'unknown-hosts'), want: /rewrites it/ },
  { name: 'duration-like group name', table: 'hosts', node: leaf('hostgroup', 'eq', '5d'), want: /looks like a\s+duration/ },
  {
    name: 'non-membership is not rewritten',
    table: 'hosts',
    node: leaf('hostgroup', 'neq', 'unknown-hosts'),
    want: [['groups[notin]', 'unknown-hosts']],
  },
  { name: 'empty group name refused', table: 'hosts', node: leaf('hostgroup', 'eq', ''), want: /non-empty name/ },

  // custom variables honour every operator
  {
    name: 'custom_var eq (upper-cased)',
    table: 'hosts',
    node: leaf('custom_var', 'eq', cv('site', 'berlin')),
    want: [['_SITE', 'berlin']],
  },
  { name: 'custom_var neq', table: 'hosts', node: leaf('custom_var', 'neq', cv('SITE', 'berlin')), want: [['_SITE[ne]', 'berlin']] },
  { name: 'custom_var regex', table: 'hosts', node: leaf('custom_var', 'regex', cv('site', '^ber')), want: [['_SITE[regex]', '^ber']] },
  { name: 'custom_var nregex', table: 'hosts', node: leaf('custom_var', 'nregex', cv('site', '^ber')), want: [['_SITE[nregex]', '^ber']] },
  {
    name: 'custom_var in',
    table: 'hosts',
    node: leaf('custom_var', 'in', cv('site', ['a', 'b.c'])),
    want: [['q', '(_SITE = "a" or _SITE = "b.c")']],
  },
  {
    name: 'custom_var not_in',
    table: 'hosts',
    node: leaf('custom_var', 'not_in', cv('site', ['a', 'b'])),
    want: [
      ['_SITE[ne]', 'a'],
      ['_SITE[ne]', 'b'],
    ],
  },
  { name: 'custom_var gt', table: 'hosts', node: leaf('custom_var', 'gt', cv('prio', 5)), want: [['_PRIO[gt]', '5']] },
  { name: 'custom_var gte', table: 'hosts', node: leaf('custom_var', 'gte', cv('prio', '5')), want: [['_PRIO[gte]', '5']] },
  { name: 'custom_var lt', table: 'hosts', node: leaf('custom_var', 'lt', cv('prio', 2.5)), want: [['_PRIO[lt]', '2.5']] },
  { name: 'custom_var lte', table: 'hosts', node: leaf('custom_var', 'lte', cv('prio', -1)), want: [['_PRIO[lte]', '-1']] },
  {
    name: 'custom_var gt non-numeric refused',
    table: 'hosts',
    node: leaf('custom_var', 'gt', cv('prio', 'high')),
    want: /needs a plain number/,
  },
  { name: 'custom_var default op eq', table: 'services', node: { field: 'custom_var', value: cv('site', 'x') }, want: [['_SITE', 'x']] },
  {
    name: 'host_custom_var on services → _HOST',
    table: 'services',
    node: leaf('host_custom_var', 'regex', cv('site', 'ber')),
    want: [['_HOSTSITE[regex]', 'ber']],
  },
  {
    name: 'host_custom_var on hosts → own var',
    table: 'hosts',
    node: leaf('host_custom_var', 'eq', cv('site', 'x')),
    want: [['_SITE', 'x']],
  },
  { name: 'custom var given with its leading _', table: 'hosts', node: leaf('custom_var', 'eq', cv('_site', 'x')), want: [['_SITE', 'x']] },
  {
    name: 'custom var name with bad characters',
    table: 'hosts',
    node: leaf('custom_var', 'eq', cv('a-b', 'x')),
    want: /letters, digits and _/,
  },
  {
    name: 'custom var name with a newline',
    table: 'hosts',
    node: leaf('custom_var', 'eq', cv('A\nB', 'x')),
    want: /letters, digits and _/,
  },
  {
    name: 'custom var named HOST… refused',
    table: 'services',
    node: leaf('custom_var', 'eq', cv('hostsite', 'x')),
    want: /host variable "SITE"/,
  },
  { name: 'custom_var needs {var,val}', table: 'hosts', node: leaf('custom_var', 'eq', 'x'), want: /needs value \{"var"/ },
  {
    name: '{var,val} on a normal field refused',
    table: 'hosts',
    node: leaf('name', 'eq', cv('x', 'y')),
    want: /only for custom variables/,
  },

  // numbers, flags, times
  { name: 'flag true → 1', table: 'hosts', node: leaf('acknowledged', 'eq', true), want: [['acknowledged', '1']] },
  { name: 'flag false → 0', table: 'services', node: leaf('is_flapping', 'eq', false), want: [['is_flapping', '0']] },
  { name: 'flag "yes"', table: 'services', node: leaf('notifications_enabled', 'neq', 'yes'), want: [['notifications_enabled[ne]', '1']] },
  { name: 'flag 2 refused', table: 'hosts', node: leaf('acknowledged', 'eq', 2), want: /0\/1 flag/ },
  {
    name: 'number gte',
    table: 'services',
    node: leaf('scheduled_downtime_depth', 'gte', 1),
    want: [['scheduled_downtime_depth[gte]', '1']],
  },
  { name: 'number from digit string', table: 'services', node: leaf('latency', 'gt', ' 1.5 '), want: [['latency[gt]', '1.5']] },
  { name: 'number with exponent refused', table: 'services', node: leaf('latency', 'gt', '1e3'), want: /needs a plain number/ },
  {
    name: 'number boolean → 1',
    table: 'services',
    node: leaf('scheduled_downtime_depth', 'eq', true),
    want: [['scheduled_downtime_depth', '1']],
  },
  {
    name: 'non-numeric for number refused',
    table: 'services',
    node: leaf('scheduled_downtime_depth', 'lt', 'abc'),
    want: /"scheduled_downtime_depth" with op "lt" needs a plain number, got "abc"/,
  },
  { name: 'regex on number refused', table: 'services', node: leaf('latency', 'regex', '1'), want: /only work on text/ },
  {
    name: 'time epoch',
    table: 'hosts',
    node: leaf('last_state_change', 'gte', 1700000000),
    want: [['last_state_change[gte]', '1700000000']],
  },
  { name: 'time digit string', table: 'hosts', node: leaf('last_check', 'lt', '1700000000'), want: [['last_check[lt]', '1700000000']] },
  {
    name: 'time expression without resolver refused',
    table: 'hosts',
    node: leaf('last_check', 'lt', '-1h'),
    want: /needs a time: "-1h" is not a Unix timestamp/,
  },
  {
    name: 'time through injected resolver',
    table: 'hosts',
    node: leaf('last_check', 'lt', '-1h'),
    want: [['last_check[lt]', '1699996400']],
    opts: { resolveTime: (v) => (v === '-1h' ? 1699996400 : Number(v)) },
  },
  {
    name: 'resolver errors become FilterError',
    table: 'hosts',
    node: leaf('last_check', 'lt', 'soon'),
    want: /"last_check" needs a time: cannot parse soon/,
    opts: {
      resolveTime: (v) => {
        throw new Error(`cannot parse ${String(v)}`);
      },
    },
  },

  // logs
  {
    name: 'logs host/service/contact',
    table: 'logs',
    node: and(leaf('host', 'eq', 'h'), leaf('service', 'eq', 's'), leaf('contact', 'eq', 'c')),
    want: [
      ['host_name', 'h'],
      ['service_description', 's'],
      ['contact_name', 'c'],
    ],
  },
  {
    name: 'logs message defaults to regex',
    table: 'logs',
    node: { field: 'message', value: 'CRITICAL.*disk' },
    want: [['message[regex]', 'CRITICAL.*disk']],
  },
  { name: 'logs message eq when asked', table: 'logs', node: leaf('message', 'eq', 'x'), want: [['message', 'x']] },
  {
    name: 'logs since/until',
    table: 'logs',
    node: and({ field: 'since', value: 1700000000 }, { field: 'until', value: '1700003600' }),
    want: [
      ['time[gte]', '1700000000'],
      ['time[lte]', '1700003600'],
    ],
  },
  { name: 'logs since with another op refused', table: 'logs', node: leaf('since', 'lt', 1), want: /always means time >= value/ },
  { name: 'logs class name', table: 'logs', node: leaf('class', 'eq', 'Notification'), want: [['class', '3']] },
  {
    name: 'logs state names of hosts and services',
    table: 'logs',
    node: and(leaf('state', 'eq', 'critical'), leaf('state', 'neq', 'down')),
    want: [
      ['state', '2'],
      ['state[ne]', '1'],
    ],
  },
  { name: 'logs type', table: 'logs', node: leaf('type', 'eq', 'HOST ALERT'), want: [['type', 'HOST ALERT']] },

  // downtimes / comments
  {
    name: 'downtimes',
    table: 'downtimes',
    node: and(leaf('id', 'eq', 12), leaf('author', 'regex', '^adm'), leaf('fixed', 'eq', true), leaf('end_time', 'gt', 1700000000)),
    want: [
      ['id', '12'],
      ['author[regex]', '^adm'],
      ['fixed', '1'],
      ['end_time[gt]', '1700000000'],
    ],
  },
  {
    name: 'comments entry_type and type names',
    table: 'comments',
    node: and(leaf('entry_type', 'eq', 'acknowledgement'), leaf('type', 'eq', 'service'), leaf('service', 'eq', 'disk /')),
    want: [
      ['entry_type', '4'],
      ['type', '2'],
      ['service_description', 'disk /'],
    ],
  },

  // tree shapes
  {
    name: 'same field twice → two parameters',
    table: 'hosts',
    node: and(leaf('name', 'regex', '^web'), leaf('name', 'nregex', 'test')),
    want: [
      ['name[regex]', '^web'],
      ['name[nregex]', 'test'],
    ],
  },
  {
    name: 'same field, same op twice',
    table: 'services',
    node: and(leaf('host', 'neq', 'a'), leaf('host', 'neq', 'b')),
    want: [
      ['host_name[ne]', 'a'],
      ['host_name[ne]', 'b'],
    ],
  },
  {
    name: 'nested ANDs flatten',
    table: 'hosts',
    node: and(leaf('name', 'eq', 'a'), and(leaf('state', 'eq', 1), and(leaf('acknowledged', 'eq', 0)))),
    want: [
      ['name', 'a'],
      ['state', '1'],
      ['acknowledged', '0'],
    ],
  },
  {
    name: 'single-child OR is plain AND',
    table: 'hosts',
    node: and(or(leaf('name', 'eq', 'a')), leaf('state', 'eq', 1)),
    want: [
      ['name', 'a'],
      ['state', '1'],
    ],
  },
  // Issue 12: a never-checked host reads state 0 but is PENDING; "up" must not list it (the totals do not count it as up).
  {
    name: 'state up is checked and 0 (pending left out)',
    table: 'hosts',
    node: leaf('state', 'eq', 'up'),
    want: [
      ['state', '0'],
      ['has_been_checked[ne]', '0'],
    ],
  },
  {
    name: 'service state ok is checked and 0 (pending left out)',
    table: 'services',
    node: leaf('state', 'eq', 0),
    want: [
      ['state', '0'],
      ['has_been_checked[ne]', '0'],
    ],
  },
  { name: 'unknown field for the table', table: 'logs', node: leaf('hostgroup', 'eq', 'x'), want: /"hostgroup" is not available for logs/ },
  {
    name: 'unknown op at runtime',
    table: 'hosts',
    node: { field: 'name', op: 'like' as FilterLeaf['op'], value: 'x' },
    want: /op "like" is unknown/,
  },
];

void describe('compileFilter: AND-only trees become bracket parameters', () => {
  for (const c of bracketCases) {
    void it(c.name, () => {
      if (c.want instanceof RegExp) refuses(() => compile(c.table, c.node, [], c.opts), c.want);
      else assert.deepEqual(compile(c.table, c.node, [], c.opts), c.want);
    });
  }

  void it('accepts the anchor JSON verbatim (type on every node)', () => {
    const anchor = {
      type: 'group',
      operator: 'and',
      conditions: [
        { type: 'leaf', field: 'hostgroup', op: 'eq', value: 'linux' },
        { type: 'leaf', field: 'custom_var', op: 'eq', value: { var: 'site', val: 'berlin' } },
        { type: 'leaf', field: 'state', op: 'in', value: ['down', 'unreachable'] },
      ],
    };
    const parsed = filterSchema(['name', 'state', 'hostgroup', 'custom_var', 'address']).parse(anchor);
    assert.deepEqual(compile('hosts', parsed), [
      ['groups[gte]', 'linux'],
      ['_SITE', 'berlin'],
      ['q', '(state = "1" or state = "2")'],
    ]);
  });

  void it('appends extra leaves, which the field restriction does not cover', () => {
    const opts = { fields: ['name'] };
    assert.deepEqual(
      compile('hosts', leaf('name', 'eq', 'a'), [leaf('acknowledged', 'eq', 0), leaf('scheduled_downtime_depth', 'eq', 0)], opts),
      [
        ['name', 'a'],
        ['acknowledged', '0'],
        ['scheduled_downtime_depth', '0'],
      ],
    );
    assert.deepEqual(compile('hosts', undefined, [leaf('state', 'in', [1, 2])]), [['q', '(state = "1" or state = "2")']]);
    assert.deepEqual(compile('hosts', undefined), []);
  });

  void it('refuses fields the tool does not allow and lists the allowed ones', () => {
    refuses(
      () => compile('hosts', leaf('acknowledged', 'eq', 1), [], { fields: ['name', 'state'] }),
      /"acknowledged" is not available for hosts\. Use one of: name, state\./,
    );
  });

  void it('refuses trees beyond the depth and size limits', () => {
    let deep: FilterNode = leaf('name', 'eq', 'x');
    for (let i = 0; i < 5; i++) deep = or(deep, leaf('name', 'eq', `y${i}`));
    refuses(() => compile('hosts', deep), /nested too deeply/);
    const many = and(...Array.from({ length: 51 }, (_, i) => leaf('name', 'neq', `h${i}`)));
    refuses(() => compile('hosts', many), /more than 50 conditions/);
  });
});

// ---------------------------------------------------------------------------------------------
// OR → q
// ---------------------------------------------------------------------------------------------

const qCases: Case[] = [
  {
    name: 'plain OR',
    table: 'hosts',
    node: or(leaf('state', 'eq', 'down'), leaf('state', 'eq', 'unreachable')),
    want: [['q', '(state = "1" or state = "2")']],
  },
  {
    name: 'a or (b and c)',
    table: 'hosts',
    node: or(leaf('name', 'eq', 'a'), and(leaf('hostgroup', 'eq', 'linux'), leaf('name', 'regex', '^web'))),
    want: [['q', '(name = "a" or (groups >= "linux" and name ~~ "^web"))']],
  },
  {
    name: '(a and b) or c keeps its parentheses',
    table: 'hosts',
    node: or(and(leaf('name', 'eq', 'a'), leaf('state', 'eq', 1)), leaf('name', 'eq', 'c')),
    want: [['q', '((name = "a" and state = "1") or name = "c")']],
  },
  {
    name: 'nested groups',
    table: 'services',
    node: or(and(or(leaf('host', 'eq', 'a'), leaf('host', 'eq', 'b')), leaf('state', 'eq', 'critical')), leaf('service', 'eq', 'ping')),
    want: [['q', '(((host_name = "a" or host_name = "b") and state = "2") or description = "ping")']],
  },
  {
    name: 'nested same-operator groups are spliced',
    table: 'hosts',
    node: or(leaf('name', 'eq', 'a'), or(leaf('name', 'eq', 'b'), or(leaf('name', 'eq', 'c')))),
    want: [['q', '(name = "a" or name = "b" or name = "c")']],
  },
  {
    name: 'hybrid: AND children stay brackets, OR subtrees join into one q',
    table: 'services',
    node: and(
      leaf('acknowledged', 'eq', 0),
      or(leaf('state', 'eq', 'critical'), leaf('state', 'eq', 'unknown')),
      leaf('hostgroup', 'in', ['db', 'web']),
      and(leaf('host', 'neq', 'x'), or(leaf('custom_var', 'neq', cv('env', 'test')), leaf('host_state', 'eq', 'up'))),
    ),
    want: [
      ['acknowledged', '0'],
      ['host_name[ne]', 'x'],
      [
        'q',
        '(state = "2" or state = "3") and (host_groups >= "db" or host_groups >= "web") and (_ENV != "test" or (host_state = "0" and host_has_been_checked != "0"))',
      ],
    ],
  },
  {
    name: 'in on a list column needs OR',
    table: 'hosts',
    node: leaf('hostgroup', 'in', ['a', 'b']),
    want: [['q', '(groups >= "a" or groups >= "b")']],
  },
  {
    name: 'in on a number column needs OR',
    table: 'services',
    node: leaf('scheduled_downtime_depth', 'in', [1, 2]),
    want: [['q', '(scheduled_downtime_depth = "1" or scheduled_downtime_depth = "2")']],
  },
  {
    name: 'in with pending',
    table: 'services',
    node: leaf('state', 'in', ['pending', 'crit']),
    want: [['q', '(has_been_checked = "0" or state = "2")']],
  },
  {
    name: 'text in inside OR → equalities, spliced',
    table: 'hosts',
    node: or(leaf('name', 'in', ['a', 'b']), leaf('state', 'eq', 'down')),
    want: [['q', '(name = "a" or name = "b" or state = "1")']],
  },
  {
    name: 'text not_in inside OR',
    table: 'hosts',
    node: or(leaf('name', 'not_in', ['a', 'b']), leaf('state', 'eq', 'down')),
    want: [['q', '((name != "a" and name != "b") or state = "1")']],
  },
  {
    name: 'list not_in inside OR',
    table: 'hosts',
    node: or(leaf('hostgroup', 'not_in', ['a', 'b']), leaf('hostgroup', 'neq', 'c')),
    want: [['q', '((groups !>= "a" and groups !>= "b") or groups !>= "c")']],
  },
  {
    name: 'every operator in q',
    table: 'services',
    node: or(
      leaf('host', 'eq', 'a'),
      leaf('host', 'neq', 'b'),
      leaf('host', 'regex', 'c'),
      leaf('host', 'nregex', 'd'),
      leaf('latency', 'gt', 1),
      leaf('latency', 'gte', 2),
      leaf('latency', 'lt', 3),
      leaf('latency', 'lte', 4),
      leaf('custom_var', 'regex', cv('x', 'e')),
      leaf('host_custom_var', 'in', cv('y', ['f', 'g'])),
    ),
    want: [
      [
        'q',
        '(host_name = "a" or host_name != "b" or host_name ~~ "c" or host_name !~~ "d" or latency > "1" or latency >= "2" or latency < "3" or latency <= "4" or _X ~~ "e" or _HOSTY = "f" or _HOSTY = "g")',
      ],
    ],
  },
  {
    name: 'value with " is single-quoted',
    table: 'hosts',
    node: or(leaf('name', 'eq', 'say "hi"'), leaf('name', 'eq', 'x')),
    want: [['q', `(name = 'say "hi"' or name = "x")`]],
  },
  {
    name: "value with ' is double-quoted",
    table: 'hosts',
    node: or(leaf('name', 'eq', "it's"), leaf('name', 'eq', 'x')),
    want: [['q', `(name = "it's" or name = "x")`]],
  },
  {
    name: 'hostile but expressible values stay verbatim inside quotes',
    table: 'services',
    node: or(
      leaf('service', 'eq', 'disk / (root)'),
      leaf('service', 'eq', 'C:\\ drive'),
      leaf('service', 'eq', '~~ x or y = z'),
      leaf('service', 'eq', '100% & #1;'),
      leaf('service', 'eq', 'Überwachung ✓ 😀'),
      leaf('service', 'eq', ') or (name = "x'),
    ),
    want: [
      [
        'q',
        `(description = "disk / (root)" or description = "C:\\ drive" or description = "~~ x or y = z" or description = "100% & #1;" or description = "Überwachung ✓ 😀" or description = ') or (name = "x')`,
      ],
    ],
  },
  {
    name: 'both quote kinds in an OR group refused',
    table: 'hosts',
    node: or(leaf('name', 'eq', `a"b'c`), leaf('name', 'eq', 'x')),
    want: /both ' and ".*Move this condition out of the OR group/,
  },
  {
    name: 'both quote kinds as AND condition are fine',
    table: 'hosts',
    node: and(leaf('name', 'eq', `a"b'c`), or(leaf('state', 'eq', 1), leaf('state', 'eq', 2))),
    want: [
      ['name', `a"b'c`],
      ['q', '(state = "1" or state = "2")'],
    ],
  },
];

void describe('compileFilter: OR goes into one fully parenthesised q', () => {
  for (const c of qCases) {
    void it(c.name, () => {
      if (c.want instanceof RegExp) refuses(() => compile(c.table, c.node, [], c.opts), c.want);
      else assert.deepEqual(compile(c.table, c.node, [], c.opts), c.want);
    });
  }

  void it('never emits ==, always spaces operators, starts with ( and ends with )', () => {
    const q = compile(
      'services',
      or(leaf('host', 'eq', 'a=b'), and(leaf('state', 'gte', 1), leaf('custom_var', 'neq', cv('a', '==')))),
    )[0]![1];
    assert.equal(q, '(host_name = "a=b" or (state >= "1" and _A != "=="))');
    assert.ok(q.startsWith('(') && q.endsWith(')'), 'a q wrapped in three equal characters would be stripped by Thruk');
  });
});

// ---------------------------------------------------------------------------------------------
// Values no filter can carry
// ---------------------------------------------------------------------------------------------

void describe('compileFilter: unsafe values are refused, never sent', () => {
  const bad: Array<[string, string]> = [
    ['LF', 'a\nb'],
    ['CR', 'a\rb'],
    ['CRLF header injection', 'x\r\nFilter: name ~ .'],
    ['NUL', 'a\u0000b'],
    ['tab', 'a\tb'],
    ['DEL', 'a\u007fb'],
    ['NEL', 'a\u0085b'],
    ['line separator', 'a\u2028b'],
    ['lone surrogate', 'a\ud800b'],
  ];
  for (const [name, value] of bad) {
    void it(`${name} in a bracket value`, () =>
      refuses(() => compile('hosts', leaf('name', 'eq', value)), /line break or control character|unpaired UTF-16 surrogate/));
    void it(`${name} in a q value`, () =>
      refuses(
        () => compile('hosts', or(leaf('name', 'eq', value), leaf('name', 'eq', 'x'))),
        /line break or control character|unpaired UTF-16 surrogate/,
      ));
  }
  void it('in lists, custom variables and regexes are checked too', () => {
    refuses(() => compile('hosts', leaf('name', 'in', ['ok', 'a\nb'])), /U\+000A/);
    refuses(() => compile('hosts', leaf('custom_var', 'eq', cv('site', 'a\nb'))), /U\+000A/);
    refuses(() => compile('hosts', leaf('name', 'regex', 'a\n')), /U\+000A/);
    refuses(() => compile('hosts', leaf('hostgroup', 'not_in', ['a\u0000'])), /U\+0000/);
  });
  void it('a valid surrogate pair is fine', () => assert.deepEqual(compile('hosts', leaf('name', 'eq', '😀')), [['name', '😀']]));
  void it('overlong values are refused', () => refuses(() => compile('hosts', leaf('name', 'eq', 'x'.repeat(5000))), /limit is 4096/));
  void it('a control character in a state name cannot slip through', () =>
    assert.deepEqual(compile('hosts', leaf('state', 'eq', 'down\n')), [['state', '1']]));
  void it('URL encoding carries every other character', () => {
    const params = compile('hosts', and(leaf('name', 'eq', `a&b=c+d%20#"'`), or(leaf('name', 'eq', '?&='), leaf('name', 'eq', '+'))));
    const round = [...new URLSearchParams(paramsToSearch(params).toString())];
    assert.deepEqual(round, params);
  });
});

// ---------------------------------------------------------------------------------------------
// Regex escaping for `in`
// ---------------------------------------------------------------------------------------------

void describe('regex escaping for in/not_in', () => {
  void it('escapes every metacharacter with a backslash', () => {
    assert.equal(escapeRegex('\\^$.|?*+()[]{}'), '\\\\\\^\\$\\.\\|\\?\\*\\+\\(\\)\\[]\\{}');
    assert.equal(escapeRegex('plain-name_01 /:'), 'plain-name_01 /:');
  });
  void it('an anchored alternation matches exactly the literals (property, JS RegExp as proxy)', () => {
    const chars = [...'\\^$.|?*+()[]{}-/ aZ9'];
    const str = fc.string({ unit: fc.constantFrom(...chars), maxLength: 8 });
    fc.assert(
      fc.property(fc.uniqueArray(str, { minLength: 1, maxLength: 4 }), str, (literals, probe) => {
        const re = new RegExp(anyOfRegex(literals));
        for (const l of literals) assert.ok(re.test(l), `${re} should match ${JSON.stringify(l)}`);
        assert.equal(re.test(probe), literals.includes(probe), `${re} vs ${JSON.stringify(probe)}`);
      }),
      { numRuns: 500 },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Property: no value can break out of its q quotes
// ---------------------------------------------------------------------------------------------

type QAst = { t: 'cmp'; key: string; op: string; value: string } | { t: 'and' | 'or'; xs: QAst[] };

const Q_OPS = ['!>=', '!~~', '!=', '!~', '~~', '==', '>=', '<=', '=', '~', '>', '<'];

/** Reference parser for the §2.6 grammar: strict left-to-right and/or, no escapes in quotes. */
function parseQ(src: string): QAst {
  let i = 0;
  const ws = (): void => {
    while (i < src.length && /\s/.test(src[i]!)) i++;
  };
  const bareword = (): string => {
    const m = /^[A-Za-z0-9_^~.*-]+/.exec(src.slice(i));
    if (m === null) throw new Error(`bareword expected at ${i}: ${src.slice(i, i + 20)}`);
    i += m[0].length;
    return m[0];
  };
  const term = (): QAst => {
    ws();
    if (src[i] === '(') {
      i++;
      const e = expr();
      ws();
      if (src[i] !== ')') throw new Error(`) expected at ${i}`);
      i++;
      return e;
    }
    const key = bareword();
    if (!/\s/.test(src[i] ?? '')) throw new Error(`space expected after key at ${i}`);
    ws();
    const op = Q_OPS.find((o) => src.startsWith(o, i));
    if (op === undefined) throw new Error(`operator expected at ${i}`);
    i += op.length;
    if (!/\s/.test(src[i] ?? '')) throw new Error(`space expected after operator at ${i}`);
    ws();
    const quote = src[i];
    let value: string;
    if (quote === '"' || quote === "'") {
      const end = src.indexOf(quote, i + 1);
      if (end < 0) throw new Error(`unterminated string at ${i}`);
      value = src.slice(i + 1, end);
      i = end + 1;
    } else value = bareword();
    return { t: 'cmp', key, op, value };
  };
  const expr = (): QAst => {
    let left = term();
    for (;;) {
      ws();
      const m = /^(and|or)\s|^(&&|\|\|)/i.exec(src.slice(i));
      if (m === null) return left;
      const word = m[0].trim().toLowerCase();
      i += m[0].length;
      left = { t: word === 'and' || word === '&&' ? 'and' : 'or', xs: [left, term()] };
    }
  };
  const ast = expr();
  ws();
  if (i !== src.length) throw new Error(`trailing input at ${i}: ${src.slice(i)}`);
  return ast;
}

function normalize(a: QAst): QAst {
  if (a.t === 'cmp') return a;
  const xs = a.xs.map(normalize).flatMap((x) => (x.t === a.t ? x.xs : [x]));
  return xs.length === 1 ? xs[0]! : { t: a.t, xs };
}

const TEXT_COLUMNS: Record<string, string> = { name: 'name', address: 'address', alias: 'alias' };

function scalars(value: FilterLeaf['value']): string[] {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value === 'object') throw new Error('custom variables are not generated');
  return [String(value)];
}

/** What the q for `node` must mean, built independently of the compiler. */
function expected(node: FilterNode): QAst {
  if ('conditions' in node) return normalize({ t: node.operator, xs: node.conditions.map(expected) });
  const key = TEXT_COLUMNS[node.field]!;
  const values = [...new Set(scalars(node.value))];
  const cmp = (op: string, value: string): QAst => ({ t: 'cmp', key, op, value });
  switch (node.op) {
    case 'neq':
      return cmp('!=', values[0]!);
    case 'regex':
      return cmp('~~', values[0]!);
    case 'nregex':
      return cmp('!~~', values[0]!);
    case 'in':
      return normalize({ t: 'or', xs: values.map((v) => cmp('=', v)) });
    case 'not_in':
      return normalize({ t: 'and', xs: values.map((v) => cmp('!=', v)) });
    case 'eq':
    case undefined:
      return cmp('=', values[0]!);
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      throw new Error('numeric comparisons are not generated');
  }
}

function allValues(node: FilterNode): Array<{ op: string; value: string }> {
  if ('conditions' in node) return node.conditions.flatMap(allValues);
  return scalars(node.value).map((value) => ({ op: node.op ?? 'eq', value }));
}

const HOSTILE = [...`"'()\\ ~=!<>&|*%#+;/-_.^$[]{}?`, 'a', 'Z', '0', 'é', '😀', ' and ', ' or ', '&&', '||', '"""', "'''", '***', '=='];
const hostileString = fc.string({ unit: fc.constantFrom(...HOSTILE), maxLength: 6 });
const hostileValue = fc.oneof(
  hostileString.map((s) => s.replaceAll('"', '')),
  hostileString.map((s) => s.replaceAll("'", '')),
  hostileString,
);

const treeArb = fc.letrec<{ node: FilterNode; leaf: FilterNode; group: FilterNode }>((tie) => ({
  node: fc.oneof({ maxDepth: 3, depthIdentifier: 'tree', withCrossShrink: true }, tie('leaf'), tie('group')),
  // A one-child group is its child, so shrinking a group down to one condition unwraps it.
  group: fc
    .record({
      operator: fc.constantFrom('and' as const, 'or' as const),
      conditions: fc.array(tie('node'), { minLength: 1, maxLength: 3, depthIdentifier: 'tree' }),
    })
    .map((g): FilterNode => (g.conditions.length === 1 ? g.conditions[0]! : g)),
  leaf: fc.oneof(
    fc.record({
      field: fc.constantFrom('name', 'address', 'alias'),
      op: fc.constantFrom('eq' as const, 'neq' as const, 'regex' as const, 'nregex' as const),
      value: hostileValue,
    }),
    fc.record({
      field: fc.constantFrom('name', 'address', 'alias'),
      op: fc.constantFrom('in' as const, 'not_in' as const),
      value: fc.array(hostileValue, { minLength: 1, maxLength: 3 }),
    }),
  ),
}));

void describe('q is injection-proof (property)', () => {
  void it('every value comes back out of the reference parser as exactly one token, in the right tree', () => {
    fc.assert(
      fc.property(treeArb.node, (tree) => {
        // A root OR with a sentinel sends the whole tree through q.
        const root = or(tree, leaf('name', 'eq', 'sentinel'));
        let params: Params;
        try {
          params = compile('hosts', root);
        } catch (err) {
          assert.ok(err instanceof FilterError, String(err));
          const justified = allValues(root).some(
            ({ op, value }) =>
              (value.includes('"') && value.includes("'")) ||
              ((op === 'regex' || op === 'nregex') &&
                !((): boolean => {
                  try {
                    new RegExp(value);
                    return true;
                  } catch {
                    return false;
                  }
                })()),
          );
          assert.ok(justified, `refused without reason: ${err.message}`);
          return;
        }
        assert.equal(params.length, 1);
        const [key, q] = params[0]!;
        assert.equal(key, 'q');
        assert.ok(!/(^|\s)==(\s|$)/.test(q.replace(/"[^"]*"|'[^']*'/g, '""')), `== emitted: ${q}`);
        assert.deepEqual(normalize(parseQ(q)), expected(root));
      }),
      { numRuns: 1000 },
    );
  });

  void it('AND-only trees never need q and keep every condition', () => {
    const andTree = fc.array(
      fc.record({ field: fc.constantFrom('name', 'address'), op: fc.constantFrom('eq' as const, 'neq' as const), value: hostileString }),
      { minLength: 1, maxLength: 8 },
    );
    fc.assert(
      fc.property(andTree, (leaves) => {
        const params = compile('hosts', and(...leaves));
        assert.deepEqual(
          params,
          leaves.map((l) => [l.op === 'eq' ? l.field : `${l.field}[ne]`, l.value]),
        );
      }),
      { numRuns: 300 },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Schema
// ---------------------------------------------------------------------------------------------

const SERVICE_TOOL_FIELDS = ['host', 'description', 'state', 'hostgroup', 'servicegroup', 'custom_var', 'host_custom_var'];
const schemaJson = JSON.stringify(z.toJSONSchema(filterSchema(SERVICE_TOOL_FIELDS)));

void describe('filterSchema', () => {
  const schema = filterSchema(['name', 'state', 'hostgroup', 'custom_var', 'address']);

  void it('accepts the anchor JSON exactly, and the same without type', () => {
    const anchor = {
      type: 'group',
      operator: 'or',
      conditions: [
        { type: 'leaf', field: 'state', op: 'neq', value: 0 },
        {
          type: 'group',
          operator: 'and',
          conditions: [
            { type: 'leaf', field: 'hostgroup', op: 'gte', value: 'linux' },
            { type: 'leaf', field: 'custom_var', op: 'eq', value: { var: 'site', val: 'x' } },
          ],
        },
        { type: 'leaf', field: 'name', op: 'regex', value: '^web' },
        { type: 'leaf', field: 'address', op: 'lte', value: 5 },
        { type: 'leaf', field: 'name', op: 'in', value: ['a', 1] },
      ],
    };
    assert.deepEqual(schema.parse(anchor), anchor);
    const bare = {
      operator: 'and',
      conditions: [
        { field: 'name', value: 'x' },
        { field: 'state', op: 'not_in', value: ['up'] },
      ],
    };
    assert.deepEqual(schema.parse(bare), bare);
    assert.deepEqual(schema.parse({ field: 'name', value: true }), { field: 'name', value: true });
  });

  const rejects: Array<[string, unknown, RegExp]> = [
    ['unknown field', { field: 'nope', value: 1 }, /field/],
    ['unknown key on a leaf', { field: 'name', value: 1, extra: 1 }, /extra|Unrecognized/],
    ['unknown key on a group', { operator: 'and', conditions: [{ field: 'name', value: 1 }], x: 1 }, /Unrecognized/],
    ['unknown op', { field: 'name', op: 'like', value: 1 }, /op/],
    ['empty group', { operator: 'or', conditions: [] }, /conditions|>=1/],
    ['bad operator', { operator: 'xor', conditions: [{ field: 'name', value: 1 }] }, /operator/],
    ['null value', { field: 'name', value: null }, /value must be/],
    ['wrong type tag', { type: 'group', field: 'name', value: 1 }, /type|Invalid/],
    ['nested object list', { field: 'name', op: 'in', value: [{ a: 1 }] }, /value must be/],
  ];
  for (const [name, input, pattern] of rejects) {
    void it(`rejects ${name}`, () => {
      const r = schema.safeParse(input);
      assert.equal(r.success, false);
      assert.match(z.prettifyError(r.error), pattern);
    });
  }

  void it('limits depth to 4 nested groups', () => {
    const nest = (n: number): unknown => (n === 0 ? { field: 'name', value: 'x' } : { operator: 'and', conditions: [nest(n - 1)] });
    assert.equal(schema.safeParse(nest(4)).success, true);
    const r = schema.safeParse(nest(5));
    assert.equal(r.success, false);
    assert.match(z.prettifyError(r.error), /nested too deeply/);
  });

  void it('limits the number of conditions to 50', () => {
    const conds = (n: number) => ({ operator: 'and', conditions: Array.from({ length: n }, () => ({ field: 'name', value: 'x' })) });
    assert.equal(schema.safeParse(conds(50)).success, true);
    assert.match(z.prettifyError(schema.safeParse(conds(51)).error!), /more than 50/);
  });

  void it(`emits a compact recursive JSON Schema (${schemaJson.length} chars for a 7-field tool)`, () => {
    assert.ok(schemaJson.length < 1500, `JSON Schema is ${schemaJson.length} chars`);
    const js = JSON.parse(schemaJson) as { $ref?: string; $defs?: Record<string, unknown>; description?: string };
    assert.equal(Object.keys(js.$defs ?? {}).length, 1, 'one $defs entry for the recursive node');
    assert.ok(js.$ref?.startsWith('#/$defs/'));
    assert.ok((js.description ?? '').length < 300);
    assert.equal(schemaJson.match(/"additionalProperties":false/g)?.length, 3);
    for (const f of SERVICE_TOOL_FIELDS) assert.ok(schemaJson.includes(`"${f}"`));
  });

  void it('every logical field of every table compiles with eq or is a known special case', () => {
    for (const table of ['hosts', 'services', 'logs', 'downtimes', 'comments'] as const) {
      for (const field of fieldsOf(table)) {
        const value = field.includes('custom_var') ? cv('x', '1') : 1;
        try {
          const params = compile(table, leaf(field, 'eq', value));
          assert.equal(params.length, 1, `${table}.${field}`);
          assert.match(params[0]![0], /^[a-z_]+(\[(gte|lte)\])?$|^_X$|^_HOSTX$/i, `${table}.${field}`);
        } catch (err) {
          assert.ok(err instanceof FilterError, `${table}.${field}: ${String(err)}`);
          assert.match(err.message, /0\/1 flag|Unknown value/, `${table}.${field}`);
        }
      }
    }
  });
});
