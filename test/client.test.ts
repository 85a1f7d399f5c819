import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  ThrukClient,
  backendsPrefix,
  buildQuery,
  canSendReadAsPost,
  displayPath,
  encodeForm,
  encodeSegment,
  fetchHandlerSend,
  pathOf,
} from '../src/thruk/client.js';
import type { HttpRequest, HttpResponse, HttpSend, ThrukRequestInfo, ThrukClientOptions } from '../src/thruk/client.js';
import {
  ThrukError,
  ThrukHttpError,
  ThrukNetworkError,
  ThrukResponseError,
  ThrukTimeoutError,
  isThrukError,
  shortDescription,
} from '../src/thruk/errors.js';
import { backoffDelay, isQueryError, isRetryableNetworkCode, parseRetryAfter, retryDelay } from '../src/thruk/retry.js';
import { deepFreeze, isCacheablePath } from '../src/thruk/cache.js';
import { Semaphore } from '../src/thruk/semaphore.js';

// ---------------------------------------------------------------- fakes

const KEY = '3f0c1d2e4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0_1';
const BASE = 'https://mon.example.com/demo/thruk/';

type Step = HttpResponse | Error | ((req: HttpRequest) => Promise<HttpResponse>);

function json(status: number, value: unknown, headers: Record<string, string> = {}): HttpResponse {
  return { status, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(value) };
}

function netError(code: string, message = `connect ${code} 10.0.0.1:443`): Error {
  return Object.assign(new Error(message), { code });
}

/** Scripted send: consumes `steps` in order, then answers `fallback` (200 []). */
function scripted(steps: Step[] = [], fallback: HttpResponse = json(200, [])) {
  const requests: HttpRequest[] = [];
  const queue = [...steps];
  const send: HttpSend = async (req) => {
    requests.push(req);
    const step = queue.shift() ?? fallback;
    if (step instanceof Error) throw step;
    if (typeof step === 'function') return step(req);
    return step;
  };
  return { send, requests };
}

/** A send that only settles when its signal aborts. */
const hangingSend: HttpSend = (req) =>
  new Promise((_, reject) => {
    req.signal.addEventListener('abort', () => reject(new Error('aborted by signal')), { once: true });
  });

interface Harness {
  client: ThrukClient;
  requests: HttpRequest[];
  sleeps: number[];
  clock: { t: number };
}

function harness(steps: Step[] = [], opts: Partial<ThrukClientOptions> = {}): Harness {
  const { send, requests } = scripted(steps);
  const sleeps: number[] = [];
  const clock = { t: 1_000_000 };
  const client = new ThrukClient({
    baseUrl: BASE,
    apiKey: KEY,
    send,
    sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
    random: () => 0,
    now: () => clock.t,
    ...opts,
  });
  return { client, requests, sleeps, clock };
}

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    if (e instanceof Error) return e;
    throw new Error(`rejected with a non-Error: ${String(e)}`);
  }
  throw new Error('expected a rejection');
}

/** Not the key, and not any 8-character piece of it (a clipped key is still a leak). */
function assertNoKey(...texts: unknown[]): void {
  for (const t of texts) {
    const s = JSON.stringify(t ?? '');
    for (let i = 0; i + 8 <= KEY.length; i++) assert.ok(!s.includes(KEY.slice(i, i + 8)), `API key leaked in ${s}`);
  }
}

// ---------------------------------------------------------------- URL building

void describe('encodeSegment / pathOf', () => {
  void it('fully percent-encodes awkward names', () => {
    assert.equal(pathOf('services', 'db-03', 'disk /'), '/services/db-03/disk%20%2F');
    assert.equal(encodeSegment('a?b#c%d'), 'a%3Fb%23c%25d');
    assert.equal(encodeSegment(`it's "quoted" (x)!*`), 'it%27s%20%22quoted%22%20%28x%29%21%2A');
    assert.equal(encodeSegment('Zürich ☃'), 'Z%C3%BCrich%20%E2%98%83');
    assert.equal(encodeSegment('C:\\ disk ~'), 'C%3A%5C%20disk%20~');
    assert.equal(encodeSegment('...'), '...');
  });

  void it('refuses empty and dot-segments and unpaired surrogates', () => {
    for (const bad of ['', '.', '..']) assert.throws(() => encodeSegment(bad), TypeError);
    assert.throws(() => pathOf('hosts', '..'), /dot-segments/);
    assert.throws(() => encodeSegment('a\uD800b'), /surrogate/);
  });

  void it('round-trips and survives WHATWG URL parsing unchanged (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', minLength: 1 }), (s) => {
        fc.pre(s !== '.' && s !== '..');
        const enc = encodeSegment(s);
        assert.match(enc, /^[A-Za-z0-9\-_.~%]+$/);
        assert.equal(decodeURIComponent(enc), s);
        assert.equal(new URL(`https://h/thruk/r/hosts/${enc}/x`).pathname, `/thruk/r/hosts/${enc}/x`);
      }),
      { numRuns: 300 },
    );
  });
});

