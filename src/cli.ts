#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { loadConfig, processEnv, type Config, type InstanceSettings } from './config/config.js';
import { helpText } from './config/help.js';
import { parseInvocation } from './cli/invocation.js';
import { createLogger, type Logger } from './server/log.js';
import { createRuntime, readinessProbe } from './server/runtime.js';
import { createServerFactory } from './server/server.js';
import { fetchHandlerSend, type HttpSend, type ThrukRequestInfo } from './thruk/client.js';
import { defaultToolSource } from './tools/core/published.js';
import { selectionIssues } from './tools/core/selection.js';

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/**
 * The simulator is only loaded on the demo path, and only with the first Thruk request (dynamic
 * import): building an estate is not needed to answer initialize or tools/list. Each configured
 * instance gets its own simulated estate (a different seed per instance), built on its first request:
 * two cores behind one Thruk, an Icinga 2 and a Naemon one (demoSimulatorOptions).
 */
function demoSend(config: Config, log: Logger): (instance: InstanceSettings) => HttpSend {
  log.warn({ hosts: config.demoHosts, instances: config.instances.length }, 'DEMO MODE: serving a simulated Thruk estate, not a real one');
  return (instance) => {
    let sim: Promise<HttpSend> | undefined;
    const load = async () => {
      const { createSimulator, demoSimulatorOptions } = await import('./sim/index.js');
      const seed = config.instances.findIndex((i) => i.name === instance.name) + 1;
      const s = createSimulator(demoSimulatorOptions({ hosts: config.demoHosts, apiKey: instance.apiKey, seed: Math.max(1, seed) }));
      return fetchHandlerSend((req) => s.fetch(req));
    };
    return async (req) => (await (sim ??= load()))(req);
  };
}

