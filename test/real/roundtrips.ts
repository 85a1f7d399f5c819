/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-return -- answers not read typed yet (issue 16; see test/helpers/harness.ts) */
/**
 * Write round trips on objects the operator names: each change is made through the MCP tools,
 * read back from Thruk's own REST rows, and undone through the tools. What could not be undone is
 * listed as left behind, with the id to remove by hand.
 */
import type { Truth } from './estate.js';
import { firstLine } from './checks.js';
import type { CallOutcome, Rig } from './rig.js';

export interface Target {
  core: string;
  host: string;
  service: string;
}

export interface StepResult {
  core: string;
  target: string;
  step: string;
  verdict: 'ok' | 'fail' | 'skip';
  detail: string;
}

/** `core:host:service`; the service may itself contain colons. */
export function parseTarget(spec: string): Target {
  const a = spec.indexOf(':');
  const b = a < 0 ? -1 : spec.indexOf(':', a + 1);
  if (a <= 0 || b <= a + 1 || b === spec.length - 1) throw new Error(`expected CORE:HOST:SERVICE, got "${spec}"`);
  return { core: spec.slice(0, a), host: spec.slice(a + 1, b), service: spec.slice(b + 1) };
}

const enc = (s: string) => encodeURIComponent(s);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function poll<T>(read: () => Promise<T>, ok: (v: T) => boolean, timeoutMs: number): Promise<{ value: T; ok: boolean }> {
  const until = Date.now() + timeoutMs;
  let value = await read();
  while (!ok(value) && Date.now() < until) {
    await sleep(1000);
    value = await read();
  }
  return { value, ok: ok(value) };
}

const SERVICE_COLUMNS =
  'host_name,description,state,acknowledged,acknowledgement_type,scheduled_downtime_depth,last_check,plugin_output,perf_data,active_checks_enabled,peer_key';

export class RoundTrips {
  readonly results: StepResult[] = [];
  readonly leftBehind: string[] = [];
  constructor(
    private readonly rig: Rig,
    private readonly truth: Truth,
    private readonly runId: string,
  ) {}

  private record(t: Target, step: string, verdict: StepResult['verdict'], detail: string): void {
    this.results.push({ core: t.core, target: `${t.host}/${t.service}`, step, verdict, detail });
  }

  private service(t: Target): Promise<any> {
    return this.truth
      .get(`/services/${enc(t.host)}/${enc(t.service)}`, { columns: SERVICE_COLUMNS }, t.core)
      .then((rows: any[]) => rows[0]);
  }

  private rows(table: 'downtimes' | 'comments', t: Target): Promise<any[]> {
    return this.truth
      .get(
        `/${table}`,
        { columns: 'id,host_name,service_description,comment,author,entry_type,fixed,duration,start_time,end_time' },
        t.core,
      )
      .then((rows: any[]) => rows.filter((r) => r.host_name === t.host && typeof r.comment === 'string' && r.comment.includes(this.runId)));
  }

  private async tool(name: string, args: Record<string, unknown>): Promise<CallOutcome> {
    return this.rig.call(name, args);
  }

  private failed(out: CallOutcome): string | undefined {
    if (out.thrown !== undefined) return `protocol: ${firstLine(out.thrown)}`;
    if (out.isError) return firstLine(out.text, 300);
    const st = out.structured?.status;
    if (st !== undefined && st !== 'done') return `status ${String(st)}: ${firstLine(out.text, 300)}`;
    return undefined;
  }

