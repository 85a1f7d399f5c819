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

/** A Thruk user other than the simulator's superuser: a normal API key and/or a Basic password. */
export interface SimUser {
  readonly name: string;
  /** A normal (non-superuser) API key owned by this user. */
  readonly key?: string;
  /** Basic-auth password, as a web server in front of Thruk would check it. */
  readonly password?: string;
  /**
   * Contact authorization: the user sees only hosts in these host groups (and their services), as
   * a contact assigned through groups would. Absent: authorized for all hosts and services.
   */
  readonly hostgroups?: readonly string[];
  /** can_submit_commands (default true). */
  readonly canSubmitCommands?: boolean;
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
  readonly users: SimUser[] = [];
  /** Thruk's default_user_name: who a request without a (truthy) user becomes. */
  defaultUserName: string | undefined;
  /** Thruk's make_auth_user_lowercase: every authenticated name is lower-cased. */
  lowercaseUsers = false;

  constructor(readonly sites: readonly SiteState[]) {}

  private get primary(): SiteState {
    const site = this.sites[0];
    if (site === undefined) throw new Error('simulator has no sites');
    return site;
  }

  get hosts(): readonly HostRecord[] {
    return this.primary.hosts;
  }
  get services(): readonly ServiceRecord[] {
    return this.primary.services;
  }
  get downtimes(): readonly Downtime[] {
    return this.primary.downtimes;
  }
  get comments(): readonly Comment[] {
    return this.primary.comments;
  }
  get logs(): readonly LogEntry[] {
    return this.primary.logs;
  }

  host(name: string, site = 0): HostRecord | undefined {
    return this.sites[site]?.hostByName.get(name);
  }

  service(hostName: string, description: string, site = 0): ServiceRecord | undefined {
    return this.sites[site]?.findService(hostName, description);
  }
}
