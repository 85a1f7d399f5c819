import type { McpServer } from '@modelcontextprotocol/server';
import { serveStdio } from '@modelcontextprotocol/server/stdio';
import type { Logger } from '../server/log.js';

/** stdio serves one person: the factory is pinned for the connection, both protocol eras. */
export function startStdio(factory: () => McpServer, log: Logger): { close(): Promise<void> } {
  return serveStdio(factory, { legacy: 'serve', onerror: (err) => log.warn({ err }, 'stdio transport error') });
}
