import { loadConfig, type Config } from '../../src/config/config.js';

/**
 * Tests see every tool unless they choose (the default selection has its own tests): env
 * THRUK_TOOLSETS / THRUK_ENABLED_TOOLS or overrides.toolsets change that.
 */
export function demoConfig(overrides: Partial<Config> = {}, env: Record<string, string> = {}): Config {
  const choosing = env.THRUK_TOOLSETS !== undefined || env.THRUK_ENABLED_TOOLS !== undefined;
  const r = loadConfig(['--demo'], choosing ? env : { ...env, THRUK_TOOLSETS: 'all' });
  if (!r.ok || r.action !== 'serve') throw new Error(`bad test config: ${JSON.stringify(r)}`);
  return { ...r.config, ...overrides };
}
