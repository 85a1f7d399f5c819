import { z } from 'zod';
import { ToolInputError, type ToolContext } from '../core/define.js';
import { cell, flag, num } from '../lib/format.js';
import { backendsArg, getRows, parseBackends } from '../lib/list.js';
import { defineWriteTool } from '../write/define-write.js';
import { checkCommandText, targetLabel, type PlannedCommand } from '../write/plan.js';
import { resolveHost, resolveService } from '../write/resolve.js';
import { hostArg, readTarget, serviceArg } from './common.js';

const HOST_STATES: Readonly<Record<string, number>> = { up: 0, down: 1, unreachable: 2 };
const SERVICE_STATES: Readonly<Record<string, number>> = { ok: 0, warning: 1, critical: 2, unknown: 3 };

function stateCode(state: string | number, service: boolean): number {
  const names = service ? SERVICE_STATES : HOST_STATES;
  const max = service ? 3 : 2;
  const kind = service ? 'a service' : 'a host';
  const valid = `${Object.keys(names).join(', ')} or 0-${max}`;
  if (typeof state === 'number') {
    if (state > max) throw new ToolInputError(`state ${state} is not valid for ${kind}; use ${valid}.`);
    return state;
  }
  const code = names[state];
  if (code === undefined) throw new ToolInputError(`state '${state}' is not valid for ${kind}; use ${valid}.`);
  return code;
}

// One perf-data item: 'label'=value[UOM][;warn[;crit[;min[;max]]]]; labels may be quoted and contain spaces.
const PERF_ITEM = /^(?:'[^'=]+'|[^\s'=]+)=(?:U|-?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][-+]?\d+)?[a-zA-Z%/°µ]*)(?:;[-+0-9.,:~@eE]*){0,4}$/;

/** Loose check of Nagios performance data: catches prose and shell fragments, not every plugin quirk. */
function checkPerfdata(perf: string): string {
  checkCommandText('perfdata', perf, { allowSemicolon: true });
  const items = perf.trim().match(/'[^']*'=\S*|\S+/g) ?? [];
  const bad = items.find((i) => !PERF_ITEM.test(i));
  if (bad !== undefined)
    throw new ToolInputError(
      `perfdata item '${cell(bad, 80)}' is not Nagios performance data; expected label=value[unit][;warn;crit;min;max] items separated by spaces, e.g. "time=0.12s;1;2;0 size=300B".`,
    );
  return perf.trim();
}

export const submitPassiveResult = defineWriteTool({
  name: 'thruk_submit_passive_result',
  title: 'Submit a passive check result',
  access: 'write',
  description: 'Submit a passive check result (state, output, perf data) for a host or service.',
  args: {
    host: hostArg,
    service: serviceArg,
    state: z
      .union([z.enum(['up', 'down', 'unreachable', 'ok', 'warning', 'critical', 'unknown']), z.number().int().min(0).max(3)])
      .describe('up/down/unreachable or ok/warning/critical/unknown'),
    output: z.string().min(1).max(4000).describe('One line, no "|"'),
    perfdata: z.string().min(1).max(4000).optional().describe('e.g. "time=0.12s;1;2"'),
    backends: backendsArg,
  },
  plan: async (ctx, args) => {
    const isService = args.service !== undefined;
    const code = stateCode(args.state, isService);
    // The output is the last field of the command, so a ';' survives; '|' would start perf data.
    const output = checkCommandText('output', args.output.trim(), { allowSemicolon: true });
    if (output === '') throw new ToolInputError('output must not be blank.');
    const perf = args.perfdata === undefined ? undefined : checkPerfdata(args.perfdata);
    const targets = isService
      ? await resolveService(ctx, args.host, args.service ?? '', parseBackends(args.backends))
      : await resolveHost(ctx, args.host, parseBackends(args.backends));
    const notes: string[] = [];
    for (const t of targets) {
      const row = await readTarget(ctx, t, ['accept_passive_checks', 'active_checks_enabled']);
      if (row !== undefined && !flag(row.accept_passive_checks)) {
        throw new ToolInputError(
          `${targetLabel(t)} does not accept passive check results (accept_passive_checks is off), so the core would drop this one. Enable passive checks for it first (Thruk: "enable passive checks"). Nothing was sent.`,
        );
      }
      const proc = await getRows(
        ctx,
        '/processinfo',
        [['columns', 'accept_passive_host_checks,accept_passive_service_checks,peer_name']],
        t.backend !== undefined ? [t.backend] : undefined,
      );
      const globalCol = isService ? 'accept_passive_service_checks' : 'accept_passive_host_checks';
      if (proc[0] !== undefined && proc[0][globalCol] !== undefined && !flag(proc[0][globalCol])) {
        throw new ToolInputError(
          `The core${t.backend !== undefined ? ` of ${t.backend}` : ''} does not accept passive ${isService ? 'service' : 'host'} checks at all (${globalCol} is off), so it would drop this result. Nothing was sent.`,
        );
      }
      if (row !== undefined && flag(row.active_checks_enabled))
        notes.push(`${targetLabel(t)} also has active checks: its next scheduled check will replace this result.`);
    }
    const command = isService ? 'process_service_check_result' : 'process_host_check_result';
    // Thruk appends "|perf" itself when given performance_data; sending the joined text keeps the preview exact.
    const pluginOutput = perf === undefined ? output : `${output}|${perf}`;
    const commands = targets.map((target): PlannedCommand => ({
      target,
      command,
      args: { plugin_state: code, plugin_output: pluginOutput },
    }));
    const verify = async (c: ToolContext, cmd: PlannedCommand) => {
      const r = await readTarget(c, cmd.target, ['state', 'plugin_output']);
      return r !== undefined && num(r.state) === code && typeof r.plugin_output === 'string' && r.plugin_output.trim() === output;
    };
    const stateName = Object.entries(isService ? SERVICE_STATES : HOST_STATES).find(([, v]) => v === code)?.[0] ?? String(code);
    return {
      plan: {
        action: `submit a passive ${stateName.toUpperCase()} result: "${cell(output, 120)}"`,
        commands,
        destructive: false,
        ...(notes.length > 0 ? { notes } : {}),
      },
      verify,
    };
  },
});
