import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ThrukClient } from '../src/thruk/client.js';
import type { ToolContext } from '../src/tools/core/define.js';
import { bursts } from '../src/tools/triage/log-concurrent.js';
import { attribute, confidence, hostKey, readTopology } from '../src/tools/triage/topology.js';

describe('concurrent failure windows', () => {
  const ev = (time: number, host: string) => ({ time, host });

  it('keeps windows with enough distinct hosts and merges overlapping ones', () => {
    const events = [
      ev(0, 'a'),
      ev(10, 'b'),
      ev(20, 'a'),
      ev(30, 'c'),
      ev(500, 'd'),
      ev(1000, 'x'),
      ev(1010, 'y'),
      ev(1020, 'z'),
      ev(1200, 'w'),
    ];
    const b = bursts(events, 300, 3);
    assert.equal(b.length, 2);
    assert.deepEqual([b[0]!.start, b[0]!.end], [0, 30]);
    assert.deepEqual([...b[0]!.hosts.keys()], ['a', 'b', 'c']);
    assert.equal(b[0]!.hosts.get('a'), 0, 'first failure time of a host');
    assert.deepEqual([b[1]!.start, b[1]!.end], [1000, 1200]);
    assert.deepEqual([...b[1]!.hosts.keys()], ['x', 'y', 'z', 'w']);
  });

  it('one host failing often is never a burst; the edge of the window is inclusive', () => {
    assert.equal(
      bursts(
        Array.from({ length: 50 }, (_, i) => ev(i, 'a')),
        300,
        2,
      ).length,
      0,
    );
    assert.equal(bursts([ev(0, 'a'), ev(300, 'b')], 300, 2).length, 1);
    assert.equal(bursts([ev(0, 'a'), ev(301, 'b')], 300, 2).length, 0);
    assert.deepEqual(bursts([], 300, 2), []);
  });

  it('is linear: 100 000 events in one window', () => {
    const many = Array.from({ length: 100_000 }, (_, i) => ev(Math.floor(i / 1000), `h${i % 500}`));
    const t = Date.now();
    const b = bursts(many, 3600, 3);
    assert.equal(b.length, 1);
    assert.equal(b[0]!.hosts.size, 500);
    assert.ok(Date.now() - t < 2000);
  });
});

describe('root cause attribution', () => {
  const graph: Record<string, string[]> = {
    core: [],
    dist: ['core'],
    acc: ['dist'],
    h1: ['acc'],
    h2: ['acc'],
    h3: ['dist'],
    lone: ['core'],
    loop1: ['loop2'],
    loop2: ['loop1'],
    orphan: ['gone'],
  };
  const parents = (h: string) => graph[h] ?? [];

  it('goes to the topmost DOWN ancestor, through UNREACHABLE and UP hosts', () => {
    const down = new Set(['dist', 'acc']);
    const { clusters, unattributed } = attribute(['dist', 'acc', 'h1', 'h2', 'h3', 'orphan'], (h) => down.has(h), parents);
    assert.deepEqual([...clusters.keys()], ['dist']);
    assert.deepEqual([...clusters.get('dist')!].sort(), ['acc', 'dist', 'h1', 'h2', 'h3']);
    assert.deepEqual(unattributed, ['orphan']);
  });

  it('an isolated DOWN host is its own low-confidence root; parent loops end', () => {
    const down = new Set(['lone', 'loop1', 'loop2']);
    const { clusters } = attribute(['lone', 'loop1', 'loop2'], (h) => down.has(h), parents);
    assert.deepEqual([...clusters.get('lone')!], ['lone']);
    assert.deepEqual([...clusters.get('loop1')!].sort(), ['loop1', 'loop2'], 'a DOWN loop has no top: the first name stands for it');
    assert.deepEqual([confidence(1), confidence(2), confidence(3), confidence(40)], ['low', 'medium', 'high', 'high']);
  });

  it('reads the parent graph with two filtered requests, then the rest by name; loops end; per core keys', async () => {
    // x (DOWN) under b, b under c, c under a, a under b (a loop); d is UP now, had an alert, no children.
    type H = { parents: string[]; childs: string[]; state: number; peer: string };
    const hosts: Record<string, H> = {
      'p1 a': { parents: ['b'], childs: ['c'], state: 0, peer: 'p1' },
      'p1 b': { parents: ['c'], childs: ['a', 'x', 'd'], state: 0, peer: 'p1' },
      'p1 c': { parents: ['a'], childs: ['b'], state: 0, peer: 'p1' },
      'p1 x': { parents: ['b'], childs: [], state: 1, peer: 'p1' },
      'p1 d': { parents: ['b'], childs: [], state: 0, peer: 'p1' },
      'p2 x': { parents: [], childs: [], state: 2, peer: 'p2' },
    };
    const asked: string[] = [];
    const thruk = {
      get: (path: string, opts: { query: Array<[string, string]> }) => {
        assert.equal(path, '/hosts');
        const q = new Map(opts.query);
        assert.equal(q.get('columns'), 'name,parents,groups,state,has_been_checked,last_state_change,peer_key,peer_name');
        const keep = (h: H, name: string): boolean => {
          if (q.has('state[gte]')) return h.state >= Number(q.get('state[gte]'));
          if (q.has('childs[ne]')) return h.childs.length > 0;
          return new RegExp(q.get('name[regex]')!, 'i').test(name);
        };
        asked.push([...q.keys()].filter((k) => k !== 'columns').join(','));
        return Promise.resolve(
          Object.entries(hosts)
            .filter(([k, h]) => keep(h, k.split(' ')[1]!))
            .map(([k, h]) => ({
              name: k.split(' ')[1],
              parents: h.parents,
              groups: [],
              state: h.state,
              has_been_checked: 1,
              last_state_change: 0,
              peer_key: h.peer,
              peer_name: h.peer.toUpperCase(),
            })),
        );
      },
    } as unknown as ThrukClient;
    const ctx = { thruk, signal: new AbortController().signal } as unknown as ToolContext;
    const t = await readTopology(ctx, [hostKey('p1', 'x'), hostKey('p1', 'd'), hostKey('p2', 'x')], true, undefined);
    assert.deepEqual(
      [...t.hosts.keys()].sort(),
      ['p1 a', 'p1 b', 'p1 c', 'p1 d', 'p1 x', 'p2 x'].map((k) => hostKey(k.split(' ')[0]!, k.split(' ')[1]!)).sort(),
    );
    assert.deepEqual(asked, ['state[gte]', 'childs[ne]', 'name[regex]'], 'only d (UP, childless) is read by name');
    assert.equal(t.hosts.get(hostKey('p2', 'x'))?.state, 2, 'the same name on another core is another host');
    assert.equal(t.hosts.get(hostKey('p1', 'x'))?.peerName, 'P1');
    // One core: rows are keyed without their peer.
    const one = await readTopology(ctx, [hostKey('', 'd')], false, undefined);
    assert.equal(one.hosts.get(hostKey('', 'x'))?.state, 2, 'single-core mode merges by name, worse state wins');
  });
});
