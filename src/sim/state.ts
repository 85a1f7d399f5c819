import type { Comment, Downtime, HostRecord, LogEntry, ServiceRecord, SiteState } from './types.js';

export interface ApiKeyRecord {
  hashedKey: string;
  privateKey: string;
  user: string | null;
  comment: string;
  created: number;
  superuser: boolean;
  lastUsed: number;
  lastFrom: string;
}

export interface JobRecord {
  id: string;
  user: string;
  start: number;
  end: number;
  cmd: string;
  message: string;
  time: number;
}

/** Everything the simulator knows. The top-level collections are those of the first site. */
export class SimState {
  readonly apiKeys: ApiKeyRecord[] = [];
  readonly jobs: JobRecord[] = [];

  constructor(readonly sites: readonly SiteState[]) {}

  private get primary(): SiteState {
    const site = this.sites[0];
    if (site === undefined) throw new Error('simulator has no sites');
    return site;
  }

  get hosts(): readonly HostRecord[] { return this.primary.hosts; }
  get services(): readonly ServiceRecord[] { return this.primary.services; }
  get downtimes(): readonly Downtime[] { return this.primary.downtimes; }
  get comments(): readonly Comment[] { return this.primary.comments; }
  get logs(): readonly LogEntry[] { return this.primary.logs; }

  host(name: string, site = 0): HostRecord | undefined {
    return this.sites[site]?.hostByName.get(name);
  }

  service(hostName: string, description: string, site = 0): ServiceRecord | undefined {
    return this.sites[site]?.findService(hostName, description);
  }
}
