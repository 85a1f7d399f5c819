/**
 * The Claude Desktop bundle, always named thruk-mcp.mcpb whatever the checkout folder is called,
 * and holding only what the server needs at run time: manifest.json, package.json, LICENSE,
 * README.md, dist/ (no source maps) and the production dependencies. It is packed from a staging
 * folder, so nothing else in the checkout (Dockerfile, compose.yml, deploy/, src/, tests, dev
 * dependencies) can slip in.
 *
 *   npm run bundle [-- --out DIR]      (builds first; writes DIR/thruk-mcp.mcpb, default: the checkout)
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

/** Pinned like the e2e tools, so a bundle is packed the same way on every machine. */
export const MCPB_PACKAGE = '@anthropic-ai/mcpb@2.1.2';
export const BUNDLE_NAME = 'thruk-mcp.mcpb';
/** What the staging folder takes from the checkout (dist/ without its .map files). */
export const BUNDLE_FILES = ['manifest.json', 'package.json', 'package-lock.json', 'LICENSE', 'README.md', 'dist'] as const;

const root = fileURLToPath(new URL('../', import.meta.url));

function run(cmd: string, args: readonly string[], cwd: string): void {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 300_000 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status ?? r.signal}):\n${r.stdout}${r.stderr}`);
}

export function packBundle(outDir: string, opts: { build?: boolean } = {}): string {
  if (opts.build !== false || !existsSync(join(root, 'dist', 'cli.js'))) run('npm', ['run', 'build', '--silent'], root);
  const stage = mkdtempSync(join(tmpdir(), 'thruk-mcp-bundle-'));
  try {
    for (const f of BUNDLE_FILES) cpSync(join(root, f), join(stage, f), { recursive: true, filter: (src) => !src.endsWith('.map') });
    // Production dependencies only, from the lock file; no lifecycle scripts run.
    run('npm', ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline'], stage);
    rmSync(join(stage, 'package-lock.json'));
    const out = join(resolve(outDir), BUNDLE_NAME);
    rmSync(out, { force: true });
    run('npx', ['-y', MCPB_PACKAGE, 'pack', stage, out], stage);
    return out;
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { out: { type: 'string' }, 'no-build': { type: 'boolean' } } });
  const file = packBundle(values.out ?? root, { build: values['no-build'] !== true });
  process.stderr.write(`wrote ${file}\n`);
}