void describe('pure URL helpers', () => {
  void it('builds the backends prefix', () => {
    assert.equal(backendsPrefix(undefined), '');
    assert.equal(backendsPrefix([]), '');
    assert.equal(backendsPrefix(['site a', 'b/c', 'ä', 'x,y']), '/sites/site%20a,b%2Fc,%C3%A4,x%2Cy');
  });

  void it('keeps repeated query keys in order', () => {
    assert.equal(
      buildQuery([
        ['sort', 'name'],
        ['sort', '-state'],
        ['name[regex]', '^web '],
        ['q', '***state != 0***'],
      ]),
      'sort=name&sort=-state&name%5Bregex%5D=%5Eweb+&q=***state+%21%3D+0***',
    );
    assert.equal(buildQuery([]), '');
  });

  void it('sends one q: several are AND-ed, as Thruk reads a repeated q as the text ARRAY(0x…)', () => {
    const sp = new URLSearchParams(
      buildQuery([
        ['q', '***state != 0***'],
        ['columns', 'name'],
        ['q', '(name = "a" or name = "b")'],
      ]),
    );
    assert.deepEqual(sp.getAll('q'), ['(state != 0) and ((name = "a" or name = "b"))']);
    assert.deepEqual([...sp.keys()], ['q', 'columns']);
    assert.equal(new URLSearchParams(buildQuery([['q', '***state != 0***']])).get('q'), '***state != 0***');
  });

  void it('truncates long display paths', () => {
    assert.equal(displayPath('/hosts', 'a=1'), '/hosts?a=1');
    const long = displayPath('/hosts', 'q=' + 'x'.repeat(500));
    assert.equal(long.length, 200);
    assert.ok(long.endsWith('…'));
  });

  void it('encodes form bodies with booleans as 1/0', () => {
    assert.equal(
      encodeForm({ comment_data: 'a b&c', sticky_ack: 2, notify: true, persistent: false }),
      'comment_data=a+b%26c&sticky_ack=2&notify=1&persistent=0',
    );
  });

  void it('sends long reads as POST only on read tables', () => {
    assert.ok(canSendReadAsPost('/hosts'));
    assert.ok(canSendReadAsPost('/services/h/s'));
    assert.ok(canSendReadAsPost('/logs'));
    assert.ok(!canSendReadAsPost('/hosts/h/cmd/schedule_forced_host_check'));
    assert.ok(!canSendReadAsPost('/hosts/h/config'));
    assert.ok(!canSendReadAsPost('/thruk/api_keys'));
    assert.ok(!canSendReadAsPost('/system/cmd/x'));
    assert.ok(!canSendReadAsPost('/config/objects'));
  });
});

void describe('ThrukClient URL and headers', () => {
  void it('builds URLs from an OMD base with trailing slash, backends and repeated keys', async () => {
    const h = harness();
    await h.client.get('/hosts', {
      query: [
        ['columns', 'name,state'],
        ['state[ne]', '0'],
        ['state[ne]', '1'],
      ],
    });
    await h.client.get(pathOf('services', 'db-03', 'disk /'), { backends: ['site a', 'b/c'] });
    assert.equal(h.requests[0]!.url, 'https://mon.example.com/demo/thruk/r/hosts?columns=name%2Cstate&state%5Bne%5D=0&state%5Bne%5D=1');
    assert.equal(h.requests[1]!.url, 'https://mon.example.com/demo/thruk/r/sites/site%20a,b%2Fc/services/db-03/disk%20%2F');
    assert.equal(h.requests[0]!.method, 'GET');
    assert.equal(h.requests[0]!.body, undefined);
  });

  void it('accepts a pasted REST root and a base without OMD site', async () => {
    for (const [base, want] of [
      ['https://mon.example.com/demo/thruk/r/', 'https://mon.example.com/demo/thruk/r/hosts'],
      ['https://mon.example.com/thruk/r/v1', 'https://mon.example.com/thruk/r/hosts'],
      ['http://10.0.0.5:8080/thruk', 'http://10.0.0.5:8080/thruk/r/hosts'],
    ] as const) {
      const h = harness([], { baseUrl: base });
      await h.client.get('/hosts');
      assert.equal(h.requests[0]!.url, want);
    }
    assert.throws(() => harness([], { baseUrl: 'mon.example.com/thruk' }), TypeError);
    assert.throws(() => harness([], { baseUrl: 'ftp://mon.example.com/thruk' }), /http/);
  });

  void it('refuses paths without a leading slash or with an inline query', async () => {
    const h = harness();
    await assert.rejects(h.client.get('hosts'), TypeError);
    await assert.rejects(h.client.get('/hosts?state=1'), /opts\.query/);
  });

  void it('uses defaultBackends unless the call passes its own ([] = none)', async () => {
    const h = harness([], { defaultBackends: ['berlin', 'paris'] });
    await h.client.get('/hosts');
    await h.client.get('/hosts', { backends: ['rome'] });
    await h.client.get('/hosts', { backends: [] });
    await h.client.post('/hosts/h/cmd/schedule_forced_host_check', { start_time: 'now' });
    assert.deepEqual(
      h.requests.map((r) => r.url.replace('https://mon.example.com/demo/thruk', '')),
      ['/r/sites/berlin,paris/hosts', '/r/sites/rome/hosts', '/r/hosts', '/r/sites/berlin,paris/hosts/h/cmd/schedule_forced_host_check'],
    );
  });

  void it('sends the key, Accept, and the user only when configured', async () => {
    const a = harness();
    await a.client.get('/hosts');
    assert.deepEqual(a.requests[0]!.headers, { 'X-Thruk-Auth-Key': KEY, Accept: 'application/json' });
    const b = harness([json(200, { id: 'alice' })], { authUser: 'alice' });
    await b.client.get('/hosts');
    // The impersonated user is first verified with whoami, then the request itself goes out.
    assert.deepEqual(
      b.requests.map((r) => [r.url.replace(/^.*\/r/, ''), r.headers['X-Thruk-Auth-User']]),
      [
        ['/thruk/whoami', 'alice'],
        ['/hosts', 'alice'],
      ],
    );
    const c = harness([json(200, { id: '(api)' })], { authUser: 'alice' });
    await assert.rejects(c.client.get('/hosts'), {
      name: 'ThrukIdentityError',
      message: /acts as '\(api\)', not as the requested user 'alice'/,
    });
    assert.equal(c.requests.length, 1, 'only the check went out');
  });

  void it('posts commands as a form with query appended and booleans as 1/0', async () => {
    const h = harness([json(200, { message: 'Command successfully submitted', commands: ['X'] })]);
    const out = await h.client.post<{ message: string }>(
      pathOf('services', 'web-01', 'disk /', 'cmd', 'acknowledge_svc_problem'),
      { comment_data: 'on it', sticky_ack: 2, send_notification: true, persistent_comment: false },
      { query: [['x', '1']] },
    );
    assert.equal(out.message, 'Command successfully submitted');
    const r = h.requests[0]!;
    assert.equal(r.method, 'POST');
    assert.equal(r.url, 'https://mon.example.com/demo/thruk/r/services/web-01/disk%20%2F/cmd/acknowledge_svc_problem?x=1');
    assert.equal(r.headers['Content-Type'], 'application/x-www-form-urlencoded');
    assert.equal(r.body, 'comment_data=on+it&sticky_ack=2&send_notification=1&persistent_comment=0');
  });

  void it('sends a long query as POST with a form body to the same path, and retries it as a read', async () => {
    const big = 'x'.repeat(5000);
    const h = harness([json(503, { code: 503, message: 'No backend available' })]);
    const out = await h.client.get('/services', {
      query: [
        ['q', `***host_name ~ "${big}"***`],
        ['columns', 'description'],
      ],
    });
    assert.deepEqual(out, []);
    assert.equal(h.requests.length, 2);
    for (const r of h.requests) {
      assert.equal(r.method, 'POST');
      assert.equal(r.url, 'https://mon.example.com/demo/thruk/r/services');
      assert.equal(r.headers['Content-Type'], 'application/x-www-form-urlencoded');
      assert.equal(new URLSearchParams(r.body).get('q'), `***host_name ~ "${big}"***`);
    }
    const cmd = harness();
    await cmd.client.get('/thruk/jobs', { query: [['q', big]] });
    assert.equal(cmd.requests[0]!.method, 'GET');
    const small = harness([], { postThreshold: 10 });
    await small.client.get('/hosts', { query: [['name', 'abcdefghijk']] });
    assert.equal(small.requests[0]!.method, 'POST');
  });
});

