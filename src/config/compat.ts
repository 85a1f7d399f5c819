/**
 * The Python thruk-mcp's command-line flags, so that client configurations written for it keep
 * working: `--transport`, `--stateless`, `--json-response` and its upper-case `--log-level`s.
 */

export const COMPAT_FLAG_SPEC = {
  transport: {
    type: 'string',
    doc: 'stdio (default) or streamable-http (HTTP on --listen, default port 8001), as in the Python thruk-mcp. sse is not served.',
  },
  stateless: { type: 'boolean', doc: "Accepted for the Python thruk-mcp's command lines: the HTTP mode is always stateless." },
  'json-response': {
    type: 'boolean',
    doc: "HTTP mode: answer 2026-07-28 requests with one JSON body, never an SSE stream (progress notifications are then dropped); 2025 requests keep the SDK's stateless stream.",
  },
  'header-auth': { type: 'boolean', doc: 'Not supported (it let callers choose the Thruk URL); see MCP_THRUK_AUTH and THRUK_MCP_CONFIG.' },
} as const;

/** The Python server's default HTTP port, used when --transport streamable-http comes without --listen. */
export const PYTHON_DEFAULT_PORT = '8001';

const LOG_LEVELS: Readonly<Record<string, string>> = { warning: 'warn', critical: 'fatal' };

export interface CompatResult {
  /** The --listen value to use (the flag's own, or the Python default for streamable-http), or undefined for stdio. */
  readonly listen: string | undefined;
  readonly responseMode: 'auto' | 'json';
  /** --log-level normalised to pino's names (DEBUG → debug, WARNING → warn). */
  readonly logLevel: string | undefined;
}

export function resolveCompatFlags(flags: Readonly<Record<string, string | boolean | undefined>>, issues: string[]): CompatResult {
  let listen = typeof flags.listen === 'string' ? flags.listen : undefined;
  const transport = typeof flags.transport === 'string' ? flags.transport.toLowerCase() : undefined;
  if (transport === 'stdio') {
    if (listen !== undefined) issues.push('--transport stdio and --listen contradict each other: drop one (--listen alone serves HTTP).');
  } else if (transport === 'streamable-http' || transport === 'http') {
    listen ??= PYTHON_DEFAULT_PORT;
  } else if (transport === 'sse') {
    issues.push(
      '--transport sse: the deprecated SSE transport is not served. Use --transport streamable-http (or --listen PORT); clients connect to http://HOST:PORT/mcp.',
    );
  } else if (transport !== undefined) {
    issues.push(`--transport: expected stdio or streamable-http, got '${String(flags.transport)}'`);
  }
  const jsonResponse = flags['json-response'] === true;
  if ((jsonResponse || flags.stateless === true) && listen === undefined) {
    issues.push(
      `${jsonResponse ? '--json-response' : '--stateless'} applies to the HTTP mode only: add --listen PORT (or --transport streamable-http).`,
    );
  }
  if (flags['header-auth'] === true) {
    issues.push(
      '--header-auth is not supported: it let every caller choose the Thruk URL (SSRF). Use MCP_THRUK_AUTH=caller (each caller sends its own Thruk key) and declare Thruk servers by name in THRUK_MCP_CONFIG; see docs/configuration.md.',
    );
  }
  const level = typeof flags['log-level'] === 'string' ? flags['log-level'].toLowerCase() : undefined;
  return { listen, responseMode: jsonResponse ? 'json' : 'auto', logLevel: level === undefined ? undefined : (LOG_LEVELS[level] ?? level) };
}