async function main(): Promise<void> {
  const inv = parseInvocation(process.argv.slice(2), processEnv());
  if (typeof inv === 'string') {
    process.stderr.write(`thruk-mcp: ${inv}\n`);
    process.exit(2);
  }
  // The tool name and `call TOOL --help` need no configuration: answer them before checking it.
  const callArgs = inv.command === 'call' && inv.tool !== undefined ? await import('./cli/call-args.js') : undefined;
  const callDef =
    callArgs !== undefined ? (await import('./tools/core/registry.js')).allTools().find((t) => t.name === inv.tool) : undefined;
  if (callArgs !== undefined && callDef === undefined) {
    process.stderr.write(
      `thruk-mcp: ${callArgs.unknownToolMessage(
        inv.tool ?? '',
        (await import('./tools/core/registry.js')).allTools().map((t) => t.name),
      )}\n`,
    );
    process.exit(2);
  }
  if (inv.help && callArgs !== undefined && callDef !== undefined) {
    process.stdout.write(callArgs.toolHelp(callDef));
    return;
  }
  const result = loadConfig(inv.argv, processEnv(), { requireThruk: inv.command !== 'tools' });
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
  // A selection that offers nothing, an unknown toolset, a pattern matching no tool: a
  // configuration error like any other, every problem listed (doctor included).
  const selection = selectionIssues((await defaultToolSource()).metas, config);
  if (selection.length > 0) {
    process.stderr.write(`thruk-mcp: configuration problems:\n${selection.map((i) => `  - ${i}`).join('\n')}\n`);
    process.exit(2);
  }
  const io = { out: (t: string) => void process.stdout.write(t), err: (t: string) => void process.stderr.write(t) };
  // The subcommands load every tool module up front; serving loads tool code on the first call.
  if (inv.command === 'tools') process.exit((await import('./cli/subcommands.js')).toolsCommand(config, inv.jsonOut, io));
  // The subcommands print for a person: JSON log lines only when LOG_LEVEL or --log-level asks.
  const quiet = inv.command !== 'serve' && !inv.logLevelGiven;
  const log = createLogger(quiet ? 'error' : config.logLevel);
  if (quiet && config.demo) process.stderr.write('thruk-mcp: DEMO MODE: answers come from a simulated Thruk estate, not a real one\n');
  // A call abandoned by its client can leave a rejected promise behind inside the SDK; one caller's
  // hang-up must never take the server down for everyone else.
  process.on('unhandledRejection', (reason) => {
    log.warn(
      { err: reason instanceof Error ? { name: reason.name, message: reason.message } : String(reason) },
      'ignored an unhandled rejection',
    );
  });
  if (!config.thruk.verifySsl) log.warn("THRUK_VERIFY_SSL=false: Thruk's TLS certificate is not verified");

  const sendFor = config.demo ? demoSend(config, log) : undefined;
  const metrics = config.mode === 'http' && inv.command === 'serve' ? (await import('./transports/metrics.js')).createMetrics() : undefined;
  const runtime = createRuntime(config, log, undefined, {
    ...(sendFor !== undefined ? { sendFor } : {}),
    ...(metrics !== undefined ? { onThrukRequest: (i: ThrukRequestInfo) => metrics.thrukRequest(i) } : {}),
  });
  // A subcommand's key=value arguments, with the MCP tools' `instance` argument: only a configured name picks the Thruk.
  const pickArgs = (parse: () => Record<string, unknown>) => {
    let args: Record<string, unknown>;
    try {
      args = parse();
    } catch (err) {
      process.stderr.write(`thruk-mcp: bad arguments: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(2);
    }
    const { instance, ...rest } = args;
    const picked =
      instance === undefined
        ? runtime.instances.get(runtime.defaultInstance)
        : typeof instance === 'string'
          ? runtime.instances.get(instance)
          : undefined;
    if (picked === undefined) {
      process.stderr.write(
        `thruk-mcp: unknown instance ${JSON.stringify(instance)}; configured: ${[...runtime.instances.keys()].join(', ')}\n`,
      );
      process.exit(2);
    }
    return { picked, rest };
  };
  if (inv.command === 'brief') {
    const { parseKeyValues } = await import('./cli/subcommands.js');
    const { picked, rest } = pickArgs(() => parseKeyValues(inv.pairs));
    const code = await (
      await import('./cli/brief.js')
    ).briefCommand({ config: { ...config, thruk: picked.settings }, thruk: picked.thruk, log }, rest, inv.jsonOut, io);
    await runtime.close();
    process.exit(code);
  }
  if (inv.command === 'doctor' || inv.command === 'call') {
    const { callCommand, doctorInstances, parseKeyValues } = await import('./cli/subcommands.js');
    let code: number;
    if (inv.command === 'doctor') code = await doctorInstances(config, runtime.instances, io);
    else {
      const { picked, rest } = pickArgs(() => ({
        ...(inv.jsonArgs !== undefined ? (JSON.parse(inv.jsonArgs) as Record<string, unknown>) : {}),
        ...(callDef !== undefined && callArgs !== undefined ? callArgs.typedArgs(inv.pairs, callDef) : parseKeyValues(inv.pairs)),
      }));
      code = await callCommand(
        { config: { ...config, thruk: picked.settings }, thruk: picked.thruk, log },
        inv.tool ?? '',
        rest,
        inv.jsonOut,
        io,
      );
    }
    await runtime.close();
    process.exit(code);
  }
  const tools = await defaultToolSource();
  const factory = createServerFactory({
    config,
    thruk: runtime.thruk,
    instances: runtime.instances,
    log,
    version: version(),
    tools,
    ...(metrics !== undefined ? { onToolCall: (t: string) => metrics.startToolCall(t) } : {}),
  });

  const stops: Array<() => Promise<void>> = [];
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    // A safety net behind the HTTP drain deadline: never hang on a stuck close.
    const deadline = setTimeout(() => process.exit(0), config.http.ops.shutdownTimeoutMs + 5_000);
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
      process.stderr.write(
        'thruk-mcp is speaking MCP on stdin/stdout: connect an MCP client to it, or try --listen 8080 for HTTP. Ctrl-C stops it.\n',
      );
    }
  } else {
    const { createHttpApp, createOpsApp, defaultAllowedHosts, startHttp } = await import('./transports/http.js');
    const { createAuthenticator } = await import('./transports/auth.js');
    const { createReadiness } = await import('./transports/readiness.js');
    const readiness = createReadiness(readinessProbe(runtime));
    const metricsPort = config.http.auth.metricsPort;
    const auth = createAuthenticator(config.http.auth, log, { thruk: runtime.thruk });
    const { httpStartup } = await import('./transports/startup.js');
    const start = httpStartup(config, log);
    if (typeof start === 'string') {
      process.stderr.write(`thruk-mcp: configuration problems:\n  - ${start}\n`);
      process.exit(2);
    }
    const ops = { metrics, readiness, serveMetrics: metricsPort === undefined };
    const limits = {
      rateLimit: config.http.ops.rateLimit,
      maxBodyBytes: config.http.ops.maxBodyBytes,
      trustProxy: config.http.ops.trustProxy,
    };
    const app = createHttpApp(
      factory,
      {
        token: undefined,
        allowedHosts: defaultAllowedHosts(config.http.host, config.http.allowedHosts),
        auth,
        responseMode: config.http.responseMode,
        ...ops,
        ...limits,
      },
      log,
    );
    const h = await startHttp(app, config, log, config.http.port, '/mcp', {
      tls: start.tls,
      ...(metrics !== undefined ? { onInFlight: (n: number) => metrics.httpInFlight(n) } : {}),
    });
    const opsApp = metricsPort !== undefined ? createOpsApp(ops) : undefined;
    const m = opsApp !== undefined ? await startHttp(opsApp, config, log, metricsPort, '/metrics') : undefined;
    // In-flight calls finish first (readyz 503 meanwhile, on the ops port too), then everything closes.
    stops.push(async () => {
      opsApp?.drain();
      const cut = await h.shutdown(config.http.ops.shutdownTimeoutMs);
      if (cut > 0)
        log.warn({ cut, timeoutS: config.http.ops.shutdownTimeoutMs / 1000 }, 'shutdown deadline reached: in-flight requests cut off');
      else log.info('in-flight requests finished');
      await m?.close();
    });
    if (m !== undefined) process.stderr.write(`thruk-mcp metrics on ${m.url}\n`);
    log.info(
      {
        staticTokens: config.http.auth.tokens.length,
        oauth: config.http.auth.oauth !== undefined,
        thrukAuth: config.http.auth.thrukAuth ?? 'service',
        instances: [...runtime.instances.keys()],
      },
      'HTTP authentication',
    );
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
