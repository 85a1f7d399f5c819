import { readFileSync } from 'node:fs';
import { isLoopback, type Config } from '../config/config.js';
import type { Logger } from '../server/log.js';

export interface HttpStartup {
  readonly tls: { readonly cert: Buffer; readonly key: Buffer } | undefined;
}

/**
 * The start-up half of the TLS policy (the config already refused plain HTTP off loopback):
 * reads the native TLS files and says, once, how the transport is protected. A string is a
 * configuration problem (exit 2), worded without the key's content.
 */
export function httpStartup(config: Config, log: Logger, read: (file: string) => Buffer = readFileSync): HttpStartup | string {
  const ops = config.http.ops;
  let tls: HttpStartup['tls'];
  if (ops.tls !== undefined) {
    try {
      tls = { cert: read(ops.tls.certFile), key: read(ops.tls.keyFile) };
    } catch (err) {
      const code = (err as { code?: string }).code ?? 'unreadable';
      return `MCP_TLS_CERT/MCP_TLS_KEY: cannot read the certificate or key file (${code}); check the paths and the file permissions.`;
    }
  }
  const host = config.http.host;
  if (tls !== undefined) log.info({ host }, 'serving HTTPS natively (MCP_TLS_CERT)');
  else if (ops.trustProxy !== undefined)
    log.info({ trustProxy: ops.trustProxy }, 'plain HTTP behind a trusted TLS proxy: /mcp requires X-Forwarded-Proto: https from it');
  else if (!isLoopback(host))
    log.warn({ host }, 'MCP_ALLOW_INSECURE_HTTP=true: serving plain HTTP off loopback; bearer tokens cross the network in clear text');
  if (ops.rateLimit === undefined) log.warn('MCP_RATE_LIMIT=off: no per-caller rate limit on /mcp');
  return { tls };
}
