import { z } from 'zod';
import { defineTool, type ToolContext } from '../core/define.js';
import { cell, duration, flag, iso, num } from '../lib/format.js';
import { backendsArg, parseBackends, type Row } from '../lib/list.js';

/** LMD reports 0 or absurd response times for idle peers; anything above this is noise. */
const LATENCY_SANITY_CAP_S = 3600;
const CLOCK_SKEW_WARN_S = 300;
const HEALTH = ['disconnected', 'degraded', 'ok'] as const;
type Health = (typeof HEALTH)[number];

const siteReport = z.object({
  name: z.string(),
  id: z.string().optional(),
  health: z.enum(HEALTH),
  reasons: z.array(z.string()),
  connected: z.boolean(),
  last_error: z.string().optional(),
  address: z.string().optional(),
  latency_s: z.number().optional().describe('LMD response time'),
  data_age_s: z.number().optional().describe('How old the data Thruk serves is (LMD last update, against the site clock)'),
  program_version: z.string().optional(),
  program_start: z.string().optional().describe('ISO-8601 core start'),
  uptime_s: z.number().optional(),
  checks_enabled: z.object({ hosts: z.boolean(), services: z.boolean() }).optional().describe('Global active check execution'),
  notifications_enabled: z.boolean().optional(),
  passive_checks_accepted: z.object({ hosts: z.boolean(), services: z.boolean() }).optional(),
  clock_skew_s: z.number().optional().describe('Thruk server clock minus ours, when beyond 5 minutes'),
});
type SiteReport = z.output<typeof siteReport>;

/** An optional endpoint may be missing (404), empty or refused; none of that sinks the call. */
async function optional(ctx: ToolContext, path: string, backends: string[] | undefined): Promise<Row[] | undefined> {
  try {
    const res = await ctx.thruk.get<unknown>(path, { ...(backends ? { backends } : {}), signal: ctx.signal, cache: false });
    if (Array.isArray(res)) return res as Row[];
    return res !== null && typeof res === 'object' ? [res as Row] : [];
  } catch (err) {
    if (ctx.signal.aborted) throw err;
    return undefined;
  }
}

function find(rows: readonly Row[] | undefined, site: Row): Row | undefined {
  if (rows === undefined) return undefined;
  const ids = [site.id, site.peer_key, site.key].filter((v) => typeof v === 'string' && v !== '');
  const names = [site.name, site.peer_name].filter((v) => typeof v === 'string' && v !== '');
  return (
    rows.find((r) => ids.includes(r.peer_key) || ids.includes(r.key) || ids.includes(r.id)) ??
    rows.find((r) => names.includes(r.peer_name) || names.includes(r.name))
  );
}

const bool = (v: unknown): boolean | undefined => (v === undefined || v === null || v === '' ? undefined : flag(v));

function report(
  site: Row,
  lmd: Row | undefined,
  proc: Row | undefined,
  nowSec: number,
  opts: { latencyWarn: number; lagWarn: number; procAvailable: boolean },
): SiteReport {
  const connected = (site.connected === undefined || flag(site.connected)) && num(site.status) === 0;
  const r: SiteReport = { name: cell(site.name ?? site.peer_name ?? site.id), health: 'ok', reasons: [], connected };
  if (typeof site.id === 'string') r.id = site.id;
  if (typeof site.addr === 'string' && site.addr !== '') r.address = site.addr;
  const lastError = cell(site.last_error ?? lmd?.last_error ?? '');
  if (lastError !== '') r.last_error = lastError;
  if (!r.connected) {
    r.health = 'disconnected';
    r.reasons.push(lastError !== '' ? `disconnected: ${lastError}` : 'disconnected');
    return r;
  }
  if (lmd !== undefined) {
    const latency = num(lmd.response_time);
    if (latency > 0 && latency <= LATENCY_SANITY_CAP_S) {
      r.latency_s = Math.round(latency * 1000) / 1000;
      if (latency > opts.latencyWarn) r.reasons.push(`latency ${r.latency_s}s > ${opts.latencyWarn}s`);
    }
    // The site's own clock, when Thruk reports it, keeps our clock skew out of the lag.
    const ref = num(site.localtime) > 0 ? num(site.localtime) : nowSec;
    const fresh = num(lmd.last_update) > 0 ? num(lmd.last_update) : num(lmd.last_online);
    if (fresh > 0) {
      r.data_age_s = Math.max(0, Math.round(ref - fresh));
      if (r.data_age_s > opts.lagWarn) r.reasons.push(`data ${duration(r.data_age_s)} old > ${opts.lagWarn}s (lagging cache)`);
    }
  }
  if (proc !== undefined) {
    if (typeof proc.program_version === 'string') r.program_version = proc.program_version;
    if (num(proc.program_start) > 0) {
      r.program_start = iso(proc.program_start);
      r.uptime_s = Math.max(0, nowSec - num(proc.program_start));
    }
    const hostChecks = bool(proc.execute_host_checks);
    const svcChecks = bool(proc.execute_service_checks);
    if (hostChecks !== undefined && svcChecks !== undefined) {
      r.checks_enabled = { hosts: hostChecks, services: svcChecks };
      if (!hostChecks) r.reasons.push('active host checks disabled globally');
      if (!svcChecks) r.reasons.push('active service checks disabled globally');
    }
    const notif = bool(proc.enable_notifications);
    if (notif !== undefined) {
      r.notifications_enabled = notif;
      if (!notif) r.reasons.push('notifications disabled globally');
    }
    const ph = bool(proc.accept_passive_host_checks);
    const ps = bool(proc.accept_passive_service_checks);
    if (ph !== undefined && ps !== undefined) {
      r.passive_checks_accepted = { hosts: ph, services: ps };
      if (!ph) r.reasons.push('passive host checks refused');
      if (!ps) r.reasons.push('passive service checks refused');
    }
  } else if (opts.procAvailable) r.reasons.push('no core status (/processinfo has no row for this site)');
  const skew = num(site.localtime) > 0 ? Math.round(num(site.localtime) - nowSec) : 0;
  if (Math.abs(skew) > CLOCK_SKEW_WARN_S) {
    r.clock_skew_s = skew;
    r.reasons.push(
      `Thruk's clock is ${duration(Math.abs(skew))} ${skew > 0 ? 'ahead of' : 'behind'} ours (ages computed here are off by that much)`,
    );
  }
  if (lastError !== '') r.reasons.push(`reports error: ${lastError}`);
  if (r.reasons.length > 0) r.health = 'degraded';
  return r;
}

