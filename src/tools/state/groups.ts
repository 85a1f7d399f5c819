import { z } from 'zod';
import { quoteQ } from '../../thruk/q.js';
import { defineTool, ToolInputError, type ToolDef } from '../core/define.js';
import { cell, hostStateName, serviceStateName } from '../lib/format.js';
import {
  backendsArg,
  columnsArg,
  columnsOf,
  detailLines,
  genericLine,
  getRows,
  limitArg,
  listOutput,
  offsetArg,
  page,
  parseBackends,
  parseColumns,
  pick,
  query,
  renderList,
  sortArg,
  type Row,
} from '../lib/list.js';
import { notFound, objectName } from '../lib/objects.js';
import { closest } from '../lib/closest.js';

const GROUP_COLUMNS = ['name', 'alias', 'num_hosts', 'num_services', 'worst_host_state', 'worst_service_state'] as const;
const SERVICEGROUP_COLUMNS = ['name', 'alias', 'num_services', 'worst_service_state'] as const;

const nameMatchArg = z
  .string()
  .max(500)
  .regex(/^[^\x00-\x1f\x7f]*$/, 'must not contain line breaks or control characters')
  .optional()
  .describe('Regex on name or alias');

function groupLine(kind: 'hostgroups' | 'servicegroups') {
  return (r: Row): string => {
    const worst = [
      kind === 'hostgroups' && r.worst_host_state !== undefined ? `hosts ${hostStateName(r.worst_host_state)}` : '',
      r.worst_service_state !== undefined ? `services ${serviceStateName(r.worst_service_state)}` : '',
    ]
      .filter(Boolean)
      .join(', ');
    const counts = [kind === 'hostgroups' ? `${cell(r.num_hosts)} hosts` : '', `${cell(r.num_services)} services`]
      .filter(Boolean)
      .join(', ');
    return [cell(r.name), cell(r.alias), counts, worst].join(' | ');
  };
}

function listGroups(kind: 'hostgroups' | 'servicegroups'): ToolDef {
  const label = kind === 'hostgroups' ? 'host groups' : 'service groups';
  const dflt = kind === 'hostgroups' ? GROUP_COLUMNS : SERVICEGROUP_COLUMNS;
  return defineTool({
    name: kind === 'hostgroups' ? 'thruk_list_hostgroups' : 'thruk_list_servicegroups',
    title: kind === 'hostgroups' ? 'List host groups' : 'List service groups',
    toolset: 'state',
    access: 'read',
    description: `${kind === 'hostgroups' ? 'Host' : 'Service'} groups with member counts and worst state.`,
    input: z
      .object({
        name: nameMatchArg,
        limit: limitArg(100),
        offset: offsetArg,
        sort: sortArg('name'),
        columns: columnsArg,
        backends: backendsArg,
      })
      .strict(),
    output: listOutput,
    run: async (ctx, args) => {
      const cols = parseColumns(args.columns, dflt);
      const filterParams: Array<[string, string]> = [];
      if (args.name !== undefined && args.name !== '') {
        try {
          new RegExp(args.name);
        } catch {
          throw new ToolInputError(`name: '${args.name}' is not a valid regular expression.`);
        }
        filterParams.push(['q', `(name ~~ ${quoteQ('name', args.name)} or alias ~~ ${quoteQ('name', args.name)})`]);
      }
      const all = await getRows(
        ctx,
        `/${kind}`,
        query(filterParams, { sort: args.sort, columns: cols.list?.join(',') }),
        parseBackends(args.backends),
      );
      const now = ctx.now();
      const shown = columnsOf(all, cols.list);
      const render = cols.custom ? genericLine('other', shown, now) : groupLine(kind);
      const p = page(
        all.map((r) => pick(r, cols.list)),
        render,
        { offset: args.offset, limit: args.limit, budgetTokens: ctx.config.maxAnswerTokens, what: label },
      );
      const header = cols.custom ? shown : ['name', 'alias', 'members', 'worst state'];
      return { data: { ...p.meta, rows: p.rows }, text: renderList(label, p.meta, header, p.lines) };
    },
  });
}

export const listHostgroups = listGroups('hostgroups');
export const listServicegroups = listGroups('servicegroups');

const CONTACT_COLUMNS = ['name', 'alias', 'email', 'pager', 'host_notifications_enabled', 'service_notifications_enabled'] as const;

export const listContacts = defineTool({
  name: 'thruk_list_contacts',
  title: 'List contacts',
  toolset: 'state',
  access: 'read',
  description: 'Contacts with e-mail, pager and whether notifications are on.',
  input: z.object({ limit: limitArg(100), offset: offsetArg, sort: sortArg('name'), columns: columnsArg, backends: backendsArg }).strict(),
  output: listOutput,
  run: async (ctx, args) => {
    const cols = parseColumns(args.columns, CONTACT_COLUMNS);
    const fetch = cols.list === undefined || cols.list.includes('peer_name') ? cols.list : [...cols.list, 'peer_name'];
    const all = await getRows(ctx, '/contacts', query([], { sort: args.sort, columns: fetch?.join(',') }), parseBackends(args.backends));
    // One contact name on two cores is two rows: name each one's core (name@core), else it reads as a duplicate.
    const several = new Set(all.map((r) => r.peer_name).filter((x) => typeof x === 'string')).size > 1;
    const rows = all.map((r) => {
      const out = pick(r, cols.list);
      return several && typeof r.peer_name === 'string' ? { ...out, peer_name: r.peer_name } : out;
    });
    const shown = columnsOf(all, cols.list).filter((c) => c !== 'peer_name' || cols.list?.includes('peer_name') === true);
    const line = genericLine('other', shown, ctx.now());
    const render = (r: Row) =>
      several && typeof r.peer_name === 'string' && shown[0] === 'name' ? line({ ...r, name: `${cell(r.name)}@${r.peer_name}` }) : line(r);
    const p = page(rows, render, { offset: args.offset, limit: args.limit, budgetTokens: ctx.config.maxAnswerTokens, what: 'contacts' });
    return { data: { ...p.meta, rows: p.rows }, text: renderList('contacts', p.meta, shown, p.lines) };
  },
});

const contactOutput = z.object({
  contact: z.record(z.string(), z.unknown()),
  others: z.array(z.record(z.string(), z.unknown())).optional(),
});

export const getContact = defineTool({
  name: 'thruk_get_contact',
  title: 'Get contact',
  toolset: 'state',
  access: 'read',
  description: 'One contact: addresses, notification periods and commands, groups.',
  input: z.object({ contact: objectName('Contact name'), backends: backendsArg }).strict(),
  output: contactOutput,
  run: async (ctx, args) => {
    const backends = parseBackends(args.backends);
    const rows = await getRows(ctx, '/contacts', [['name', args.contact]], backends);
    if (rows.length === 0) {
      const names = await getRows(ctx, '/contacts', [['columns', 'name']], backends);
      throw notFound(
        'contact',
        args.contact,
        closest(
          args.contact,
          names.map((r) => String(r.name)),
          3,
        ),
        'thruk_list_contacts',
      );
    }
    const contact = rows[0] as Row;
    const data: z.output<typeof contactOutput> = { contact };
    if (rows.length > 1) data.others = rows.slice(1);
    const lines = [`contact ${cell(contact.name)}`, ...detailLines(contact, 'other', ctx.now(), new Set(['name']))];
    return { data, text: lines.join('\n') };
  },
});
