import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { breachOf, parseNumber, parsePerfData, parseRange, rangeAlerts, type PerfMetric } from '../src/tools/lib/perfdata.js';
import { headroomOf } from '../src/tools/lib/headroom.js';

type Want = Partial<Omit<PerfMetric, 'warnRange' | 'critRange'>>;

const PARSE_CASES: ReadonlyArray<{ name: string; input: string; want: Want[]; warnings?: RegExp[] }> = [
  { name: 'empty string', input: '', want: [] },
  { name: 'only spaces', input: '   \t ', want: [] },
  { name: 'value only', input: 'users=2', want: [{ label: 'users', value: 2, uom: '', warn: '', crit: '' }] },
  {
    name: 'all five fields',
    input: 'mem_used=41.2%;85;95;0;100',
    want: [{ label: 'mem_used', value: 41.2, uom: '%', warn: '85', crit: '95', min: 0, max: 100 }],
  },
  {
    name: 'several, trailing semicolons',
    input: 'load1=0.52;5;10;0; load5=0.34;4;8;0; load15=0.21;3;6;0;',
    want: [
      { label: 'load1', value: 0.52, min: 0 },
      { label: 'load5', value: 0.34 },
      { label: 'load15', value: 0.21, warn: '3', crit: '6' },
    ],
  },
  {
    name: 'empty warn and crit',
    input: 'time=0.012s;;;0.000000;10.000000',
    want: [{ label: 'time', value: 0.012, uom: 's', warn: '', crit: '', min: 0, max: 10 }],
  },
  { name: 'quoted label with spaces', input: "'5 min avg Load'=7%;80;90;0;100", want: [{ label: '5 min avg Load', value: 7, uom: '%' }] },
  {
    name: 'quoted label with backslash',
    input: "'C:\\ used'=117.90GB;96;108;0;120",
    want: [{ label: 'C:\\ used', value: 117.9, uom: 'GB', max: 120 }],
  },
  { name: "escaped quote ''", input: "'it''s ok'=1", want: [{ label: "it's ok", value: 1 }] },
  { name: 'quoted label with =', input: "'a=b'=3c", want: [{ label: 'a=b', value: 3, uom: 'c' }] },
  {
    name: 'slash label (disk)',
    input: '/=28770MB;56000;63000;0;70000',
    want: [{ label: '/', value: 28770, uom: 'MB', warn: '56000', max: 70000 }],
  },
  {
    name: 'all standard UOMs',
    input: 'a=1s b=2ms c=3us d=4% e=5B f=6KB g=7MB h=8GB i=9TB j=10c',
    want: ['s', 'ms', 'us', '%', 'B', 'KB', 'MB', 'GB', 'TB', 'c'].map((uom) => ({ uom })),
  },
  { name: 'unknown UOM kept', input: 'fan1=4200rpm;;;0;', want: [{ label: 'fan1', value: 4200, uom: 'rpm', min: 0 }] },
  { name: 'U means unknown value', input: 'load=U;5;10', want: [{ label: 'load', value: null, warn: '5', crit: '10' }] },
  {
    name: 'negative and exponent',
    input: 'temp=-3.5;0:30 big=1e3B',
    want: [
      { label: 'temp', value: -3.5, warn: '0:30' },
      { label: 'big', value: 1000, uom: 'B' },
    ],
  },
  { name: 'comma decimal separator', input: 'rta=0,51ms;100,5;500', want: [{ label: 'rta', value: 0.51, uom: 'ms', warn: '100,5' }] },
  { name: 'unicode label', input: "'Lüfter 1'=4200rpm", want: [{ label: 'Lüfter 1', value: 4200, uom: 'rpm' }] },
  { name: 'tabs and multiple spaces', input: 'a=1\t\tb=2   c=3', want: [{ label: 'a' }, { label: 'b' }, { label: 'c' }] },
  { name: 'garbage token skipped', input: 'garbage a=1', want: [{ label: 'a', value: 1 }], warnings: [/'garbage' is not label=value/] },
  {
    name: 'unquoted label with space: the fragment is skipped',
    input: 'C:\\ used=5GB',
    want: [{ label: 'used', value: 5 }],
    warnings: [/not label=value/],
  },
  {
    name: 'non-numeric value skipped',
    input: 'a=abc b=2',
    want: [{ label: 'b', value: 2 }],
    warnings: [/'a': value 'abc' is not a number/],
  },
  { name: 'value like 1.2.3 skipped', input: 'v=1.2.3', want: [], warnings: [/not a number/] },
  { name: 'empty value skipped', input: 'a= b=1', want: [{ label: 'b' }], warnings: [/'a' has no value/] },
  { name: 'empty label skipped', input: '=5 b=1', want: [{ label: 'b' }], warnings: [/empty label/] },
  { name: 'unterminated quote stops parsing', input: "a=1 'broken=2", want: [{ label: 'a' }], warnings: [/unterminated quoted label/] },
  { name: 'quoted label without =', input: "'x' y=1", want: [{ label: 'y' }], warnings: [/not followed by '='/] },
  {
    name: 'bad threshold kept raw, range dropped',
    input: 'a=1;abc;5',
    want: [{ label: 'a', warn: 'abc', crit: '5' }],
    warnings: [/warning threshold 'abc' is not a Nagios range/],
  },
  { name: 'bad min ignored', input: 'a=1;;;x;10', want: [{ label: 'a', max: 10 }], warnings: [/min 'x' is not a number/] },
  { name: 'extra fields ignored with a warning', input: 'a=1;2;3;0;10;99', want: [{ label: 'a', max: 10 }], warnings: [/extra fields/] },
];