export const backendHealth = defineTool({
  name: 'thruk_backend_health',
  title: 'Backend health',
  toolset: 'triage',
  access: 'read',
  description: 'Backend health, lag and down sites: ok, degraded or disconnected and why (error, latency, data age, core version).',
  input: z
    .object({
      latency_warn_seconds: z.number().min(0).max(3600).default(5).describe('Slower = degraded'),
      lag_warn_seconds: z.number().int().min(0).max(86_400).default(120).describe('Older data = degraded'),
      backends: backendsArg,
    })
    .strict(),
  output: z.object({
    now: z.string(),
    summary: z.object({ total: z.number(), ok: z.number(), degraded: z.number(), disconnected: z.number() }),
    sites: z.array(siteReport),
    lmd_available: z.boolean().describe('/lmd/sites answered with rows (Thruk runs with LMD)'),
    processinfo_available: z.boolean(),
    assessment: z.string(),
  }),
  run: async (ctx, args) => {
    const backends = parseBackends(args.backends);
    const opts = { ...(backends ? { backends } : {}), signal: ctx.signal, cache: false };
    const [sitesRes, lmd, proc] = await Promise.all([
      ctx.thruk.get<unknown>('/sites', opts),
      optional(ctx, '/lmd/sites', backends),
      optional(ctx, '/processinfo', backends),
    ]);
    const sites = Array.isArray(sitesRes) ? (sitesRes as Row[]) : [];
    const nowSec = Math.floor(ctx.now() / 1000);
    const lmdRows = lmd !== undefined && lmd.length > 0 ? lmd : undefined;
    const reports = sites.map((s) =>
      report(s, find(lmdRows, s), find(proc, s), nowSec, {
        latencyWarn: args.latency_warn_seconds,
        lagWarn: args.lag_warn_seconds,
        procAvailable: proc !== undefined,
      }),
    );
    reports.sort((a, b) => HEALTH.indexOf(a.health) - HEALTH.indexOf(b.health) || a.name.localeCompare(b.name));
    const count = (h: Health) => reports.filter((r) => r.health === h).length;
    const summary = { total: reports.length, ok: count('ok'), degraded: count('degraded'), disconnected: count('disconnected') };
    const assessment = assess(summary, lmdRows !== undefined, proc !== undefined);
    const lines = [assessment, 'backend | health | reasons | core | data age | latency'];
    for (const r of reports) {
      const core = [r.program_version, r.uptime_s !== undefined ? `up ${duration(r.uptime_s)}` : ''].filter(Boolean).join(', ');
      lines.push(
        [
          r.name,
          r.health,
          r.reasons.join('; '),
          core,
          r.data_age_s !== undefined ? duration(r.data_age_s) : '',
          r.latency_s !== undefined ? `${r.latency_s}s` : '',
        ].join(' | '),
      );
    }
    const data = {
      now: iso(nowSec),
      summary,
      sites: reports,
      lmd_available: lmdRows !== undefined,
      processinfo_available: proc !== undefined,
      assessment,
    };
    return { data, text: lines.join('\n') };
  },
});

function assess(s: { total: number; ok: number; degraded: number; disconnected: number }, lmd: boolean, proc: boolean): string {
  let out: string;
  if (s.total === 0) out = 'Thruk lists no backends for this selection.';
  else if (s.ok === s.total)
    out = s.total === 1 ? 'The backend is connected and healthy.' : `All ${s.total} backends connected and healthy.`;
  else {
    const bad = [s.disconnected > 0 ? `${s.disconnected} disconnected (blind spot)` : '', s.degraded > 0 ? `${s.degraded} degraded` : '']
      .filter(Boolean)
      .join(', ');
    out = `${s.total - s.ok} of ${s.total} backends unhealthy: ${bad}; answers about their hosts may be incomplete or stale.`;
  }
  if (!lmd) out += ' No LMD data (latency and data age unknown).';
  if (!proc) out += ' /processinfo did not answer (core status unknown).';
  return out;
}
