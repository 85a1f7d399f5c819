/** Transpiles bench/baselines/minimal-server.ts to plain ESM in a scratch directory (no tsx in the timings). */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { ROOT, scratchDir } from './util.js';

export interface MinimalBuild {
  readonly file: string;
  remove(): void;
}

export function buildMinimal(): MinimalBuild {
  const source = readFileSync(join(ROOT, 'bench', 'baselines', 'minimal-server.ts'), 'utf8');
  const out = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true },
  });
  const scratch = scratchDir();
  const file = join(scratch.dir, 'minimal-server.mjs');
  writeFileSync(file, out.outputText);
  return { file, remove: () => scratch.remove() };
}
