import type { ToolDef } from '../core/define.js';
import { getPerfdata } from './get.js';
import { perfdataNearThreshold } from './near.js';
import { perfdataSnapshot } from './snapshot.js';

export const perfdataTools: readonly ToolDef[] = [getPerfdata, perfdataSnapshot, perfdataNearThreshold];