  async downtime(t: Target): Promise<void> {
    const comment = `thruk-mcp e2e downtime ${this.runId}`;
    const out = await this.tool('thruk_schedule_downtime', {
      host: t.host,
      service: t.service,
      duration_minutes: 15,
      comment,
      backends: t.core,
      confirm: true,
    });
    const bad = this.failed(out);
    if (bad !== undefined) return this.record(t, 'downtime schedule', 'fail', bad);
    const seen = await poll(
      () => this.rows('downtimes', t),
      (r) => r.length > 0,
      20_000,
    );
    const dt = seen.value[0];
    if (dt === undefined)
      return this.record(
        t,
        'downtime schedule',
        'fail',
        'tool said done but no downtime with our comment appeared in /downtimes within 20 s',
      );
    this.record(
      t,
      'downtime schedule',
      'ok',
      `id ${dt.id}, fixed ${String(dt.fixed)}, duration ${String(dt.duration)}, ${dt.end_time - dt.start_time} s window`,
    );
    const del = await this.tool('thruk_delete_downtime', {
      downtime_id: dt.id,
      host: t.host,
      service: t.service,
      backends: t.core,
      confirm: true,
    });
    const delBad = this.failed(del);
    if (delBad !== undefined) {
      this.leftBehind.push(`downtime ${dt.id} on ${t.core} (${t.host}/${t.service})`);
      return this.record(t, 'downtime delete', 'fail', delBad);
    }
    const gone = await poll(
      () => this.rows('downtimes', t),
      (r) => !r.some((x) => x.id === dt.id),
      20_000,
    );
    if (!gone.ok) {
      this.leftBehind.push(`downtime ${dt.id} on ${t.core} (${t.host}/${t.service})`);
      return this.record(t, 'downtime delete', 'fail', `downtime ${dt.id} still listed 20 s after the tool said done`);
    }
    this.record(t, 'downtime delete', 'ok', `downtime ${dt.id} gone`);
  }

  async acknowledgements(t: Target): Promise<void> {
    const before = await this.service(t);
    if (before === undefined) return this.record(t, 'ack', 'fail', 'service not found through /services');
    if (before.state === 0)
      return this.record(t, 'ack', 'skip', 'service is OK: nothing to acknowledge (name a service in a problem state)');
    if (before.acknowledged === 1 || before.acknowledged === true)
      return this.record(t, 'ack', 'skip', 'already acknowledged by someone else: left alone');
    for (const sticky of [false, true]) {
      const step = `ack ${sticky ? 'sticky' : 'non-sticky'}`;
      const out = await this.tool('thruk_acknowledge', {
        host: t.host,
        service: t.service,
        sticky,
        notify: false,
        persistent: false,
        comment: `thruk-mcp e2e ack ${this.runId}`,
        backends: t.core,
        confirm: true,
      });
      const bad = this.failed(out);
      if (bad !== undefined) {
        this.record(t, step, 'fail', bad);
        continue;
      }
      const acked = await poll(
        () => this.service(t),
        (s) => s?.acknowledged === 1 || s?.acknowledged === true,
        20_000,
      );
      if (!acked.ok) {
        this.record(t, step, 'fail', 'acknowledged never became 1 within 20 s');
        continue;
      }
      const type = acked.value.acknowledgement_type;
      const want = sticky ? 2 : 1;
      const sent = String(out.structured?.commands?.[0]?.line ?? '').replace(/;[^;]*;[^;]*$/, ';…');
      if (type === null || type === undefined)
        this.record(t, step, 'ok', `acknowledged (acknowledgement_type: Thruk answers null)${sent ? `; sent ${sent}` : ''}`);
      else this.record(t, step, type === want ? 'ok' : 'fail', `acknowledgement_type ${String(type)} (want ${want})`);
      const rm = await this.tool('thruk_remove_acknowledgement', { host: t.host, service: t.service, backends: t.core, confirm: true });
      const rmBad = this.failed(rm);
      if (rmBad !== undefined) {
        this.leftBehind.push(`acknowledgement on ${t.core} ${t.host}/${t.service}`);
        this.record(t, `${step} remove`, 'fail', rmBad);
        return;
      }
      const cleared = await poll(
        () => this.service(t),
        (s) => s?.acknowledged === 0 || s?.acknowledged === false,
        20_000,
      );
      if (!cleared.ok) {
        this.leftBehind.push(`acknowledgement on ${t.core} ${t.host}/${t.service}`);
        this.record(t, `${step} remove`, 'fail', 'still acknowledged 20 s after the tool said done');
        return;
      }
      const comments = await this.rows('comments', t);
      this.record(
        t,
        `${step} remove`,
        'ok',
        comments.length === 0
          ? 'acknowledged 0, its comment gone'
          : `acknowledged 0, but ${comments.length} ack comment(s) remain (ids ${comments.map((c) => c.id).join(', ')})`,
      );
      for (const c of comments) await this.deleteComment(t, c.id, `${step} comment cleanup`);
    }
  }

