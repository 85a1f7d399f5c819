/**
 * `thruk-mcp brief`: the shift brief on the command line, for a terminal, cron or a status bar.
 * Exit 0 when nothing is unhandled, 1 otherwise (problems, or Thruk could not be asked), 2 on a
 * configuration or argument error (the CLI's own convention). Same tool code as MCP.
 */
import type { Config } from '../config/config.js';
import type { Logger } from '../server/log.js';
import type { ThrukClient } from '../thruk/client.js';
import { callTool } from '../tools/core/adapter.js';
import { NO_INTERACTION, type ToolContext } from '../tools/core/define.js';
import { brief } from '../tools/triage/brief.js';

export interface BriefIo {
  out(s: string): void;
  err(s: string): void;
}

export async function briefCommand(
  deps: { config: Config; thruk: ThrukClient; log: Logger },
  args: Record<string, unknown>,
  json: boolean,
  io: BriefIo,
): Promise<number> {
  const unknown = Object.keys(args).filter((k) => !(k in brief.input.shape));
  if (unknown.length > 0) {
    io.err(
      `thruk-mcp brief: unknown argument${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} (valid: ${Object.keys(brief.input.shape).join(', ')})\n`,
    );
    return 2;
  }
  const ctx: ToolContext = {
    thruk: deps.thruk,
    config: deps.config,
    signal: new AbortController().signal,
    log: deps.log,
    now: Date.now,
    progress: () => Promise.resolve(),
    interaction: NO_INTERACTION,
    audit: () => undefined,
  };
  const res = await callTool(brief, args, { ctx, audit: undefined });
  const text = res.content.map((c) => c.text).join('\n');
  if (res.isError === true) {
    io.err(`thruk-mcp brief: ${text}\n`);
    // Bad arguments are the caller's to fix (2); anything else means the brief could not be made.
    return text.startsWith('Invalid arguments') ? 2 : 1;
  }
  io.out(json ? `${JSON.stringify(res.structuredContent)}\n` : `${text}\n`);
  const unhandled = (res.structuredContent as { unhandled?: { total?: number } } | undefined)?.unhandled?.total ?? 0;
  return unhandled > 0 ? 1 : 0;
}
