import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';

const root = fileURLToPath(new URL('../', import.meta.url));
const logModule = new URL('../src/server/log.ts', import.meta.url).href;

/** Runs `body` in a fresh node with the default (asynchronous) stderr logger as `log`. */
function run(body: string): { status: number | null; lines: Array<Record<string, unknown>> } {
  const code = `const { createLogger } = await import(${JSON.stringify(logModule)}); const log = createLogger('info'); ${body}`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
    cwd: root,
    encoding: 'utf8',
    timeout: 60_000,
  });
  const lines = r.stderr
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { status: r.status, lines };
}

/**
 * The logger writes stderr asynchronously (issue 18: a write(2) per line was a tenth of the HTTP
 * throughput). Nothing may be lost for it: every line written before an exit reaches stderr, in order.
 */
describe('asynchronous logging loses no line at exit', () => {
  it('process.exit right after a burst of lines', () => {
    const r = run(`for (let i = 0; i < 2000; i++) log.info({ i }, 'tool call'); process.exit(3);`);
    assert.equal(r.status, 3);
    assert.equal(r.lines.length, 2000);
    assert.deepEqual(
      r.lines.map((l) => l.i),
      Array.from({ length: 2000 }, (_, i) => i),
    );
  });

  it('a fatal error after logging', () => {
    const r = run(`log.error({ step: 'before' }, 'about to fail'); setTimeout(() => { throw new Error('boom'); }, 0);`);
    assert.notEqual(r.status, 0);
    assert.equal(r.lines.at(-1)?.step, 'before');
  });

  it('the event loop running dry (stdio mode when the client goes away)', () => {
    const r = run(`for (let i = 0; i < 500; i++) log.info({ i }, 'line');`);
    assert.equal(r.status, 0);
    assert.equal(r.lines.length, 500);
  });
});
