/**
 * Records Thruk responses as fixtures in the shape of test/fixtures/thruk/index.json, scrubbed of
 * the API key and of the machine's paths:
 *
 *   node --import tsx test/real/capture.ts DIR NAME 'GET /thruk/r/…' 'note' [SCRUB_PATH]...
 *
 * Reads THRUK_E2E_URL / THRUK_E2E_KEY. Appends (or replaces) the entry NAME in DIR/index.json.
 * Each SCRUB_PATH (e.g. the stack's state directory) is replaced by <STACK_DIR> everywhere.
 * GET only: a capture never changes anything.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

async function main(): Promise<void> {
  const [dir, name, request, note, ...scrub] = process.argv.slice(2);
  const url = process.env.THRUK_E2E_URL ?? '';
  const key = process.env.THRUK_E2E_KEY ?? '';
  if (dir === undefined || name === undefined || request === undefined || note === undefined || url === '' || key === '') {
    throw new Error('usage: capture.ts DIR NAME "GET /thruk/r/..." NOTE [SCRUB_PATH]... (with THRUK_E2E_URL and THRUK_E2E_KEY set)');
  }
  const m = /^GET (\/\S+)$/.exec(request);
  if (m === null) throw new Error('only "GET /path?query" requests are captured');
  const origin = new URL(url).origin;
  const target = new URL(`${origin}${m[1]}`);
  const t0 = performance.now();
  const res = await fetch(target, { headers: { 'X-Thruk-Auth-Key': key } });
  const body = await res.text();
  const elapsed = Math.round((performance.now() - t0) * 10) / 10;
  const clean = (s: string) => scrub.reduce((acc, p) => acc.split(p).join('<STACK_DIR>'), s.split(key).join('<superuser api key>'));
  let parsed: unknown;
  try {
    parsed = JSON.parse(clean(body));
  } catch {
    parsed = clean(body);
  }
  const file = `${name}.json`;
  writeFileSync(join(dir, file), `${JSON.stringify(parsed, null, 3)}\n`);
  const indexPath = join(dir, 'index.json');
  const index = existsSync(indexPath)
    ? (JSON.parse(readFileSync(indexPath, 'utf8')) as { files: Array<Record<string, unknown>> } & Record<string, unknown>)
    : { files: [] };
  const headers: Record<string, string> = {};
  res.headers.forEach((v, k) => {
    if (k !== 'date' && k !== 'set-cookie') headers[k] = v;
  });
  const entry = {
    file,
    method: 'GET',
    path: target.pathname,
    query: Object.fromEntries(target.searchParams),
    raw_query_string: target.search.replace(/^\?/, ''),
    request_headers: { 'X-Thruk-Auth-Key': '<superuser api key>' },
    request_body: null,
    status: res.status,
    response_headers: headers,
    elapsed_ms: elapsed,
    captured_at: Math.floor(Date.now() / 1000),
    note,
  };
  index.files = [...index.files.filter((f) => f.file !== file), entry];
  writeFileSync(indexPath, `${JSON.stringify(index, null, 2)}\n`);
  process.stdout.write(`${file}: ${res.status}, ${body.length} bytes\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`capture: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
