import type { ToolDef } from '../core/define.js';
import { hostgroupAvailability, hostgroupAvailabilitySummary } from './group.js';
import { hostAvailability, serviceAvailability } from './single.js';

export const availabilityTools: readonly ToolDef[] = [hostAvailability, serviceAvailability, hostgroupAvailability, hostgroupAvailabilitySummary];