// ---------------------------------------------------------------- errors

void describe('errors', () => {
  void it('maps a Thruk 403 to ThrukHttpError with a self-describing message', async () => {
    const h = harness([json(403, { code: 403, message: 'wrong authentication key', failed: true })]);
    const e = await rejection(h.client.get('/hosts'));
    assert.ok(e instanceof ThrukHttpError);
    assert.ok(isThrukError(e));
    assert.equal(e.name, 'ThrukHttpError');
    assert.equal(e.message, 'Thruk GET /hosts failed: 403 wrong authentication key');
    assert.equal(e.status, 403);
    assert.equal(e.method, 'GET');
    assert.equal(e.path, '/hosts');
    assert.equal(e.thrukMessage, 'wrong authentication key');
    assert.equal(e.thrukDescription, undefined);
    assert.equal(h.requests.length, 1);
  });

  void it('never leaks the key, even when the server echoes it', async () => {
    const echo = { code: 403, message: `wrong authentication key ${KEY}`, description: `key '${KEY}' is unknown` };
    const infos: ThrukRequestInfo[] = [];
    const h = harness([json(403, echo)], { onRequest: (i) => infos.push(i) });
    const e = await rejection(h.client.get('/hosts', { query: [['note', KEY]] }));
    assert.ok(e instanceof ThrukHttpError);
    assertNoKey(e.message, e.thrukMessage, e.thrukDescription, e.path, e.stack, infos, { ...e });
    assert.match(e.message, /\[redacted\]/);
    const n = harness([netError('ECONNREFUSED', `refused while sending ${KEY}`)], { retries: 0 });
    const ne = await rejection(n.client.get('/hosts'));
    assertNoKey(ne.message, { ...ne });
    // Keys straddling the places where long texts get clipped.
    const pad = (n: number): string => 'x'.repeat(n);
    const long = harness([json(500, { code: 500, message: `${pad(190)}${KEY}`, description: `${pad(1980)}${KEY}` })], { retries: 0 });
    const le = await rejection(long.client.get('/hosts', { query: [['q', `${pad(180)}${KEY}`]] }));
    assertNoKey(le.message, { ...le });
    const longNet = harness([netError('EWEIRD', `${pad(190)}${KEY}`)], { retries: 0 });
    const lne = await rejection(longNet.client.get('/hosts'));
    assertNoKey(lne.message);
    const weird = harness([netError('EWEIRD', `odd failure with ${KEY}`)], { retries: 0 });
    const we = await rejection(weird.client.get('/hosts'));
    assert.match(we.message, /odd failure with \[redacted\] \(EWEIRD\)/);
  });

  void it('handles Thruk 500 query errors: description in the message, Perl location dropped, not retried', async () => {
    const h = harness([
      json(500, {
        code: 500,
        message: 'error during request',
        description: 'parse error at "name ~~ foo" at /omd/versions/default/share/thruk/lib/Thruk/Utils/Status.pm line 1234.',
      }),
    ]);
    const e = await rejection(h.client.get('/hosts', { query: [['q', 'name ~~ foo']] }));
    assert.ok(e instanceof ThrukHttpError);
    assert.equal(e.message, 'Thruk GET /hosts?q=name+%7E%7E+foo failed: 500 error during request: parse error at "name ~~ foo"');
    assert.match(e.thrukDescription!, /Status\.pm line 1234/);
    assert.equal(h.requests.length, 1);
    assert.deepEqual(h.sleeps, []);
  });

  void it('uses a status phrase for HTML and empty error bodies', async () => {
    const html = harness([{ status: 502, headers: { 'content-type': 'text/html' }, body: '<html><body>Bad Gateway</body></html>' }], {
      retries: 0,
    });
    assert.equal((await rejection(html.client.get('/hosts'))).message, 'Thruk GET /hosts failed: 502 bad gateway');
    const empty = harness([{ status: 401, headers: {}, body: '' }]);
    assert.equal((await rejection(empty.client.get('/hosts'))).message, 'Thruk GET /hosts failed: 401 unauthorized (login required)');
    const redirect = harness([{ status: 302, headers: { location: 'https://mon.example.com/demo/thruk/cgi-bin/login.cgi?x' }, body: '' }]);
    assert.match(
      (await rejection(redirect.client.get('/hosts'))).message,
      /302 unexpected redirect to \/demo\/thruk\/cgi-bin\/login\.cgi \(login page\?/,
    );
  });

  void it('maps unparseable 2xx bodies to ThrukResponseError', async () => {
    const h = harness([
      { status: 200, headers: {}, body: '[{"name":"web-0' },
      { status: 200, headers: {}, body: '<!DOCTYPE html><title>Login</title>' },
      { status: 200, headers: {}, body: '' },
      { status: 204, headers: {}, body: '' },
    ]);
    const a = await rejection(h.client.get('/hosts'));
    assert.ok(a instanceof ThrukResponseError);
    assert.equal(a.name, 'ThrukResponseError');
    assert.equal(a.message, 'Thruk returned malformed JSON for GET /hosts (truncated response?)');
    assert.equal(
      (await rejection(h.client.get('/hosts'))).message,
      'Thruk returned HTML instead of JSON for GET /hosts (wrong base URL or a login page?)',
    );
    assert.equal(
      (await rejection(h.client.get('/hosts'))).message,
      'Thruk returned an empty response for GET /hosts (truncated response?)',
    );
    assert.equal(await h.client.get('/hosts'), null);
    assert.equal(h.requests.length, 4);
  });

  void it('maps network errors with their codes; TLS and DNS errors are not retried', async () => {
    const h = harness([netError('ECONNREFUSED')], { retries: 0 });
    const e = await rejection(h.client.get('/hosts'));
    assert.ok(e instanceof ThrukNetworkError);
    assert.equal(e.code, 'ECONNREFUSED');
    assert.equal(e.message, 'Thruk GET /hosts failed: connection refused (ECONNREFUSED)');
    for (const code of ['CERT_HAS_EXPIRED', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'ENOTFOUND']) {
      const t = harness([netError(code)]);
      const te = await rejection(t.client.get('/hosts'));
      assert.ok(te instanceof ThrukNetworkError);
      assert.equal(te.code, code);
      assert.equal(t.requests.length, 1, code);
    }
    const self = await rejection(harness([netError('DEPTH_ZERO_SELF_SIGNED_CERT')]).client.get('/hosts'));
    assert.match(self.message, /TLS certificate not trusted \(DEPTH_ZERO_SELF_SIGNED_CERT\); configure a CA bundle/);
    const cause = Object.assign(new Error('fetch failed'), { cause: netError('ECONNRESET') });
    const c = await rejection(harness([cause], { retries: 0 }).client.get('/hosts'));
    assert.equal((c as ThrukNetworkError).code, 'ECONNRESET');
  });

  void it('has literal names and a shared base class', () => {
    const init = { method: 'GET', path: '/x' };
    assert.equal(new ThrukError('m', init).name, 'ThrukError');
    assert.equal(new ThrukTimeoutError('m', { ...init, timeoutMs: 1 }).name, 'ThrukTimeoutError');
    assert.equal(new ThrukNetworkError('m', { ...init, reason: 'r' }).name, 'ThrukNetworkError');
    assert.ok(new ThrukResponseError('m', init) instanceof ThrukError);
    assert.ok(!isThrukError(new Error('x')));
    assert.equal(shortDescription('bad thing at /a/b.pm line 3.'), 'bad thing');
  });
});

// ---------------------------------------------------------------- retries

void describe('retries', () => {
  void it('retries GET on 503 honouring Retry-After seconds', async () => {
    const h = harness([json(503, { code: 503, message: 'No backend available' }, { 'retry-after': '2' }), json(200, [{ name: 'a' }])]);
    assert.deepEqual(await h.client.get('/hosts'), [{ name: 'a' }]);
    assert.equal(h.requests.length, 2);
    assert.deepEqual(h.sleeps, [2000]);
  });

  void it('retries 429 with an HTTP-date Retry-After and caps it at 30 s', async () => {
    const h = harness();
    const at = new Date(h.clock.t + 7000).toUTCString();
    const far = new Date(h.clock.t + 3_600_000).toUTCString();
    const g = harness(
      [
        { status: 429, headers: { 'Retry-After': at }, body: '' },
        { status: 429, headers: { 'retry-after': far }, body: '' },
      ],
      { now: () => h.clock.t },
    );
    await g.client.get('/hosts');
    assert.equal(g.sleeps.length, 2);
    assert.ok(g.sleeps[0]! > 5000 && g.sleeps[0]! <= 7000, String(g.sleeps[0]));
    assert.equal(g.sleeps[1], 30_000);
  });

  void it('retries network errors (ECONNRESET, socket closed) and timeouts from the transport', async () => {
    const h = harness([netError('ECONNRESET'), netError('UND_ERR_SOCKET', 'other side closed'), json(200, { ok: 1 })]);
    assert.deepEqual(await h.client.get('/thruk'), { ok: 1 });
    assert.equal(h.requests.length, 3);
    assert.deepEqual(h.sleeps, [400, 800]);
  });

  void it('retries generic 500/502/504 but not 400/403/404 or query errors', async () => {
    for (const status of [500, 502, 504]) {
      const h = harness([{ status, headers: {}, body: '<html>oops</html>' }]);
      await h.client.get('/hosts');
      assert.equal(h.requests.length, 2, String(status));
    }
    for (const status of [400, 401, 403, 404]) {
      const h = harness([json(status, { code: status, message: 'nope' })]);
      await assert.rejects(h.client.get('/hosts'), ThrukHttpError);
      assert.equal(h.requests.length, 1, String(status));
    }
    for (const description of [
      'invalid regex in name ~~ "("',
      'unsupported operator: ==',
      'sort key contains invalid characters',
      'expected closing bracket',
    ]) {
      const h = harness([json(500, { code: 500, message: 'error during request', description })]);
      await assert.rejects(h.client.get('/hosts'), ThrukHttpError);
      assert.equal(h.requests.length, 1, description);
    }
    const lq = harness([json(500, { code: 500, message: 'error during request', description: 'failed to connect to livestatus' })]);
    await lq.client.get('/hosts');
    assert.equal(lq.requests.length, 2);
  });

  void it('caps the retry count and says how many attempts were made', async () => {
    const always = Array.from({ length: 10 }, () => json(503, { code: 503, message: 'No backend available' }));
    const h = harness(always);
    const e = await rejection(h.client.get('/hosts'));
    assert.equal(h.requests.length, 4);
    assert.equal(e.message, 'Thruk GET /hosts failed: 503 No backend available (4 attempts)');
    assert.equal((e as ThrukError).attempts, 4);
    const none = harness(always.slice(), { retries: 0 });
    await assert.rejects(none.client.get('/hosts'));
    assert.equal(none.requests.length, 1);
  });

  void it('grows the backoff exponentially, caps it at 5 s and adds up to 25 % jitter', async () => {
    const always = Array.from({ length: 10 }, () => ({ status: 503, headers: {}, body: '' }));
    const h = harness(always, { retries: 6 });
    await assert.rejects(h.client.get('/hosts'));
    assert.deepEqual(h.sleeps, [400, 800, 1600, 3200, 5000, 5000]);
    assert.deepEqual(
      [0, 1, 2, 3, 4, 5].map((n) => backoffDelay(n, () => 1)),
      [500, 1000, 2000, 4000, 6250, 6250],
    );
    assert.equal(
      backoffDelay(0, () => 0.5),
      450,
    );
  });

  void it('never retries beyond the overall deadline (2 × timeout)', async () => {
    const h = harness([json(503, {}, { 'retry-after': '25' })], { timeoutMs: 10_000 });
    await assert.rejects(h.client.get('/hosts'), ThrukHttpError);
    assert.equal(h.requests.length, 1);
    assert.deepEqual(h.sleeps, []);
    // The clock moves: the third attempt would start after the deadline.
    const clock = { t: 0 };
    const moving = harness(
      Array.from({ length: 5 }, () => () => {
        clock.t += 9_500;
        return Promise.resolve({ status: 503, headers: {}, body: '' });
      }),
      { timeoutMs: 10_000, now: () => clock.t },
    );
    await assert.rejects(moving.client.get('/hosts'), /\(2 attempts\)/);
    assert.equal(moving.requests.length, 2);
  });

  void it('never retries a POST after it may have been sent', async () => {
    for (const step of [
      json(503, { code: 503, message: 'No backend available' }),
      netError('ECONNRESET'),
      json(500, {}),
      netError('UND_ERR_SOCKET'),
    ]) {
      const h = harness([step]);
      await assert.rejects(h.client.post('/hosts/h/cmd/schedule_forced_host_check', { start_time: 'now' }));
      assert.equal(h.requests.length, 1);
    }
  });

  void it('retries a POST once when the connection was refused (nothing was sent)', async () => {
    const ok = harness([netError('ECONNREFUSED'), json(200, { message: 'ok' })]);
    assert.deepEqual(await ok.client.post('/hosts/h/cmd/x', {}), { message: 'ok' });
    assert.equal(ok.requests.length, 2);
    const twice = harness([netError('ECONNREFUSED'), netError('ECONNREFUSED'), json(200, {})]);
    const e = await rejection(twice.client.post('/hosts/h/cmd/x', {}));
    assert.equal(e.message, 'Thruk POST /hosts/h/cmd/x failed: connection refused (ECONNREFUSED) (2 attempts)');
    assert.equal(twice.requests.length, 2);
  });

  void it('has pure retry helpers', () => {
    assert.equal(parseRetryAfter(undefined, 0), undefined);
    assert.equal(parseRetryAfter(' 3 ', 0), 3000);
    assert.equal(parseRetryAfter('0.5', 0), 500);
    assert.equal(parseRetryAfter('soon', 0), undefined);
    assert.equal(parseRetryAfter(new Date(0).toUTCString(), 10_000), 0);
    assert.equal(retryDelay({ retryIndex: 0, retryAfterMs: 90_000, random: () => 0, remainingMs: 60_000, minAttemptMs: 1000 }), 30_000);
    assert.equal(retryDelay({ retryIndex: 0, retryAfterMs: undefined, random: () => 0, remainingMs: 1000, minAttemptMs: 1000 }), undefined);
    assert.ok(isQueryError(500, 'error during request', 'unknown operator !!='));
    assert.ok(!isQueryError(400, 'possible typo in filter'));
    assert.ok(isRetryableNetworkCode(undefined));
    assert.ok(!isRetryableNetworkCode('ERR_TLS_CERT_ALTNAME_INVALID'));
  });
});

// ---------------------------------------------------------------- timeouts and aborts

void describe('timeouts and aborts', () => {
  void it('times out an attempt that never answers', async () => {
    const seen: AbortSignal[] = [];
    const send: HttpSend = (req) => {
      seen.push(req.signal);
      return hangingSend(req);
    };
    const h = harness([], { send, timeoutMs: 50, now: Date.now });
    const t0 = Date.now();
    const e = await rejection(h.client.get('/hosts'));
    assert.ok(e instanceof ThrukTimeoutError);
    assert.equal(e.message, 'Thruk GET /hosts timed out after 0.05 s');
    assert.equal(e.timeoutMs, 50);
    assert.ok(Date.now() - t0 < 1000);
    assert.equal(seen.length, 1, 'no time left for a retry within 2 × timeout');
    assert.ok(seen[0]!.aborted);
  });

  void it('times out even when the send ignores its signal', async () => {
    let calls = 0;
    const send: HttpSend = () => {
      calls++;
      return new Promise<HttpResponse>(() => undefined);
    };
    const h = harness([], { send, timeoutMs: 20 });
    const e = await rejection(h.client.get('/hosts'));
    assert.ok(e instanceof ThrukTimeoutError);
    assert.equal(calls, 1);
  });

  void it('retries reads after transport timeouts, never commands', async () => {
    const t = (): Error => new ThrukTimeoutError('x', { method: 'GET', path: '/r/hosts', timeoutMs: 30_000 });
    const h = harness([t(), t(), json(200, [])]);
    assert.deepEqual(await h.client.get('/hosts'), []);
    assert.deepEqual(h.sleeps, [400, 800]);
    const p = harness([t()]);
    const e = await rejection(p.client.post('/hosts/h/cmd/x', {}));
    assert.equal(e.message, 'Thruk POST /hosts/h/cmd/x timed out after 30 s');
    assert.equal(p.requests.length, 1);
  });

  void it('rejects at once with an AbortError when the caller aborts, without retrying', async () => {
    let calls = 0;
    const send: HttpSend = (req) => {
      calls++;
      return hangingSend(req);
    };
    const h = harness([], { send });
    const ac = new AbortController();
    const p = h.client.get('/hosts', { signal: ac.signal });
    setTimeout(() => ac.abort(), 10);
    const e = await rejection(p);
    assert.equal(e.name, 'AbortError');
    assert.ok(!isThrukError(e));
    assert.equal(calls, 1);
    const pre = harness();
    await assert.rejects(pre.client.get('/hosts', { signal: AbortSignal.abort() }), { name: 'AbortError' });
    assert.equal(pre.requests.length, 0);
  });

  void it('stops waiting during the backoff sleep when the caller aborts', async () => {
    const { send, requests } = scripted([json(503, {}, { 'retry-after': '20' })]);
    const client = new ThrukClient({ baseUrl: BASE, apiKey: KEY, send });
    const ac = new AbortController();
    const t0 = Date.now();
    const p = client.get('/hosts', { signal: ac.signal });
    setTimeout(() => ac.abort(new Error('user went away')), 30);
    await assert.rejects(p, /user went away/);
    assert.ok(Date.now() - t0 < 2000);
    assert.equal(requests.length, 1);
  });
});

// ---------------------------------------------------------------- concurrency and coalescing

void describe('concurrency cap', () => {
  void it('never has more than maxConcurrent requests in flight, FIFO', async () => {
    let inFlight = 0;
    let max = 0;
    const order: string[] = [];
    const send: HttpSend = async (req) => {
      order.push(new URL(req.url).searchParams.get('i')!);
      inFlight++;
      max = Math.max(max, inFlight);
      await new Promise((r) => setTimeout(r, 5));
      inFlight--;
      return json(200, []);
    };
    const h = harness([], { send, maxConcurrent: 2 });
    await Promise.all(Array.from({ length: 8 }, (_, i) => h.client.get('/hosts', { query: [['i', String(i)]] })));
    assert.equal(max, 2);
    assert.deepEqual(order, ['0', '1', '2', '3', '4', '5', '6', '7']);
  });

  void it('lets queued waiters leave on abort', async () => {
    const sem = new Semaphore(1);
    const release = await sem.acquire();
    const ac = new AbortController();
    const waiting = sem.acquire(ac.signal);
    assert.equal(sem.waiting, 1);
    ac.abort();
    await assert.rejects(waiting, { name: 'AbortError' });
    assert.equal(sem.waiting, 0);
    release();
    assert.equal(sem.active, 0);
  });
});

void describe('coalescing', () => {
  void it('shares one request between identical GETs, each caller gets its own copy', async () => {
    const gate = deferred<HttpResponse>();
    const h = harness([() => gate.promise]);
    const a = h.client.get<{ name: string }[]>('/hosts', { query: [['name', 'x']] });
    const b = h.client.get<{ name: string }[]>('/hosts', { query: [['name', 'x']] });
    const c = h.client.get('/hosts', { query: [['name', 'y']] });
    gate.resolve(json(200, [{ name: 'x' }]));
    const [ra, rb] = await Promise.all([a, b, c]);
    assert.equal(h.requests.length, 2);
    assert.deepEqual(ra, rb);
    ra[0]!.name = 'mutated';
    assert.equal(rb[0]!.name, 'x');
  });

  void it('does not share between different users', async () => {
    // whoami answers with the impersonated user (the identity check), /hosts with rows.
    const { send, requests } = scripted([], json(200, []));
    const echo: HttpSend = async (req) =>
      req.url.endsWith('/thruk/whoami') ? (requests.push(req), json(200, { id: req.headers['X-Thruk-Auth-User'] })) : send(req);
    const mk = (authUser: string) => new ThrukClient({ baseUrl: BASE, apiKey: KEY, send: echo, authUser });
    await Promise.all([mk('alice').get('/hosts'), mk('bob').get('/hosts')]);
    assert.equal(requests.filter((r) => r.url.endsWith('/hosts')).length, 2);
  });

  void it('a caller abort does not cancel the shared request; the last one out does', async () => {
    const gate = deferred<HttpResponse>();
    let shared: AbortSignal | undefined;
    const h = harness([
      (req) => {
        shared = req.signal;
        return gate.promise;
      },
    ]);
    const ac = new AbortController();
    const a = h.client.get('/hosts', { signal: ac.signal });
    const b = h.client.get('/hosts');
    await new Promise((r) => setImmediate(r));
    ac.abort();
    await assert.rejects(a, { name: 'AbortError' });
    assert.equal(shared!.aborted, false);
    gate.resolve(json(200, [1]));
    assert.deepEqual(await b, [1]);
    assert.equal(h.requests.length, 1);

    const x = new AbortController();
    const y = new AbortController();
    const lone = harness([(req) => hangingSend(req)]);
    const px = lone.client.get('/hosts', { signal: x.signal });
    const py = lone.client.get('/hosts', { signal: y.signal });
    await new Promise((r) => setImmediate(r));
    x.abort();
    y.abort();
    await Promise.all([assert.rejects(px), assert.rejects(py)]);
    await new Promise((r) => setImmediate(r));
    assert.equal(lone.requests[0]!.signal.aborted, true);
    // A newcomer starts afresh instead of joining the cancelled job.
    assert.deepEqual(await lone.client.get('/hosts'), []);
    assert.equal(lone.requests.length, 2);
  });
});

// ---------------------------------------------------------------- cache

void describe('cache', () => {
  void it('has a per-path policy', () => {
    for (const p of [
      '/sites',
      '/processinfo',
      '/processinfo/stats',
      '/checks/stats',
      '/hosts/stats',
      '/hosts/totals',
      '/services/stats',
      '/services/totals',
      '/hostgroups/linux%20boxes/stats',
      '/servicegroups/x/stats',
      '/contacts',
      '/contacts/alice',
      '/contactgroups',
      '/timeperiods/24x7',
      '/commands',
      '/thruk',
      '/thruk/whoami',
      '/hosts/stats/',
    ]) {
      assert.ok(isCacheablePath(p), p);
    }
    for (const p of [
      '/hosts',
      '/services',
      '/hosts/web-01',
      '/hostgroups/x',
      '/downtimes',
      '/comments',
      '/thruk/jobs',
      '/commandsx',
      '/hosts/h/commandline',
      '/logs',
      '/hostgroups/a/b/stats',
    ]) {
      assert.ok(!isCacheablePath(p), p);
    }
  });

  void it('serves cacheable GETs from the cache until the TTL expires', async () => {
    const infos: ThrukRequestInfo[] = [];
    const h = harness([json(200, { total: 1 }), json(200, { total: 2 })], { onRequest: (i) => infos.push(i) });
    assert.deepEqual(await h.client.get('/hosts/stats'), { total: 1 });
    h.clock.t += 14_999;
    assert.deepEqual(await h.client.get('/hosts/stats'), { total: 1 });
    assert.equal(h.requests.length, 1);
    assert.ok(infos.some((i) => i.cached === true));
    h.clock.t += 1;
    assert.deepEqual(await h.client.get('/hosts/stats'), { total: 2 });
    assert.equal(h.requests.length, 2);
  });

  void it('keys by query and backends, honours cache: true|false and ttl 0', async () => {
    const h = harness();
    await h.client.get('/hosts/stats');
    await h.client.get('/hosts/stats', { backends: ['a'] });
    await h.client.get('/hosts/stats', { query: [['columns', 'total']] });
    await h.client.get('/hosts/stats', { cache: false });
    await h.client.get('/hosts');
    await h.client.get('/hosts');
    await h.client.get('/downtimes', { cache: true });
    await h.client.get('/downtimes', { cache: true });
    assert.equal(h.requests.length, 7);
    const off = harness([], { cacheTtlMs: 0 });
    await off.client.get('/sites');
    await off.client.get('/sites');
    assert.equal(off.requests.length, 2);
  });

  void it('is bounded by cacheMax (LRU)', async () => {
    const h = harness([], { cacheMax: 2 });
    for (const p of ['/sites', '/thruk', '/processinfo', '/sites']) await h.client.get(p);
    assert.equal(h.requests.length, 4);
    await h.client.get('/processinfo');
    assert.equal(h.requests.length, 4);
  });

  void it('is cleared by any POST, successful or not', async () => {
    const h = harness([
      json(200, { v: 1 }),
      json(200, {}),
      json(200, { v: 2 }),
      json(400, { code: 400, message: 'missing argument: comment_data' }),
      json(200, { v: 3 }),
    ]);
    assert.deepEqual(await h.client.get('/sites'), { v: 1 });
    await h.client.post('/hosts/h/cmd/x', {});
    assert.deepEqual(await h.client.get('/sites'), { v: 2 });
    await assert.rejects(h.client.post('/hosts/h/cmd/y', {}), ThrukHttpError);
    assert.deepEqual(await h.client.get('/sites'), { v: 3 });
    h.client.invalidate();
    await h.client.get('/sites');
    assert.equal(h.requests.length, 6);
  });

  void it('does not store an answer that started before an invalidation', async () => {
    const gate = deferred<HttpResponse>();
    const h = harness([() => gate.promise, json(200, {}), json(200, { fresh: true })]);
    const pending = h.client.get('/sites');
    await new Promise((r) => setImmediate(r));
    await h.client.post('/hosts/h/cmd/x', {});
    gate.resolve(json(200, { stale: true }));
    assert.deepEqual(await pending, { stale: true });
    assert.deepEqual(await h.client.get('/sites'), { fresh: true });
  });

  void it('returns deeply frozen values for cached paths', async () => {
    const h = harness([json(200, [{ name: 'site', peer: { id: 'a' } }])]);
    const first = await h.client.get<{ name: string; peer: { id: string } }[]>('/sites');
    const again = await h.client.get<{ name: string; peer: { id: string } }[]>('/sites');
    assert.equal(first, again);
    assert.throws(() => {
      first[0]!.name = 'x';
    }, TypeError);
    assert.throws(() => {
      again[0]!.peer.id = 'x';
    }, TypeError);
    assert.throws(() => (first as unknown[]).push(1), TypeError);
    assert.ok(Object.isFrozen(deepFreeze({ a: [{ b: 1 }] }).a[0]));
  });
});

// ---------------------------------------------------------------- hooks and fetch adapter

void describe('onRequest and fetchHandlerSend', () => {
  void it('reports every attempt without secrets, and survives a throwing hook', async () => {
    const infos: ThrukRequestInfo[] = [];
    const h = harness([json(200, { id: 'alice' }), json(503, {}), json(200, [])], { authUser: 'alice', onRequest: (i) => infos.push(i) });
    await h.client.get('/hosts', { query: [['name', 'a']] });
    assert.deepEqual(
      infos.map((i) => [i.method, i.path, i.status, i.attempt]),
      [
        ['GET', '/thruk/whoami', 200, 1],
        ['GET', '/hosts?name=a', 503, 1],
        ['GET', '/hosts?name=a', 200, 2],
      ],
    );
    assertNoKey(infos);
    const broken = harness([], {
      onRequest: () => {
        throw new Error('hook');
      },
    });
    assert.deepEqual(await broken.client.get('/hosts'), []);
  });

  void it('adapts a web-standard fetch handler', async () => {
    const seen: { method: string; url: string; key: string | null; type: string | null; body: string }[] = [];
    const handler = async (req: Request): Promise<Response> => {
      seen.push({
        method: req.method,
        url: req.url,
        key: req.headers.get('x-thruk-auth-key'),
        type: req.headers.get('content-type'),
        body: await req.text(),
      });
      if (new URL(req.url).pathname.endsWith('/fail')) {
        return Response.json({ code: 404, message: 'unknown rest path: /fail' }, { status: 404 });
      }
      return Response.json({ ok: true, method: req.method }, { headers: { 'X-Extra': 'y' } });
    };
    const send = fetchHandlerSend(handler);
    const client = new ThrukClient({ baseUrl: BASE, apiKey: KEY, send });
    assert.deepEqual(await client.get('/thruk'), { ok: true, method: 'GET' });
    assert.deepEqual(await client.post('/hosts/h/cmd/x', { a: true }), { ok: true, method: 'POST' });
    await assert.rejects(client.get('/fail'), { message: 'Thruk GET /fail failed: 404 unknown rest path: /fail' });
    assert.equal(seen[1]!.body, 'a=1');
    assert.equal(seen[1]!.type, 'application/x-www-form-urlencoded');
    assert.equal(seen[0]!.key, KEY);
    const raw = await send({ method: 'GET', url: 'http://x/thruk/r/thruk', headers: {}, signal: new AbortController().signal });
    assert.equal(raw.headers['x-extra'], 'y');
  });
});
