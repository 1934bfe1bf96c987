import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LiveApiError, LiveTransportError } from '../../../shared/src/errors';
import { createLiveClient, type LiveClientOptions } from '../../../shared/src/live/live-client';
import { addCasterEpisodeGroup, type EpisodeGroupRequest } from '../../../shared/src/live/operations';
import type { Pacer } from '../../../shared/src/pacing/pacer';
import { acs3Authorization, sha256Hex } from '../../../shared/src/signing/acs3-signature';
import { rpcV1Signature, rpcV1StringToSign } from '../../../shared/src/signing/rpc-v1-signature';
import { type LoopbackServer, refusedUrl, type ScriptedReply, scripted, startLoopbackServer } from '../../support/loopback-server';

const CREDENTIALS = { accessKeyId: 'testid', accessKeySecret: 'live-client-test-secret' };
const START_MS = Date.UTC(2031, 2, 6, 19, 0, 0);

const OK: ScriptedReply = { status: 200, json: { RequestId: 'R-ok', ProgramId: 'P-1', ItemIds: { ItemId: ['i-1'] } } };
const THROTTLED_USER: ScriptedReply = {
  status: 400,
  json: { RequestId: 'R-throttled', Code: 'Throttling.User', Message: 'Request was denied due to user flow control.' },
};

/** A clock that only moves when the client sleeps, and the list of every sleep it asked for. */
function virtualTime(startMs = START_MS): { now: () => number; sleep: (ms: number) => Promise<void>; sleeps: number[] } {
  let nowMs = startMs;
  const sleeps: number[] = [];
  return {
    now: () => nowMs,
    sleep: async (ms) => {
      sleeps.push(ms);
      nowMs += ms;
    },
    sleeps,
  };
}

/** True when the V1 Signature a server received is the right one for the other parameters it received. */
function hasValidV1Signature(method: string, params: Record<string, string>, secret = CREDENTIALS.accessKeySecret): boolean {
  const { Signature: signature, ...rest } = params;
  return signature !== undefined && rpcV1Signature(rpcV1StringToSign(method, rest), secret) === signature;
}

function episodeGroup(overrides: Partial<EpisodeGroupRequest> = {}): EpisodeGroupRequest {
  return {
    CallbackUrl: 'http://learn.aliyundoc.com/caster/4a82a3d1b7f0462ea37348366201?auth_key=1608953344-0-0-53f0758162964516ac850f2ddc3f',
    DomainName: 'example.com',
    SideOutputUrl: 'rtmp://side.example.com/caster/x',
    StartTime: '2031-03-06T19:00:00Z',
    RepeatNum: -1,
    Items: [
      { ItemName: 'Episode 1', VodUrl: 'https://cdn.example.com/ep1.mp4' },
      { ItemName: 'Épisode 2 (final)*', VodUrl: 'https://cdn.example.com/ep2.flv?auth_key=1-0-0-abc' },
    ],
    ClientToken: 'cc1-fixed-client-token',
    ...overrides,
  };
}

