/**
 * Build step (`npm run build`, after tsc): writes dist/tools/core/tools-manifest.json, the tools/list
 * entries of every tool as toMcpTool publishes them, so the server answers tools/list without
 * converting zod schemas or importing tool modules at start-up (see tools/core/published.ts).
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { allTools } from '../tools/core/registry.js';
import { buildManifest, MANIFEST_FILE } from '../tools/core/published.js';

const file = fileURLToPath(new URL(`../tools/core/${MANIFEST_FILE}`, import.meta.url));
writeFileSync(file, `${JSON.stringify(buildManifest(allTools()))}\n`);
