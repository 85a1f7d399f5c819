import type { ToolDef } from '../core/define.js';
import { listComments } from './comments.js';
import { getDowntime, listDowntimes } from './downtimes.js';

export const downtimesTools: readonly ToolDef[] = [listDowntimes, getDowntime, listComments];
