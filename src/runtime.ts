import type { Config } from './config.js';
import type { Logger } from './log.js';
import { ThrukClient, undiciSend, type HttpSend, type ThrukRequestInfo } from './thruk/client.js';

export interface Runtime {
  readonly thruk: ThrukClient;
  close(): Promise<void>;
}

/**
 * One Thruk client per process: connection pool, cache and coalescing are shared by every MCP
 * request (the per-request server factory stays cheap). `send` replaces the network (demo, tests).
 */
export function createRuntime(config: Config, log: Logger, send?: HttpSend, hooks: { onThrukRequest?: (info: ThrukRequestInfo) => void } = {}): Runtime {
  let closeSend: () => Promise<void> = () => Promise.resolve();
  let transport = send;
  if (transport === undefined) {
    const u = undiciSend({
      timeoutMs: config.thruk.timeoutMs,
      ...(config.thruk.caFile !== undefined ? { caFile: config.thruk.caFile } : {}),
      insecure: !config.thruk.verifySsl,
      proxy: config.proxy,
    });
    transport = u.send;
    closeSend = () => u.close();
  }
  const thruk = new ThrukClient({
    baseUrl: config.thruk.baseUrl,
    apiKey: config.thruk.apiKey,
    ...(config.thruk.authUser !== undefined ? { authUser: config.thruk.authUser } : {}),
    send: transport,
    timeoutMs: config.thruk.timeoutMs,
    maxConcurrent: config.thruk.maxConcurrent,
    cacheTtlMs: config.thruk.cacheTtlMs,
    defaultBackends: [...config.thruk.defaultBackends],
    onRequest: (info) => {
      log.debug({ thruk: info }, 'thruk request');
      hooks.onThrukRequest?.(info);
    },
  });
  return { thruk, close: closeSend };
}
