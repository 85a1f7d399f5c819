/* eslint-disable @typescript-eslint/no-explicit-any -- answers not read typed yet (issue 16; see test/helpers/harness.ts) */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { connect, type Harness } from './helpers/harness.js';

/* Shared by the tools-history*.test.ts suites (kept under that name: test/helpers belongs to the harness). */

/** Ask the simulator directly (the ground truth our tools must agree with). */
export async function rest(h: Harness, path: string, params: Record<string, string | number> = {}): Promise<any> {
  const url = new URL(`http://sim.invalid/demo/thruk/r${path}`);
  for (const [k, v] of Object.entries(params)) url.searchParams.append(k, String(v));
  const res = await h.sim.fetch(new Request(url, { headers: { 'X-Thruk-Auth-Key': h.config.thruk.apiKey } }));
  assert.equal(res.status, 200, `${path} → ${res.status}`);
  return res.json();
}

/** Sends a command to the simulator as Thruk's REST API would receive it. */
export async function command(h: Harness, path: string, body: Record<string, unknown> = {}): Promise<void> {
  const res = await h.sim.fetch(
    new Request(`http://sim.invalid/demo/thruk/r${path}`, {
      method: 'POST',
      headers: { 'X-Thruk-Auth-Key': h.config.thruk.apiKey, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    }),
  );
  assert.equal(res.status, 200, `${path} → ${res.status}`);
}

/**
 * Makes the simulator's log look like a real Icinga 2 behind Thruk: host-level rows without
 * host_name, and notification columns mis-parsed (command_name = output, state = 3, no output).
 */
export function icinga2Quirks(h: Harness): void {
  for (const e of h.sim.state.logs) {
    if (/^(HOST |(INITIAL|CURRENT) HOST|PASSIVE HOST)/.test(e.type)) e.hostName = null;
    if (/NOTIFICATION$/.test(e.type)) {
      e.commandName = e.pluginOutput;
      e.state = 3;
      e.pluginOutput = '';
    }
  }
}

export function noNulls(text: string): void {
  assert.ok(!/\bnull\b|\bundefined\b|NaN/.test(text), `no nulls in text:\n${text}`);
}

describe('history test support', () => {
  it('makes the simulated log look like Icinga 2 behind Thruk', async () => {
    const h = await connect();
    try {
      icinga2Quirks(h);
      const rows = (await rest(h, '/logs', {
        'time[gte]': Math.floor(Date.now() / 1000) - 7 * 86400,
        type: 'HOST ALERT',
        columns: 'host_name,message',
      })) as Array<{ host_name: unknown }>;
      assert.ok(rows.length > 0 && rows.every((r) => r.host_name === null));
      const n = (await rest(h, '/logs', { 'time[gte]': Math.floor(Date.now() / 1000) - 7 * 86400, class: 3, columns: 'state' })) as Array<{
        state: number;
      }>;
      assert.ok(n.length > 0 && n.every((r) => r.state === 3));
    } finally {
      await h.close();
    }
  });
});