describe('createLiveClient against a loopback Live endpoint', () => {
  let server: LoopbackServer;
  let time: ReturnType<typeof virtualTime>;

  beforeEach(async () => {
    server = await startLoopbackServer(scripted(OK));
    time = virtualTime();
  });

  afterEach(async () => {
    await server.close();
  });

  function client(overrides: Partial<LiveClientOptions> = {}) {
    return createLiveClient({
      endpoint: server.url,
      credentials: CREDENTIALS,
      now: time.now,
      sleep: time.sleep,
      random: () => 0.5,
      timeoutMs: 2_000,
      ...overrides,
    });
  }

  describe('signing', () => {
    it('signs every attempt afresh (new SignatureNonce, Timestamp and Signature) while keeping the same ClientToken', async () => {
      // Prepare: a throttled first attempt whose retry-after moves the clock past a second boundary.
      server.respondWith(scripted({ ...THROTTLED_USER, headers: { 'x-acs-retry-after': '1500' } }, OK));

      // Act
      await addCasterEpisodeGroup(client(), episodeGroup());

      // Assess
      const [first, second] = server.requests.map((request) => request.form);
      expect(server.requests).toHaveLength(2);
      expect(first!['ClientToken']).toBe('cc1-fixed-client-token');
      expect(second!['ClientToken']).toBe('cc1-fixed-client-token');
      expect(second!['SignatureNonce']).not.toBe(first!['SignatureNonce']);
      expect(first!['Timestamp']).toBe('2031-03-06T19:00:00Z');
      expect(second!['Timestamp']).toBe('2031-03-06T19:00:01Z');
      expect(second!['Signature']).not.toBe(first!['Signature']);
      expect(hasValidV1Signature('POST', first!)).toBe(true);
      expect(hasValidV1Signature('POST', second!)).toBe(true);
    });

    it('sends the RPC common parameters the API requires, with Format=JSON and RegionId', async () => {
      // Prepare
      const live = client({ regionId: 'cn-beijing' });

      // Act
      await live.call('DescribeCasterConfig', { CasterId: 'LIVEPRODUCER_POST-cn-1' }, { httpMethod: 'POST' });

      // Assess
      const form = server.requests[0]!.form;
      expect(form).toMatchObject({
        Action: 'DescribeCasterConfig',
        Format: 'JSON',
        Version: '2016-11-01',
        AccessKeyId: 'testid',
        SignatureMethod: 'HMAC-SHA1',
        SignatureVersion: '1.0',
        RegionId: 'cn-beijing',
        CasterId: 'LIVEPRODUCER_POST-cn-1',
      });
      expect(form['SecurityToken']).toBeUndefined();
    });

    it('signs the STS SecurityToken as a parameter, reading credentials afresh on every call', async () => {
      // Prepare: credentials rotate between calls, as FC hands out new STS keys per invocation.
      let generation = 0;
      const live = client({
        credentials: () => {
          generation += 1;
          return {
            accessKeyId: `STS.id${generation}`,
            accessKeySecret: `sts-secret-${generation}`,
            securityToken: `sts-token-${generation}`,
          };
        },
      });

      // Act
      await live.call('DescribeCasterConfig', { CasterId: 'c' });
      await live.call('DescribeCasterConfig', { CasterId: 'c' });

      // Assess
      const [first, second] = server.requests.map((request) => request.form);
      expect(first).toMatchObject({ AccessKeyId: 'STS.id1', SecurityToken: 'sts-token-1' });
      expect(second).toMatchObject({ AccessKeyId: 'STS.id2', SecurityToken: 'sts-token-2' });
      expect(hasValidV1Signature('POST', first!, 'sts-secret-1')).toBe(true);
      expect(hasValidV1Signature('POST', second!, 'sts-secret-2')).toBe(true);
    });

    it('sends GET calls with every parameter, Signature included, in the query and no body', async () => {
      // Prepare
      const live = client();

      // Act
      await live.call('DescribeCasterConfig', { CasterId: 'a b*c' }, { httpMethod: 'GET' });

      // Assess
      const request = server.requests[0]!;
      expect(request.method).toBe('GET');
      expect(request.body).toBe('');
      expect(request.rawQuery).toContain('CasterId=a%20b%2Ac');
      expect(request.query['CasterId']).toBe('a b*c');
      expect(hasValidV1Signature('GET', request.query)).toBe(true);
    });
  });

  describe('retries', () => {
    it('retries Throttling.User (HTTP 400) and returns the later success', async () => {
      // Prepare
      server.respondWith(scripted(THROTTLED_USER, OK));

      // Act
      const body = await client().call('AddCasterEpisodeGroup', { ClientToken: 't' });

      // Assess
      expect(body['RequestId']).toBe('R-ok');
      expect(server.requests).toHaveLength(2);
      expect(time.sleeps).toEqual([100]);
    });

    it.each([
      ['ServiceUnavailable', 503],
      ['ServiceUnavailable.Busy', 503],
      ['InternalError', 500],
      ['Throttling', 400],
      ['Throttling.Api', 429],
    ])('retries %s (HTTP %i)', async (code, status) => {
      // Prepare
      server.respondWith(scripted({ status, json: { RequestId: 'R-fail', Code: code, Message: 'try again' } }, OK));

      // Act
      const body = await client().call('AddCasterEpisodeGroup', { ClientToken: 't' });

      // Assess
      expect(body['RequestId']).toBe('R-ok');
      expect(server.requests).toHaveLength(2);
    });

    it.each([
      ['SignatureDoesNotMatch', 400],
      ['InvalidParameter', 400],
      ['IdempotentParameterMismatch', 400],
      ['MissingParameter', 400],
      ['InvalidAccessKeyId.NotFound', 404],
      ['Forbidden.RAM', 403],
    ])('does not retry %s (HTTP %i) and reports it at once', async (code, status) => {
      // Prepare
      server.respondWith(scripted({ status, json: { RequestId: 'R-final', Code: code, Message: 'no' } }, OK));

      // Act
      const outcome = client().call('AddCasterEpisodeGroup', { ClientToken: 't' });

      // Assess
      await expect(outcome).rejects.toMatchObject({ name: 'LiveApiError', code, retryable: false, httpStatus: status });
      expect(server.requests).toHaveLength(1);
      expect(time.sleeps).toEqual([]);
    });

    it('classifies by Code, not status: an InternalError sent with HTTP 400 is still retried', async () => {
      // Prepare
      server.respondWith(scripted({ status: 400, json: { Code: 'InternalError', Message: 'x' } }, OK));

      // Act
      await client().call('AddCasterEpisodeGroup', {});

      // Assess
      expect(server.requests).toHaveLength(2);
    });

    it('waits at least the x-acs-retry-after the server asked for', async () => {
      // Prepare: the jittered backoff alone would be 0 ms.
      server.respondWith(scripted({ ...THROTTLED_USER, headers: { 'x-acs-retry-after': '1500' } }, OK));

      // Act
      await client({ random: () => 0 }).call('AddCasterEpisodeGroup', {});

      // Assess
      expect(time.sleeps).toEqual([1500]);
    });

    it('keeps its own backoff when that is longer than x-acs-retry-after', async () => {
      // Prepare: jitter gives floor(0.9 * 200) = 180 ms, the server asks for 50.
      server.respondWith(scripted({ ...THROTTLED_USER, headers: { 'x-acs-retry-after': '50' } }, OK));

      // Act
      await client({ random: () => 0.9 }).call('AddCasterEpisodeGroup', {});

      // Assess
      expect(time.sleeps).toEqual([180]);
    });

    it('backs off with full jitter under an exponentially growing ceiling', async () => {
      // Prepare
      server.respondWith(scripted(THROTTLED_USER, THROTTLED_USER, THROTTLED_USER, OK));

      // Act
      await client({ random: () => 0.999, retry: { baseDelayMs: 100, maxDelayMs: 10_000 } }).call('AddCasterEpisodeGroup', {});

      // Assess
      expect(time.sleeps).toEqual([99, 199, 399]);
    });

    it('stops after maxAttempts and throws the last error', async () => {
      // Prepare
      server.respondWith(scripted(THROTTLED_USER));

      // Act
      const outcome = client({ retry: { maxAttempts: 3 } }).call('AddCasterEpisodeGroup', {});

      // Assess
      await expect(outcome).rejects.toMatchObject({ code: 'Throttling.User', retryable: true });
      expect(server.requests).toHaveLength(3);
      expect(time.sleeps).toHaveLength(2);
    });

    it('stops before a backoff that would end past the deadline', async () => {
      // Prepare: delays 199, 399, 799 ms from a deadline 1000 ms away; the third would cross it.
      server.respondWith(scripted(THROTTLED_USER));
      const deadlineAtMs = START_MS + 1_000;

      // Act
      const outcome = client({ random: () => 0.999, retry: { maxAttempts: 10 } }).call('AddCasterEpisodeGroup', {}, { deadlineAtMs });

      // Assess
      await expect(outcome).rejects.toMatchObject({ code: 'Throttling.User' });
      expect(server.requests).toHaveLength(3);
      expect(time.sleeps).toEqual([199, 399]);
      expect(time.now()).toBeLessThan(deadlineAtMs);
    });

    it('paces every attempt, retries included', async () => {
      // Prepare
      server.respondWith(scripted(THROTTLED_USER, OK));
      const acquired: Array<[string, number]> = [];
      const pacer: Pacer = {
        acquire: async (action, deadlineAtMs) => {
          acquired.push([action, deadlineAtMs]);
        },
      };

      // Act
      await client({ pacer }).call('AddCasterEpisodeGroup', {}, { deadlineAtMs: START_MS + 60_000 });

      // Assess
      expect(acquired).toEqual([
        ['AddCasterEpisodeGroup', START_MS + 60_000],
        ['AddCasterEpisodeGroup', START_MS + 60_000],
      ]);
    });
  });

  describe('transport failures', () => {
    it('turns an attempt that gets no answer in time into LiveTransportError RequestTimeout and retries it', async () => {
      // Prepare
      server.respondWith(scripted({ hang: true }, OK));

      // Act
      const body = await client({ timeoutMs: 100 }).call('AddCasterEpisodeGroup', {});

      // Assess
      expect(body['RequestId']).toBe('R-ok');
      expect(server.requests).toHaveLength(2);
      expect(time.sleeps).toHaveLength(1);
    });

    it('reports RequestTimeout when every attempt times out', async () => {
      // Prepare
      server.respondWith(scripted({ hang: true }));

      // Act
      const outcome = client({ timeoutMs: 50, retry: { maxAttempts: 2 } }).call('AddCasterEpisodeGroup', {});

      // Assess
      await expect(outcome).rejects.toBeInstanceOf(LiveTransportError);
      await expect(outcome).rejects.toMatchObject({ code: 'RequestTimeout', action: 'AddCasterEpisodeGroup', retryable: true });
      expect(server.requests).toHaveLength(2);
    });

    it('reports a refused connection as LiveTransportError ConnectionFailed, after retrying it', async () => {
      // Prepare
      const live = client({ endpoint: await refusedUrl(), retry: { maxAttempts: 2 } });

      // Act
      const outcome = live.call('AddCasterEpisodeGroup', {});

      // Assess
      await expect(outcome).rejects.toBeInstanceOf(LiveTransportError);
      await expect(outcome).rejects.toMatchObject({ code: 'ConnectionFailed' });
      expect(time.sleeps).toHaveLength(1);
    });

    it('treats a 502 with a non-JSON body as retryable and retries it', async () => {
      // Prepare
      server.respondWith(scripted({ status: 502, text: '<html><body>502 Bad Gateway</body></html>' }, OK));

      // Act
      const body = await client().call('AddCasterEpisodeGroup', {});

      // Assess
      expect(body['RequestId']).toBe('R-ok');
      expect(server.requests).toHaveLength(2);
    });

    it('reports a non-JSON 502 that persists as a retryable LiveApiError with its HTTP status', async () => {
      // Prepare
      server.respondWith(scripted({ status: 502, text: 'Bad Gateway' }));

      // Act
      const outcome = client({ retry: { maxAttempts: 1 } }).call('AddCasterEpisodeGroup', {});

      // Assess
      await expect(outcome).rejects.toMatchObject({ name: 'LiveApiError', httpStatus: 502, retryable: true });
    });
  });

  describe('errors', () => {
    it('carries the code, message, RequestId, HTTP status and action of an API error', async () => {
      // Prepare
      server.respondWith(
        scripted({
          status: 400,
          json: {
            RequestId: 'A57FBFD7-FC9A',
            HostId: 'live.aliyuncs.com',
            Code: 'InvalidParameter',
            Message: 'The specified parameter is not valid.',
          },
        }),
      );

      // Act
      const error = await client()
        .call('AddCasterEpisodeGroup', {})
        .catch((caught: unknown) => caught);

      // Assess
      expect(error).toBeInstanceOf(LiveApiError);
      const apiError = error as LiveApiError;
      expect(apiError.code).toBe('InvalidParameter');
      expect(apiError.message).toContain('The specified parameter is not valid.');
      expect(apiError.requestId).toBe('A57FBFD7-FC9A');
      expect(apiError.httpStatus).toBe(400);
      expect(apiError.action).toBe('AddCasterEpisodeGroup');
      expect(apiError.retryable).toBe(false);
    });
  });

  describe('AddCasterEpisodeGroup on the wire', () => {
    it('POSTs a signed form body with items numbered Item.1, Item.2 in plan order', async () => {
      // Prepare
      const request = episodeGroup();

      // Act
      await addCasterEpisodeGroup(client(), request);

      // Assess
      const sent = server.requests[0]!;
      expect(sent.method).toBe('POST');
      expect(sent.path).toBe('/');
      expect(sent.rawQuery).toBe('');
      expect(sent.headers['content-type']).toBe('application/x-www-form-urlencoded');
      expect(sent.form).toMatchObject({
        Action: 'AddCasterEpisodeGroup',
        CallbackUrl: request.CallbackUrl,
        DomainName: 'example.com',
        SideOutputUrl: 'rtmp://side.example.com/caster/x',
        StartTime: '2031-03-06T19:00:00Z',
        RepeatNum: '-1',
        ClientToken: 'cc1-fixed-client-token',
        'Item.1.ItemName': 'Episode 1',
        'Item.1.VodUrl': 'https://cdn.example.com/ep1.mp4',
        'Item.2.ItemName': 'Épisode 2 (final)*',
        'Item.2.VodUrl': 'https://cdn.example.com/ep2.flv?auth_key=1-0-0-abc',
      });
      expect(
        Object.keys(sent.form)
          .filter((name) => name.startsWith('Item.'))
          .sort(),
      ).toEqual(['Item.1.ItemName', 'Item.1.VodUrl', 'Item.2.ItemName', 'Item.2.VodUrl']);
      expect(hasValidV1Signature('POST', sent.form)).toBe(true);
    });

    it('leaves SideOutputUrl out when the request has none, so the studio default applies', async () => {
      // Prepare
      const request = episodeGroup({ SideOutputUrl: undefined });

      // Act
      await addCasterEpisodeGroup(client(), request);

      // Assess
      expect(server.requests[0]!.form).not.toHaveProperty('SideOutputUrl');
    });

    it.each([
      ['the SDK model shape { ItemId: [...] }', { ItemId: ['i-1', 'i-2'] }],
      ['the older documented flat array', ['i-1', 'i-2']],
    ])('parses ItemIds in %s', async (_shape, itemIds) => {
      // Prepare
      server.respondWith(scripted({ status: 200, json: { RequestId: 'R-1', ProgramId: 'P-42', ItemIds: itemIds } }));

      // Act
      const result = await addCasterEpisodeGroup(client(), episodeGroup());

      // Assess
      expect(result).toEqual({ ProgramId: 'P-42', ItemIds: ['i-1', 'i-2'], RequestId: 'R-1' });
    });

    it('rejects a success answer without ProgramId instead of returning an unusable result', async () => {
      // Prepare
      server.respondWith(scripted({ status: 200, json: { RequestId: 'R-1' } }));

      // Act
      const outcome = addCasterEpisodeGroup(client(), episodeGroup());

      // Assess
      await expect(outcome).rejects.toMatchObject({ name: 'LiveApiError', code: 'InvalidResponse', requestId: 'R-1', retryable: false });
    });
  });

  describe('ACS3-HMAC-SHA256 mode', () => {
    it('sends an Authorization header and an x-acs-content-sha256 that matches the body it sent', async () => {
      // Prepare
      const live = client({ signatureAlgorithm: 'acs3', credentials: { ...CREDENTIALS, securityToken: 'acs3-sts-token' } });

      // Act
      await addCasterEpisodeGroup(live, episodeGroup());

      // Assess
      const sent = server.requests[0]!;
      const headers = sent.headers as Record<string, string>;
      expect(sent.method).toBe('POST');
      expect(headers['x-acs-content-sha256']).toBe(sha256Hex(sent.body));
      expect(headers['x-acs-action']).toBe('AddCasterEpisodeGroup');
      expect(headers['x-acs-version']).toBe('2016-11-01');
      expect(headers['x-acs-date']).toBe('2031-03-06T19:00:00Z');
      expect(headers['x-acs-security-token']).toBe('acs3-sts-token');
      expect(sent.form).not.toHaveProperty('Signature');
      expect(sent.form['Item.2.VodUrl']).toBe('https://cdn.example.com/ep2.flv?auth_key=1-0-0-abc');
      // Recompute the signature from what actually arrived: the headers it signed, the query and the body.
      const signedHeaderNames = /SignedHeaders=([^,]+)/.exec(headers['authorization'] ?? '')?.[1]?.split(';') ?? [];
      expect(signedHeaderNames).toEqual(expect.arrayContaining(['host', 'content-type', 'x-acs-content-sha256', 'x-acs-security-token']));
      const received = Object.fromEntries(signedHeaderNames.map((name) => [name, headers[name] ?? '']));
      const expected = acs3Authorization(
        { httpMethod: sent.method, query: sent.query, headers: received, body: sent.body },
        CREDENTIALS.accessKeyId,
        CREDENTIALS.accessKeySecret,
      );
      expect(headers['authorization']).toBe(expected);
    });

    it('signs a fresh x-acs-signature-nonce on each attempt', async () => {
      // Prepare
      server.respondWith(scripted(THROTTLED_USER, OK));

      // Act
      await client({ signatureAlgorithm: 'acs3' }).call('AddCasterEpisodeGroup', { ClientToken: 'same' });

      // Assess
      const [first, second] = server.requests;
      expect(first!.headers['x-acs-signature-nonce']).not.toBe(second!.headers['x-acs-signature-nonce']);
      expect(first!.form['ClientToken']).toBe('same');
      expect(second!.form['ClientToken']).toBe('same');
    });
  });
});