  private async deleteComment(t: Target, id: number, step: string): Promise<boolean> {
    const del = await this.tool('thruk_delete_comment', {
      comment_id: id,
      host: t.host,
      service: t.service,
      backends: t.core,
      confirm: true,
    });
    const bad = this.failed(del);
    const gone =
      bad === undefined &&
      (
        await poll(
          () => this.rows('comments', t),
          (r) => !r.some((x) => x.id === id),
          20_000,
        )
      ).ok;
    if (!gone) {
      this.leftBehind.push(`comment ${id} on ${t.core} (${t.host}/${t.service})`);
      this.record(t, step, 'fail', bad ?? `comment ${id} still listed 20 s after the tool said done`);
    } else this.record(t, step, 'ok', `comment ${id} gone`);
    return gone;
  }

  async comment(t: Target): Promise<void> {
    const out = await this.tool('thruk_add_comment', {
      host: t.host,
      service: t.service,
      comment: `thruk-mcp e2e comment ${this.runId}`,
      persistent: false,
      backends: t.core,
      confirm: true,
    });
    const bad = this.failed(out);
    if (bad !== undefined) return this.record(t, 'comment add', 'fail', bad);
    const seen = await poll(
      () => this.rows('comments', t),
      (r) => r.length > 0,
      20_000,
    );
    const c = seen.value[0];
    if (c === undefined) return this.record(t, 'comment add', 'fail', 'tool said done but no comment with our text appeared within 20 s');
    const ids = out.structured?.comment_ids;
    this.record(t, 'comment add', 'ok', `id ${c.id}${Array.isArray(ids) ? `; tool reported ids ${JSON.stringify(ids)}` : ''}`);
    await this.deleteComment(t, c.id, 'comment delete');
  }

  async recheck(t: Target): Promise<void> {
    const before = await this.service(t);
    if (before === undefined) return this.record(t, 'recheck', 'fail', 'service not found through /services');
    const out = await this.tool('thruk_recheck', { host: t.host, service: t.service, forced: true, backends: t.core, confirm: true });
    const bad = this.failed(out);
    if (bad !== undefined) return this.record(t, 'recheck', 'fail', bad);
    const after = await poll(
      () => this.service(t),
      (s) => (s?.last_check ?? 0) > before.last_check,
      60_000,
    );
    this.record(
      t,
      'recheck',
      after.ok ? 'ok' : 'fail',
      after.ok ? `last_check ${before.last_check} → ${after.value.last_check}` : `last_check still ${before.last_check} after 60 s`,
    );
  }

  async passive(t: Target): Promise<void> {
    const before = await this.service(t);
    if (before === undefined) return this.record(t, 'passive result', 'fail', 'service not found through /services');
    const output = `thruk-mcp e2e passive ${this.runId}`;
    const out = await this.tool('thruk_submit_passive_result', {
      host: t.host,
      service: t.service,
      state: 'critical',
      output,
      backends: t.core,
      confirm: true,
    });
    const bad = this.failed(out);
    if (bad !== undefined) return this.record(t, 'passive result', 'fail', bad);
    const seen = await poll(
      () => this.service(t),
      (s) => typeof s?.plugin_output === 'string' && s.plugin_output.includes(this.runId),
      30_000,
    );
    if (!seen.ok)
      this.record(t, 'passive result', 'fail', `plugin_output never showed our result within 30 s (state ${seen.value?.state})`);
    else
      this.record(
        t,
        'passive result',
        seen.value.state === 2 ? 'ok' : 'fail',
        `state ${before.state} → ${seen.value.state} (want 2), output read back`,
      );
    if (!(before.acknowledged === 1 || before.acknowledged === true)) await this.stickiness(t);
    // Restore what the service said before (state, output, perf data).
    const restore = await this.tool('thruk_submit_passive_result', {
      host: t.host,
      service: t.service,
      state: before.state,
      output: String(before.plugin_output ?? '').replace(/\|/g, '/') || 'restored',
      ...(before.perf_data ? { perfdata: String(before.perf_data) } : {}),
      backends: t.core,
      confirm: true,
    });
    const rBad = this.failed(restore);
    const back =
      rBad === undefined
        ? await poll(
            () => this.service(t),
            (s) => s?.state === before.state && !String(s?.plugin_output ?? '').includes(this.runId),
            30_000,
          )
        : undefined;
    if (back?.ok !== true)
      this.leftBehind.push(
        `passive state of ${t.core} ${t.host}/${t.service} (was ${before.state}: ${firstLine(String(before.plugin_output ?? ''), 80)})`,
      );
    this.record(
      t,
      'passive restore',
      back?.ok === true ? 'ok' : 'fail',
      back?.ok === true ? `state ${before.state} and output restored` : (rBad ?? 'previous state not back within 30 s'),
    );
  }

