import type { ToolDef } from '../core/define.js';
import { listContacts, getContact, listHostgroups, listServicegroups } from './groups.js';
import { getHost, listHosts } from './hosts.js';
import { problemCounts, sites, stats, totals } from './overview.js';
import { problems } from './problems.js';
import { getService, listServices } from './services.js';

export const stateTools: readonly ToolDef[] = [
  problems,
  listHosts,
  getHost,
  listServices,
  getService,
  listHostgroups,
  listServicegroups,
  totals,
  problemCounts,
  stats,
  sites,
  listContacts,
  getContact,
];