describe('createLiveClient configuration', () => {
  it('fails fast on an endpoint that is not http(s)', () => {
    // Prepare
    const options = { endpoint: 'ftp://live.example.com', credentials: CREDENTIALS };

    // Act
    const create = () => createLiveClient(options);

    // Assess
    expect(create).toThrow(expect.objectContaining({ name: 'ConfigurationError' }));
  });

  it('refuses to sign without an AccessKey secret', () => {
    // Prepare
    const live = createLiveClient({ credentials: { accessKeyId: 'id', accessKeySecret: '' } });

    // Act
    const prepare = () => live.prepare('DescribeCasterConfig', { CasterId: 'c' });

    // Assess
    expect(prepare).toThrow(expect.objectContaining({ name: 'ConfigurationError' }));
  });

  it('prepare() signs exactly what call() would send, defaulting to POST', () => {
    // Prepare
    const live = createLiveClient({ credentials: CREDENTIALS, now: () => START_MS, regionId: 'cn-shanghai' });

    // Act
    const prepared = live.prepare('DescribeCasterConfig', { CasterId: 'c' });

    // Assess
    expect(prepared.method).toBe('POST');
    expect(prepared.url.href).toBe('https://live.aliyuncs.com/');
    expect(prepared.signedParams).toMatchObject({ RegionId: 'cn-shanghai', Timestamp: '2031-03-06T19:00:00Z', CasterId: 'c' });
    expect(hasValidV1Signature('POST', prepared.signedParams)).toBe(true);
  });
});
