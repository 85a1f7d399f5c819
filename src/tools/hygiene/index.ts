import type { ToolDef } from '../core/define.js';
import { hygiene } from './hygiene.js';

export const hygieneTools: readonly ToolDef[] = [hygiene];