  private async submit(t: Target, state: number, tag: string): Promise<boolean> {
    const out = await this.tool('thruk_submit_passive_result', {
      host: t.host,
      service: t.service,
      state,
      output: `thruk-mcp e2e ${tag} ${this.runId}`,
      backends: t.core,
      confirm: true,
    });
    if (this.failed(out) !== undefined) return false;
    return (
      await poll(
        () => this.service(t),
        (s) => s?.state === state && String(s?.plugin_output ?? '').includes(`${tag} ${this.runId}`),
        30_000,
      )
    ).ok;
  }

  /**
   * Stickiness as the core applies it, since Thruk does not expose acknowledgement_type: a normal
   * acknowledgement is dropped by the core on the next change between problem states, a sticky
   * one stays until recovery. Driven on a passive service so the states are ours to choose.
   */
  async stickiness(t: Target): Promise<void> {
    const before = await this.service(t);
    if (before === undefined) return this.record(t, 'sticky semantics', 'fail', 'service not found through /services');
    if (before.acknowledged === 1 || before.acknowledged === true)
      return this.record(t, 'sticky semantics', 'skip', 'already acknowledged by someone else: left alone');
    const acked = async () => {
      const s = await this.service(t);
      return s?.acknowledged === 1 || s?.acknowledged === true;
    };
    for (const sticky of [false, true]) {
      const step = `ack ${sticky ? 'sticky' : 'non-sticky'} on a state change`;
      if (!(await this.submit(t, 1, 'warning'))) {
        this.record(t, step, 'fail', 'could not set WARNING by a passive result');
        break;
      }
      const out = await this.tool('thruk_acknowledge', {
        host: t.host,
        service: t.service,
        sticky,
        notify: false,
        persistent: false,
        comment: `thruk-mcp e2e stickiness ${this.runId}`,
        backends: t.core,
        confirm: true,
      });
      const bad = this.failed(out);
      if (bad !== undefined) {
        this.record(t, step, 'fail', bad);
        break;
      }
      if (!(await poll(acked, (v) => v, 20_000)).ok) {
        this.record(t, step, 'fail', 'acknowledged never became 1');
        break;
      }
      const line = String(out.structured?.commands?.[0]?.line ?? '');
      if (!(await this.submit(t, 2, 'critical'))) {
        this.record(t, step, 'fail', 'could not set CRITICAL by a passive result');
        break;
      }
      // Give the core a moment to apply (or not) the removal.
      const still = sticky ? (await poll(acked, (v) => !v, 5_000)).value : (await poll(acked, (v) => !v, 15_000)).value;
      const right = sticky ? still : !still;
      this.record(
        t,
        step,
        right ? 'ok' : 'fail',
        `${still ? 'still acknowledged' : 'acknowledgement dropped'} after WARNING → CRITICAL (want ${sticky ? 'kept' : 'dropped'}); sent ${line.replace(/;[^;]*$/, ';…')}`,
      );
      if (still) {
        const rm = await this.tool('thruk_remove_acknowledgement', { host: t.host, service: t.service, backends: t.core, confirm: true });
        if (this.failed(rm) !== undefined || !(await poll(acked, (v) => !v, 20_000)).ok)
          this.leftBehind.push(`acknowledgement on ${t.core} ${t.host}/${t.service}`);
      }
    }
    for (const c of await this.rows('comments', t)) await this.deleteComment(t, c.id, 'stickiness comment cleanup');
  }

  /** Anything with our run id still present (a failed delete above): one more try, then report. */
  async sweep(targets: Target[]): Promise<void> {
    for (const t of targets) {
      for (const dt of await this.rows('downtimes', t)) {
        await this.tool('thruk_delete_downtime', { downtime_id: dt.id, backends: t.core, confirm: true });
      }
      for (const c of await this.rows('comments', t)) {
        await this.tool('thruk_delete_comment', { comment_id: c.id, backends: t.core, confirm: true });
      }
    }
  }
}
