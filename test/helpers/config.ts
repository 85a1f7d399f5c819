import { loadConfig, type Config } from '../../src/config.js';

export function demoConfig(overrides: Partial<Config> = {}, env: Record<string, string> = {}): Config {
  const r = loadConfig(['--demo'], env);
  if (!r.ok || r.action !== 'serve') throw new Error(`bad test config: ${JSON.stringify(r)}`);
  return { ...r.config, ...overrides };
}
