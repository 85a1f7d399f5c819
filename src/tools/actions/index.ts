import type { ToolDef } from '../core/define.js';
import { acknowledge, removeAcknowledgement } from './ack.js';
import { downtimeActionTools } from './downtime-index.js';
import { moreActionTools } from './more-index.js';

export const actionsTools: readonly ToolDef[] = [...downtimeActionTools, acknowledge, removeAcknowledgement, ...moreActionTools];
