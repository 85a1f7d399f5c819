/**
 * The availability / SLA view (thruk_host_availability, thruk_service_availability,
 * thruk_hostgroup_availability, thruk_hostgroup_availability_summary): one bar per object with
 * the share of the window in each state, downtime and no data, and the availability against the
 * target when the tool was given one.
 */
import { arr, h, num, obj, startView, str, type Json } from './common.js';

/** Segments in drawing order; Thruk's scheduled_* time is part of its state, so it is taken out and shown as downtime. */
const SEGMENTS = [
  { key: 'ok', label: 'Up / OK', states: ['up', 'ok'] },
  { key: 'warning', label: 'Warning', states: ['warning'] },
  { key: 'down', label: 'Down / Critical', states: ['down', 'critical'] },
  { key: 'unreachable', label: 'Unreachable / Unknown', states: ['unreachable', 'unknown'] },
] as const;

export interface Shares {
  readonly ok: number;
  readonly warning: number;
  readonly down: number;
  readonly unreachable: number;
  readonly downtime: number;
  readonly nodata: number;
}

export function shares(percent: Json): Shares {
  const p = (k: string) => num(percent[k]) ?? 0;
  const sched = (states: readonly string[]) => states.reduce((a, s) => a + p(`scheduled_${s}`), 0);
  const state = (states: readonly string[]) => Math.max(0, states.reduce((a, s) => a + p(s), 0) - sched(states));
  const downtime = Object.entries(percent)
    .filter(([k]) => k.startsWith('scheduled_'))
    .reduce((a, [, v]) => a + (num(v) ?? 0), 0);
  const nodata = Object.entries(percent)
    .filter(([k]) => k.startsWith('indeterminate'))
    .reduce((a, [, v]) => a + (num(v) ?? 0), 0);
  return {
    ok: state(SEGMENTS[0].states),
    warning: state(SEGMENTS[1].states),
    down: state(SEGMENTS[2].states),
    unreachable: state(SEGMENTS[3].states),
    downtime,
    nodata,
  };
}

const fmt = (x: number): string => `${Math.round(x * 100) / 100}%`;

function bar(s: Shares, name: string): HTMLElement {
  const parts: Array<[keyof Shares, string]> = [
    ...SEGMENTS.map((g) => [g.key, g.label] as [keyof Shares, string]),
    ['downtime', 'Downtime'],
    ['nodata', 'No data'],
  ];
  const shown = parts.filter(([k]) => s[k] > 0);
  const label = `${name}: ${shown.map(([k, l]) => `${l} ${fmt(s[k])}`).join(', ') || 'no data'}`;
  const track = h('div', { class: 'bar', role: 'img', 'aria-label': label });
  for (const [k, l] of shown) {
    const seg = h('span', { class: `seg g-${k}`, title: `${l} ${fmt(s[k])}` });
    // CSSOM, not a style attribute: the CSP allows no inline style attributes.
    seg.style.width = `${Math.min(100, s[k])}%`;
    track.append(seg);
  }
  return track;
}

function verdict(row: Json, target: number | undefined): HTMLElement {
  const a = num(row.availability_percent);
  if (a === undefined) return h('span', { class: 'verdict v-nodata' }, 'no data');
  if (target === undefined) return h('span', { class: 'verdict' }, fmt(a));
  const met = a >= target;
  return h(
    'span',
    { class: `verdict ${met ? 'v-met' : 'v-missed'}` },
    `${fmt(a)} ${met ? '≥' : '<'} ${fmt(target)} ${met ? 'met' : 'missed'}`,
  );
}

function nameOf(row: Json): string {
  const service = str(row.service);
  return service !== undefined ? `${str(row.host) ?? ''} / ${service}` : (str(row.host) ?? '');
}

export function renderAvailability(data: Json): Node {
  const rows = Array.isArray(data.rows) ? arr(data.rows) : [data];
  const target = num(data.target_percent);
  const w = obj(data.window);
  const title =
    str(data.hostgroup) !== undefined
      ? `Availability of host group ${str(data.hostgroup) ?? ''}`
      : rows.length === 1
        ? `Availability of ${nameOf(rows[0] ?? {})}`
        : 'Availability';
  const when = str(w.since) !== undefined ? `${str(w.since) ?? ''} – ${str(w.until) ?? ''}` : (str(w.timeperiod) ?? '');
  const list = h('ul', { class: 'avail', 'aria-label': 'Objects' });
  for (const r of rows) {
    const name = nameOf(r);
    list.append(
      h('li', { 'data-object': name }, h('span', { class: 'name' }, name), bar(shares(obj(r.percent)), name), verdict(r, target)),
    );
  }
  const below = rows.filter((r) => target !== undefined && (num(r.availability_percent) ?? 101) < target).length;
  const legend = h(
    'ul',
    { class: 'legend', 'aria-label': 'Legend' },
    ...[...SEGMENTS.map((g) => [g.key, g.label]), ['downtime', 'Downtime'], ['nodata', 'No data']].map(([k, l]) =>
      h('li', {}, h('span', { class: `swatch g-${k ?? ''}` }), l ?? ''),
    ),
  );
  return h(
    'main',
    { 'aria-labelledby': 'title' },
    h('h1', { id: 'title' }, title),
    h(
      'p',
      { class: 'summary', 'data-testid': 'summary' },
      `${when}. ${rows.length} object${rows.length === 1 ? '' : 's'}${target !== undefined ? `, target ${fmt(target)}, ${below} below target` : ', no target given'}.${num(data.next_offset) !== undefined ? ' More rows: see the text answer for the next offset.' : ''}`,
    ),
    legend,
    list,
  );
}

startView('availability', renderAvailability);
