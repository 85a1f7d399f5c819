import type { ToolDef } from '../define.js';
import { acknowledge, removeAcknowledgement } from './ack.js';

export const actionsTools: readonly ToolDef[] = [acknowledge, removeAcknowledgement];
