/**
 * Suites that need a program the project cannot install with npm (nginx) look it up here. On a
 * machine without it they skip with one reason naming what to install, so the README's test
 * command passes with only Node and npm; CI (.ci/run) installs the program and sets
 * REQUIRE_SYSTEM_TESTS_ENV, which turns that skip into a failure so the coverage is never lost
 * silently.
 */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

export const REQUIRE_SYSTEM_TESTS_ENV = 'THRUK_MCP_REQUIRE_SYSTEM_TESTS';

/** Only PATH counts: hiding a program from PATH must hide it from the tests too. */
export function onPath(name: string, path = process.env.PATH ?? ''): string | undefined {
  for (const d of path.split(delimiter)) {
    if (d === '') continue;
    try {
      accessSync(join(d, name), constants.X_OK);
      return join(d, name);
    } catch {
      // next directory
    }
  }
  return undefined;
}

export interface SystemBinary {
  /** The program's path, when found. */
  readonly path: string | undefined;
  /** For describe(…, { skip }): the reason to skip, or false to run (found, or required). */
  readonly skip: string | false;
}

export function systemBinary(name: string, install: string, env: NodeJS.ProcessEnv = process.env): SystemBinary {
  const path = onPath(name, env.PATH ?? '');
  if (path !== undefined) return { path, skip: false };
  // Debian keeps daemons in /usr/sbin, which a non-root user's PATH often lacks.
  const elsewhere = ['/usr/sbin', '/usr/local/sbin']
    .map((d) => join(d, name))
    .find((p) => {
      try {
        accessSync(p, constants.X_OK);
        return true;
      } catch {
        return false;
      }
    });
  const hint =
    elsewhere !== undefined
      ? `${name} is at ${elsewhere} but not on PATH: add its directory to PATH`
      : `${name} is not installed: ${install}`;
  if (env[REQUIRE_SYSTEM_TESTS_ENV] === '1') return { path: undefined, skip: false };
  return { path: undefined, skip: `${hint} (set ${REQUIRE_SYSTEM_TESTS_ENV}=1 to make this a failure, as CI does)` };
}

/** The message a required-but-missing program fails with. */
export function missingMessage(name: string, install: string): string {
  return `${name} not found on PATH and ${REQUIRE_SYSTEM_TESTS_ENV}=1: ${install}`;
}
