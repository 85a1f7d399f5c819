import type { ToolDef } from '../core/define.js';
import { runBackgroundQuery } from './background.js';
import { thrukQuery } from './query.js';

/** Escape hatches: raw REST requests under an allowlist, and long paged reads. */
export const escapeTools: readonly ToolDef[] = [thrukQuery, runBackgroundQuery];
