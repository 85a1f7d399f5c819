/**
 * What a write tool is about to do, as data: the targets (each pinned to its backend) and the
 * Thruk commands for them. Previews, confirmation, caps, execution and audit all read this.
 */
import { ToolInputError } from '../core/define.js';

export type TargetKind = 'host' | 'service' | 'hostgroup' | 'servicegroup' | 'system';

export interface CommandTarget {
  readonly kind: TargetKind;
  /** How to name the target in previews and results when the command's object is not it (e.g. "#12 web-01/http" for a system delete). */
  readonly label?: string;
  readonly host?: string;
  readonly service?: string;
  readonly group?: string;
  /** peer_name of the backend that has the object; commands go only there. */
  readonly backend?: string;
}

export interface PlannedCommand {
  readonly target: CommandTarget;
  /** Thruk REST command name, e.g. schedule_host_downtime. */
  readonly command: string;
  readonly args: Readonly<Record<string, string | number>>;
}

export interface Plan {
  /** One line saying what will happen, e.g. "schedule a fixed downtime of 2h". */
  readonly action: string;
  readonly commands: readonly PlannedCommand[];
  /** Destructive plans (deleting, disabling) always ask, whatever their size. */
  readonly destructive: boolean;
  /** Ask even for a single object (e.g. bulk operations, whose reach the caller may not foresee). */
  readonly alwaysConfirm?: boolean;
  /**
   * How many monitored objects the plan really touches when that differs from the number of
   * commands (one hostgroup downtime covers every member). Drives the cap and the confirmation.
   */
  readonly objects?: number;
  readonly notes?: readonly string[];
}

export function targetLabel(t: CommandTarget): string {
  if (t.label !== undefined) return t.label;
  const where = t.backend !== undefined ? `@${t.backend}` : '';
  switch (t.kind) {
    case 'host':
      return `${t.host ?? ''}${where}`;
    case 'service':
      return `${t.host ?? ''}/${t.service ?? ''}${where}`;
    case 'hostgroup':
      return `hostgroup ${t.group ?? ''}${where}`;
    case 'servicegroup':
      return `servicegroup ${t.group ?? ''}${where}`;
    case 'system':
      return `core${where}`;
  }
}

/** The external command line the core will receive (Thruk adds `COMMAND [time] ` in front). */
export function commandLine(c: PlannedCommand): string {
  // Thruk's own object-scoped deletes become the core's DEL_*_DOWNTIME/COMMENT;<id> lines.
  const kind = c.target.kind === 'service' ? 'SVC' : 'HOST';
  if (c.command === 'del_downtime') return `DEL_${kind}_DOWNTIME;${String(c.args.downtime_id)}`;
  if (c.command === 'del_comment') return `DEL_${kind}_COMMENT;${String(c.args.comment_id)}`;
  const objectArgs =
    c.target.kind === 'service'
      ? [c.target.host, c.target.service]
      : c.target.kind === 'system'
        ? []
        : [c.target.kind === 'host' ? c.target.host : c.target.group];
  return [c.command.toUpperCase(), ...objectArgs.map((x) => x ?? ''), ...Object.values(c.args).map(String)].join(';');
}

// Thruk joins command fields with ';' and passes them verbatim (seen live): a ';' inside a name
// shifts every field and the core silently ignores the command; a line break starts a new one.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** An object name that goes into a command line. */
export function checkCommandName(what: string, value: string): string {
  if (value.includes(';'))
    throw new ToolInputError(
      `${what} '${value}' contains ';', which Thruk cannot pass to the core safely (the command would be misread and silently ignored). Rename the object or act on it in the Thruk UI.`,
    );
  if (CONTROL.test(value)) throw new ToolInputError(`${what} must not contain line breaks or control characters.`);
  return value;
}

/** Free text (comments, author, plugin output) that goes into a command line. */
export function checkCommandText(what: string, value: string, opts: { allowSemicolon?: boolean; allowPipe?: boolean } = {}): string {
  if (CONTROL.test(value))
    throw new ToolInputError(
      `${what} must be a single line without control characters (a line break would end the command early or start a second one).`,
    );
  if (!opts.allowSemicolon && value.includes(';'))
    throw new ToolInputError(`${what} must not contain ';' (Thruk would split the command there).`);
  if (!opts.allowPipe && value.includes('|'))
    throw new ToolInputError(`${what} must not contain '|' (the core reads it as the start of performance data).`);
  return value;
}

// The plan id lives apart (../plan-id.ts): the adapter reads a confirmation's clock on every write
// call and must not load the write modules at start-up.
export { PLAN_MAX_AGE_MS, planClock, planId } from '../lib/plan-id.js';
