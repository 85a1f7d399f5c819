#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { loadConfig, processEnv, type Config } from './config.js';
import { helpText } from './help.js';
import { createLogger, type Logger } from './log.js';
import { createRuntime } from './runtime.js';
import { createServerFactory } from './server.js';
import { fetchHandlerSend, type HttpSend } from './thruk/client.js';
import { unknownToolsets } from './tools/registry.js';

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** The simulator is only loaded on the demo path (dynamic import keeps it out of normal start-up). */
async function demoSend(config: Config, log: Logger): Promise<HttpSend> {
  const { createSimulator } = await import('./sim/index.js');
  const sim = createSimulator({ hosts: config.demoHosts, apiKey: config.thruk.apiKey });
  log.warn({ hosts: config.demoHosts }, 'DEMO MODE: serving a simulated Thruk estate, not a real one');
  return fetchHandlerSend((req) => sim.fetch(req));
}

async function main(): Promise<void> {
  const result = loadConfig(process.argv.slice(2), processEnv());
  if (!result.ok) {
    process.stderr.write(`thruk-mcp: configuration problems:\n${result.issues.map((i) => `  - ${i}`).join('\n')}\n`);
    process.exit(2);
  }
  if (result.action === 'help') {
    process.stdout.write(helpText());
    return;
  }
  if (result.action === 'version') {
    process.stdout.write(`${version()}\n`);
    return;
  }
  if (result.action !== 'serve') return;
  const { config } = result;
  const log = createLogger(config.logLevel);
  const badSets = unknownToolsets(config);
  if (badSets.length > 0) log.warn({ toolsets: badSets }, 'unknown toolsets ignored');
  if (!config.thruk.verifySsl) log.warn('THRUK_VERIFY_SSL=false: Thruk\'s TLS certificate is not verified');

  const send = config.demo ? await demoSend(config, log) : undefined;
  const runtime = createRuntime(config, log, send);
  const factory = createServerFactory({ config, thruk: runtime.thruk, log, version: version() });

  const stops: Array<() => Promise<void>> = [];
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    const deadline = setTimeout(() => process.exit(0), 10_000);
    deadline.unref();
    void (async () => {
      for (const s of stops) await s().catch(() => undefined);
      process.exit(0);
    })();
  };
  if (config.mode === 'stdio') {
    const { startStdio } = await import('./transports/stdio.js');
    const h = startStdio(factory, log);
    stops.push(() => h.close());
    // The client closing our stdin ends the session: exit instead of lingering on open sockets.
    process.stdin.once('end', () => stop('stdin closed'));
    log.info({ readOnly: config.readOnly, demo: config.demo }, 'serving MCP over stdio');
    if (process.stdin.isTTY) {
      process.stderr.write('thruk-mcp is speaking MCP on stdin/stdout: connect an MCP client to it, or try --listen 8080 for HTTP. Ctrl-C stops it.\n');
    }
  } else {
    const { createHttpApp, defaultAllowedHosts, startHttp } = await import('./transports/http.js');
    const app = createHttpApp(factory, { token: config.http.token, allowedHosts: defaultAllowedHosts(config.http.host, config.http.allowedHosts) }, log);
    const h = await startHttp(app, config, log);
    stops.push(() => h.close());
    process.stderr.write(`thruk-mcp listening on ${h.url}${config.demo ? ' (demo estate)' : ''}\n`);
  }
  stops.push(() => runtime.close());

  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
  process.stderr.write(`thruk-mcp: failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