describe('perf data parser', () => {
  for (const c of PARSE_CASES) {
    it(c.name, () => {
      const r = parsePerfData(c.input);
      assert.equal(r.metrics.length, c.want.length, JSON.stringify(r));
      c.want.forEach((w, i) => {
        const m = r.metrics[i] as unknown as Record<string, unknown>;
        for (const [k, v] of Object.entries(w)) assert.deepEqual(m[k], v, `${c.name}: metric ${i} ${k}`);
      });
      const warnings = c.warnings ?? [];
      assert.equal(r.warnings.length, warnings.length, JSON.stringify(r.warnings));
      warnings.forEach((re, i) => assert.match(r.warnings[i] ?? '', re));
    });
  }

  it('never throws on hostile input', () => {
    for (const s of ["'", "''", '=', ';;;', "a='", '\u0000=1', 'a=1;@;~', '@=@', `${'x'.repeat(10000)}=1`, 'a=NaN b=Infinity', "'\n'=1"]) {
      assert.doesNotThrow(() => parsePerfData(s), s);
    }
  });
});

const RANGE_CASES: ReadonlyArray<{ raw: string; want: ReturnType<typeof parseRange>; alerts?: Array<[number, boolean]> }> = [
  {
    raw: '10',
    want: { start: 0, end: 10, inside: false, implicitStart: true },
    alerts: [
      [-1, true],
      [0, false],
      [10, false],
      [10.1, true],
    ],
  },
  {
    raw: '10:',
    want: { start: 10, end: null, inside: false, implicitStart: false },
    alerts: [
      [9.9, true],
      [10, false],
      [1e9, false],
    ],
  },
  {
    raw: '~:10',
    want: { start: null, end: 10, inside: false, implicitStart: false },
    alerts: [
      [-1e9, false],
      [10, false],
      [11, true],
    ],
  },
  {
    raw: '10:20',
    want: { start: 10, end: 20, inside: false, implicitStart: false },
    alerts: [
      [9, true],
      [10, false],
      [20, false],
      [21, true],
    ],
  },
  {
    raw: '@10:20',
    want: { start: 10, end: 20, inside: true, implicitStart: false },
    alerts: [
      [9, false],
      [10, true],
      [15, true],
      [20, true],
      [21, false],
    ],
  },
  {
    raw: '@10',
    want: { start: 0, end: 10, inside: true, implicitStart: true },
    alerts: [
      [5, true],
      [11, false],
    ],
  },
  { raw: ':10', want: { start: 0, end: 10, inside: false, implicitStart: false } },
  { raw: ' 5 ', want: { start: 0, end: 5, inside: false, implicitStart: true } },
  { raw: '1,5:2,5', want: { start: 1.5, end: 2.5, inside: false, implicitStart: false } },
  {
    raw: '-10:-5',
    want: { start: -10, end: -5, inside: false, implicitStart: false },
    alerts: [
      [-7, false],
      [0, true],
    ],
  },
  { raw: '', want: undefined },
  { raw: '@', want: undefined },
  { raw: '20:10', want: undefined },
  { raw: 'abc', want: undefined },
  { raw: '1:2:3', want: undefined },
  { raw: '~', want: undefined },
];

