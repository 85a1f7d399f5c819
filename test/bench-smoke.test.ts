import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

const root = fileURLToPath(new URL('../', import.meta.url));

/** Every row of issue 7's table, by the id bench/run.ts gives it. */
const EXPECTED: ReadonlyArray<{ id: string; baseline?: boolean; target?: boolean }> = [
  { id: 'cold.noop' },
  { id: 'cold.minimal', baseline: true },
  { id: 'cold.demo', baseline: true, target: true },
  { id: 'call.direct' },
  { id: 'call.inproc', baseline: true, target: true },
  { id: 'call.stdio', baseline: true, target: true },
  { id: 'http.minimal' },
  { id: 'http.ours', baseline: true, target: true },
  { id: 'mem.idle', target: true },
  { id: 'mem.growth', target: true },
  { id: 'tokens.list_hosts', baseline: true, target: true },
  { id: 'tokens.problems', baseline: true, target: true },
  { id: 'tokens.get_host', baseline: true, target: true },
  { id: 'tokens.list_logs', baseline: true, target: true },
  { id: 'catalog.default', target: true },
  { id: 'catalog.total', target: true },
  { id: 'catalog.state' },
  { id: 'scale.thruk_problems', baseline: true, target: true },
  { id: 'scale.thruk_stats', baseline: true, target: true },
  { id: 'scale.thruk_totals', baseline: true, target: true },
  { id: 'scale.peak_rss', target: true },
  { id: 'scale.thruk_root_cause', target: true },
  { id: 'scale.thruk_root_cause_rss', target: true },
  { id: 'far.thruk_problems', baseline: true, target: true },
  { id: 'far.thruk_list_logs', baseline: true, target: true },
  { id: 'far.wall.thruk_get_host', baseline: true, target: true },
  { id: 'far.thruk_brief', target: true },
];

interface Row {
  id: string;
  value: number | null;
  baseline?: { value: number | null };
  target?: string;
  met?: boolean;
  note?: string;
}

// A benchmark, not a timed test: the only limits are generous safety nets against a hang.
test('npm run bench:smoke produces every row of the benchmark table', { timeout: 600_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bench-smoke-'));
  const json = join(dir, 'rows.json');
  try {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/run.ts', '--smoke', '--json', json], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out = (out + String(d)).slice(-20_000);
    });
    child.stderr.on('data', (d: Buffer) => {
      out = (out + String(d)).slice(-20_000);
    });
    const killer = setTimeout(() => child.kill('SIGKILL'), 540_000);
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    clearTimeout(killer);
    assert.equal(code, 0, `bench --smoke failed:\n${out}`);
    const { rows } = JSON.parse(readFileSync(json, 'utf8')) as { rows: Row[] };
    assert.deepEqual(
      rows.filter((r) => r.id.endsWith('.error')).map((r) => `${r.id}: ${r.note ?? ''}`),
      [],
    );
    for (const e of EXPECTED) {
      const row = rows.find((r) => r.id === e.id);
      assert.ok(row !== undefined, `row ${e.id} missing; got ${rows.map((r) => r.id).join(', ')}`);
      if (row.note?.startsWith('skipped') === true) continue;
      assert.equal(typeof row.value, 'number', `${e.id} has no value: ${JSON.stringify(row)}`);
      assert.ok(Number.isFinite(row.value), `${e.id} value is not finite: ${JSON.stringify(row)}`);
      if (e.baseline === true) assert.equal(typeof row.baseline?.value, 'number', `${e.id} has no baseline: ${JSON.stringify(row)}`);
      if (e.target === true) {
        assert.equal(typeof row.target, 'string', `${e.id} has no target`);
        assert.equal(typeof row.met, 'boolean', `${e.id} does not say met / not met`);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
