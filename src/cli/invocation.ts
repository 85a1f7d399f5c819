/**
 * The command line's shape: `thruk-mcp [flags] [tools|call TOOL k=v…|doctor|brief k=v…] [flags]`. Flags may
 * come before or after the subcommand; anything else positional gets a precise message instead of
 * parseArgs' "Unexpected argument".
 */
import { FLAG_SPEC } from '../config/config.js';
import { closest } from '../tools/lib/closest.js';

export const SUBCOMMANDS = ['tools', 'call', 'doctor', 'brief'] as const;
export type Subcommand = (typeof SUBCOMMANDS)[number];

export interface Invocation {
  readonly command: 'serve' | Subcommand;
  /** Everything for loadConfig: the server flags, wherever they stood. */
  readonly argv: string[];
  readonly tool?: string;
  readonly pairs: string[];
  readonly jsonArgs?: string;
  readonly jsonOut: boolean;
  /** `call TOOL --help`: the tool's arguments instead of a call. */
  readonly help: boolean;
  /** LOG_LEVEL or --log-level was given: the subcommands then log at that level, not quietly. */
  readonly logLevelGiven: boolean;
}

const CALL_USAGE = "usage: thruk-mcp call TOOL [key=value …] [--json '{…}'] (thruk-mcp call TOOL --help lists its arguments)";

function takesValue(flag: string): boolean {
  const spec = (FLAG_SPEC as Record<string, { type: string } | undefined>)[flag];
  return spec?.type === 'string';
}

/** Splits the command line; a string is the message for a command line that cannot be right. */
export function parseInvocation(all: readonly string[], env: Readonly<Record<string, string | undefined>> = {}): Invocation | string {
  let command: Invocation['command'] | undefined;
  const argv: string[] = [];
  const pairs: string[] = [];
  let tool: string | undefined;
  let jsonArgs: string | undefined;
  let json = false;
  let help = false;
  let logLevelGiven = env.LOG_LEVEL !== undefined && env.LOG_LEVEL !== '';
  for (let i = 0; i < all.length; i++) {
    const a = all[i] as string;
    if (a === '--json') {
      const next = all[i + 1];
      if (next !== undefined && next.trim().startsWith('{')) {
        jsonArgs = next;
        i++;
      }
      json = true;
    } else if (a.startsWith('--')) {
      const name = a.slice(2).split('=')[0] ?? '';
      if (name === 'log-level') logLevelGiven = true;
      if (name === 'help' && command === 'call' && tool !== undefined) {
        help = true;
        continue;
      }
      argv.push(a);
      const next = all[i + 1];
      if (takesValue(name) && !a.includes('=') && next !== undefined) {
        argv.push(next);
        i++;
      }
    } else if (a.startsWith('-') && a.length > 1) {
      if (a === '-h' && command === 'call' && tool !== undefined) help = true;
      else argv.push(a);
    } else if (command === undefined) {
      if (a === 'help') argv.push('--help');
      else if ((SUBCOMMANDS as readonly string[]).includes(a)) command = a as Subcommand;
      else {
        const near = closest(a, SUBCOMMANDS, 1)[0];
        return `unknown command '${a}'${near !== undefined ? `; did you mean '${near}'?` : ''} Commands: ${SUBCOMMANDS.join(', ')} (none: serve MCP). Run thruk-mcp --help.`;
      }
    } else if (command === 'call' && tool === undefined) tool = a;
    else if ((command === 'call' || command === 'brief') && a.includes('=')) pairs.push(a);
    else if (command === 'call') return `expected key=value after the tool name, got '${a}'. ${CALL_USAGE}`;
    else return `'${command}' takes no argument, got '${a}'. Run thruk-mcp --help.`;
  }
  const cmd = command ?? 'serve';
  if (cmd === 'call' && tool === undefined && !argv.includes('--help') && !argv.includes('-h')) return CALL_USAGE;
  if (jsonArgs !== undefined && cmd !== 'call') return `--json '{…}' passes a tool's arguments: only with call. ${CALL_USAGE}`;
  // --json is an option of the subcommands only; the server itself has none.
  if (json && cmd === 'serve') argv.push('--json');
  return {
    command: cmd,
    argv,
    pairs,
    jsonOut: json && cmd !== 'serve',
    help,
    logLevelGiven,
    ...(tool !== undefined ? { tool } : {}),
    ...(jsonArgs !== undefined ? { jsonArgs } : {}),
  };
}