describe('Nagios threshold ranges', () => {
  for (const c of RANGE_CASES) {
    it(`'${c.raw}'`, () => {
      const r = parseRange(c.raw);
      assert.deepEqual(r, c.want);
      for (const [v, alerts] of c.alerts ?? []) assert.equal(rangeAlerts(r!, v), alerts, `${c.raw} at ${v}`);
    });
  }

  it('parses numbers the way plugins write them', () => {
    assert.equal(parseNumber('0,5'), 0.5);
    assert.equal(parseNumber('.5'), 0.5);
    assert.equal(parseNumber('5.'), 5);
    assert.equal(parseNumber('+3'), 3);
    assert.equal(parseNumber('1e400'), undefined);
    assert.equal(parseNumber('5x'), undefined);
  });

  it('classifies the breach by critical before warning', () => {
    const one = (s: string) => parsePerfData(s).metrics[0]!;
    assert.equal(breachOf(one('a=1;5;10')), 'ok');
    assert.equal(breachOf(one('a=6;5;10')), 'warning');
    assert.equal(breachOf(one('a=11;5;10')), 'critical');
    assert.equal(breachOf(one('free=5;10:;3:')), 'warning');
    assert.equal(breachOf(one('free=2;10:;3:')), 'critical');
    assert.equal(breachOf(one('x=15;@10:20')), 'warning');
    assert.equal(breachOf(one('x=U;5;10')), 'unknown');
    assert.equal(breachOf(one('x=100')), 'ok');
  });
});

describe('headroom to the threshold', () => {
  const h = (s: string) => headroomOf(parsePerfData(s).metrics[0]!);

  it('measures an upper threshold against the OK band from min (or 0) to warning', () => {
    const disk = h('/=28770MB;56000;63000;0;70000')!;
    assert.equal(disk.threshold, 'warning');
    assert.equal(disk.distance, 27230);
    assert.equal(disk.basis, 'ok_range');
    assert.equal(disk.percent, 48.63);
    assert.equal(h('load1=0.52;5;10;0;')!.percent, 89.6);
    assert.equal(h('time=0.045234s;1.000000;2.000000;0.000000;10.000000')!.percent, 95.48, 'a timeout max does not shrink the headroom');
  });

  it('is negative once breached, and uses critical when no warning is set', () => {
    const d = h('/=62108MB;61440;65536;0;70000')!;
    assert.ok(d.distance < 0 && d.percent < 0);
    assert.equal(d.distance, -668);
    const c = h('x=8;;10;0;')!;
    assert.equal(c.threshold, 'critical');
    assert.equal(c.percent, 20);
  });

  it('handles lower bounds and inverted ranges', () => {
    const free = h('free=15GB;10:;5:;0;100')!;
    assert.equal(free.distance, 5);
    assert.equal(free.basis, 'ok_range');
    assert.equal(h('free=15GB;10:')!.basis, 'threshold');
    assert.equal(h('free=15GB;10:')!.percent, 50);
    const inv = h('x=5;@10:20')!;
    assert.equal(inv.distance, 5, 'distance to entering the inside range');
    const above = h('x=25;@10:20;;0;30')!;
    assert.equal(above.distance, 5);
    assert.ok(h('x=15;@10:20')!.distance < 0, 'inside the @ range is breached');
    const temp = h('temp=3;0:30')!;
    assert.equal(temp.distance, 3, 'an explicit lower bound 0 is a threshold');
    assert.equal(temp.percent, 10);
  });

  it('ignores the implied lower bound 0, thresholds beyond min/max and zero-width OK bands', () => {
    assert.equal(h('load=0;5')!.distance, 5, 'a bare 5 does not alert at 0 for a non-negative metric');
    assert.equal(h('x=5;~:10;;0;8'), undefined, 'max 8 can never exceed 10');
    assert.equal(h('down=0;0;2;0;24'), undefined, '"must be 0" has no headroom until it alerts');
    assert.ok(h('down=1;0;2;0;24')!.distance < 0);
    assert.equal(h('size=412GB;;;0;'), undefined);
    assert.equal(h('x=U;5;10'), undefined);
  });
});
