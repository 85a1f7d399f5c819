import type { ToolDef } from '../define.js';
import { hygiene } from './hygiene.js';

export const hygieneTools: readonly ToolDef[] = [hygiene];
