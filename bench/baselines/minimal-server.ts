/**
 * The baseline: a minimal MCP SDK v2 server with one no-op tool, nothing else. Served the same way
 * as thruk-mcp (stdio with both eras; Streamable HTTP stateless with the per-request factory), so
 * the difference to thruk-mcp is what our own code costs.
 *
 * The bench transpiles this file to plain ESM before running it (no tsx loader in the timings):
 *   node minimal-server.mjs            → stdio
 *   node minimal-server.mjs --listen 0 → HTTP on 127.0.0.1, prints "listening on URL" to stderr
 */
import { createServer } from 'node:http';
import { toNodeHandler, type NodeIncomingMessageLike } from '@modelcontextprotocol/node';
import { createMcpHandler, McpServer } from '@modelcontextprotocol/server';
import { z } from 'zod';

export function minimalServer(): McpServer {
  const server = new McpServer({ name: 'minimal', version: '1.0.0' }, { capabilities: { tools: { listChanged: false } } });
  server.registerTool('noop', { description: 'Does nothing.', inputSchema: z.object({}) }, () => ({
    content: [{ type: 'text', text: 'ok' }],
  }));
  return server;
}

async function main(): Promise<void> {
  const i = process.argv.indexOf('--listen');
  if (i < 0) {
    const { serveStdio } = await import('@modelcontextprotocol/server/stdio');
    serveStdio(minimalServer, { legacy: 'serve' });
    process.stdin.once('end', () => process.exit(0));
    return;
  }
  const handler = createMcpHandler(minimalServer, { legacy: 'stateless' });
  const node = toNodeHandler({ fetch: (req: Request) => handler.fetch(req) });
  const server = createServer((req, res) => {
    node(req as unknown as NodeIncomingMessageLike, res).catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  server.listen(Number(process.argv[i + 1] ?? 0), '127.0.0.1', () => {
    const addr = server.address();
    const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
    process.stderr.write(`listening on http://127.0.0.1:${port}/mcp\n`);
  });
  process.once('SIGTERM', () => process.exit(0));
}

if (process.argv[1]?.endsWith('minimal-server.mjs') === true) void main();
