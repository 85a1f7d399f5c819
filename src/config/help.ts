import { ENV_SPEC, FLAG_SPEC } from './config.js';
import { HTTP_ENV_SPEC } from './http.js';

export function helpText(): string {
  const flags = Object.entries(FLAG_SPEC).map(([k, v]) => `  --${k}${v.type === 'string' ? ' VALUE' : ''}`.padEnd(38) + v.doc);
  const env = [...Object.entries(ENV_SPEC), ...Object.entries(HTTP_ENV_SPEC)].map(([k, v]) => `  ${k}`.padEnd(38) + v.doc);
  return [
    'thruk-mcp — MCP server for Thruk (Naemon, Nagios, Icinga, Shinken)',
    '',
    'Usage:',
    '  thruk-mcp                      serve MCP over stdio (for Claude Desktop/Code, VS Code, Cursor…)',
    '  thruk-mcp --listen 8080        serve Streamable HTTP on http://127.0.0.1:8080/mcp',
    '  thruk-mcp --demo               use the built-in simulated Thruk estate (no Thruk needed)',
    '  thruk-mcp doctor               check the configuration, Thruk, the key and the backends',
    '  thruk-mcp tools [--json]       list the tools (toolset, access, whether offered)',
    "  thruk-mcp call TOOL k=v …      run one tool and print its answer (--json '{…}' for JSON in and out)",
    '  thruk-mcp brief [k=v …]        the shift brief; exit 0 when nothing is unhandled, 1 otherwise, 2 on a config error',
    "  thruk-mcp call TOOL --help     that tool's arguments (types, defaults) and an example",
    '',
    'Flags may stand before or after the command (thruk-mcp --demo call thruk_totals).',
    'The commands log JSON lines on stderr only when LOG_LEVEL or --log-level is given.',
    '',
    'Options:',
    ...flags,
    '',
    'Environment:',
    ...env,
    '',
  ].join('\n');
}
