import type { Config } from '../../src/config/config.js';
import { createLogger } from '../../src/server/log.js';
import type { ThrukClient } from '../../src/thruk/client.js';
import { NO_INTERACTION, type ToolContext } from '../../src/tools/core/define.js';

/** A ToolContext for calling tool internals directly (no MCP in between). */
export function toolContext(thruk: ThrukClient, config: Config, over: Partial<ToolContext> = {}): ToolContext {
  return {
    thruk,
    config,
    log: createLogger('silent'),
    signal: new AbortController().signal,
    now: () => Date.now(),
    progress: () => Promise.resolve(),
    interaction: NO_INTERACTION,
    audit: () => undefined,
    ...over,
  };
}
