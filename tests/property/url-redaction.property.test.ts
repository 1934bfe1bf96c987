/**
 * Property: whatever signing scheme a VOD, callback or side-output URL uses (OSS V1 and V4 presigning, S3 SigV4,
 * CDN auth_key types A, B and C, a bare token= or sign=), none of its secrets shows in any output: not in what
 * redact/redactText make of it (as is, percent-encoded once or twice, in a sentence, in a plan), not in the answers
 * and logs of the HTTP function (POST, the SignatureDoesNotMatch failure whose string-to-sign the API echoes, and
 * GET /schedule). The URLs sent to the API and kept in the ledger stay whole: only outputs are redacted.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CREDENTIALS, DEMO_STUDIO, type RunningEmulator, startEmulator } from '../../emulator/index';
import { redactAuthKeys } from '../../emulator/redact';
import { readEnvironment } from '../../shared/src/config/environment';
import type { FcHttpResponse } from '../../shared/src/fc/fc-types';
import { ledgerScope, ledgerStoreFromEnvironment } from '../../shared/src/ledger/ledger-from-environment';
import type { LedgerRecord } from '../../shared/src/ledger/ledger-record';
import { redact, redactText } from '../../shared/src/logging/redact';
import { percentEncode } from '../../shared/src/signing/percent-encode';
import { type FcContextOptions, fcContext, httpEventBuffer, TEST_STS_CREDENTIALS } from '../support/fc-events';
import {
  captureLogLines,
  type EmulatedEpisodeGroup,
  type FcFunctionModule,
  secretLeaksIn,
  startFunctionInstance,
} from '../support/fc-testbed';
import { describeFindings, findSecrets } from '../support/secret-scan';

/** A URL and the secrets it carries. */
interface SignedUrl {
  readonly url: string;
  readonly secrets: readonly string[];
}

const HEX = [...'0123456789abcdef'];
const ALPHANUMERIC = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'];
const BASE64 = [...ALPHANUMERIC, '+', '/'];

// Secrets long enough that finding one in an output can only mean it leaked.
const hex = (length: number) => fc.string({ unit: fc.constantFrom(...HEX), minLength: length, maxLength: length });
const word = (min: number, max: number) => fc.string({ unit: fc.constantFrom(...ALPHANUMERIC), minLength: min, maxLength: max });
const base64 = (min: number, max: number) =>
  fc.string({ unit: fc.constantFrom(...BASE64), minLength: min, maxLength: max }).map((text) => `${text}=`);
const stsToken = word(40, 120).map((text) => `CAIS${text}`);

const host = fc.constantFrom('cdn.example.com', 'vod-bucket.oss-cn-shanghai.aliyuncs.com', 'media.s3.amazonaws.com', 'push.example.org');
const pathWords = fc.array(fc.constantFrom('carousel', 'vod', 'season-2', 'archive', 'ep'), { minLength: 0, maxLength: 3 });
const q = encodeURIComponent;

/** The query and path secrets of one signing scheme: path prefix segments, query parameters and the secrets. */
interface Signing {
  readonly pathPrefix: readonly string[];
  readonly parameters: readonly string[];
  readonly secrets: readonly string[];
}

const ossV1: fc.Arbitrary<Signing> = fc
  .record({ accessKeyId: word(16, 24).map((id) => `LTAI${id}`), signature: base64(27, 27), token: stsToken })
  .map(({ accessKeyId, signature, token }) => ({
    pathPrefix: [],
    parameters: [`OSSAccessKeyId=${accessKeyId}`, 'Expires=1962000000', `Signature=${q(signature)}`, `security-token=${q(token)}`],
    secrets: [accessKeyId, signature, token],
  }));

const ossV4: fc.Arbitrary<Signing> = fc
  .record({ accessKeyId: word(16, 24).map((id) => `LTAI${id}`), signature: hex(64), token: fc.option(stsToken, { nil: undefined }) })
  .map(({ accessKeyId, signature, token }) => ({
    pathPrefix: [],
    parameters: [
      'x-oss-signature-version=OSS4-HMAC-SHA256',
      `x-oss-credential=${q(`${accessKeyId}/20310306/cn-shanghai/oss/aliyun_v4_request`)}`,
      'x-oss-date=20310306T190000Z',
      'x-oss-expires=3600',
      ...(token === undefined ? [] : [`x-oss-security-token=${q(token)}`]),
      `x-oss-signature=${signature}`,
    ],
    secrets: [accessKeyId, signature, ...(token === undefined ? [] : [token])],
  }));

const s3SigV4: fc.Arbitrary<Signing> = fc
  .record({ accessKeyId: word(16, 16).map((id) => `AKIA${id.toUpperCase()}`), signature: hex(64), token: stsToken })
  .map(({ accessKeyId, signature, token }) => ({
    pathPrefix: [],
    parameters: [
      'X-Amz-Algorithm=AWS4-HMAC-SHA256',
      `X-Amz-Credential=${q(`${accessKeyId}/20310306/us-east-1/s3/aws4_request`)}`,
      'X-Amz-Date=20310306T190000Z',
      'X-Amz-Expires=3600',
      `X-Amz-Security-Token=${q(token)}`,
      'X-Amz-SignedHeaders=host',
      `X-Amz-Signature=${signature}`,
    ],
    secrets: [accessKeyId, signature, token],
  }));

const cdnTypeA: fc.Arbitrary<Signing> = fc
  .record({ rand: fc.option(hex(32), { nil: undefined }), hash: hex(32) })
  .map(({ rand, hash }) => ({
    pathPrefix: [],
    parameters: [`auth_key=1962000000-${rand ?? '0'}-0-${hash}`],
    secrets: [hash],
  }));

// Type B: /{YYYYMMDDHHMM, UTC+8}/{md5hash}/path. Type C: /{md5hash}/{hex timestamp}/path.
const cdnTypeB: fc.Arbitrary<Signing> = hex(32).map((hash) => ({ pathPrefix: ['203103070300', hash], parameters: [], secrets: [hash] }));
const cdnTypeC: fc.Arbitrary<Signing> = hex(32).map((hash) => ({ pathPrefix: [hash, '74e0c580'], parameters: [], secrets: [hash] }));

const generic: fc.Arbitrary<Signing> = fc
  .record({ name: fc.constantFrom('token', 'sign', 'Token', 'SIGN'), value: word(16, 48), stamp: fc.boolean() })
  .map(({ name, value, stamp }) => ({
    pathPrefix: [],
    parameters: [`${name}=${value}`, ...(stamp ? ['t=1962000000'] : [])],
    secrets: [value],
  }));

const signing = fc.oneof(ossV1, ossV4, s3SigV4, cdnTypeA, cdnTypeB, cdnTypeC, generic);

/** A signed URL: `scheme://host/{signature path}/{path}/{file}{extension}?{parameters}`, a harmless `format` maybe mixed in. */
function signedUrl(scheme: string, extension: string): fc.Arbitrary<SignedUrl> {
  return fc
    .record({ signing, host, path: pathWords, file: word(1, 12), format: fc.constantFrom('none', 'first', 'last') })
    .map(({ signing: { pathPrefix, parameters, secrets }, host: name, path, file, format }) => {
      const shown = format === 'first' ? ['format=mp4', ...parameters] : format === 'last' ? [...parameters, 'format=mp4'] : parameters;
      const query = shown.length === 0 ? '' : `?${shown.join('&')}`;
      return { url: `${scheme}://${name}/${[...pathPrefix, ...path, `${file}${extension}`].join('/')}${query}`, secrets };
    });
}

const vodUrl = fc.oneof(signedUrl('https', '.mp4'), signedUrl('http', '.flv'), signedUrl('https', '.ts'));
const callbackUrl = signedUrl('https', '');
const sideOutputUrl = fc.oneof(signedUrl('rtmp', ''), signedUrl('https', ''));

/**
 * Studios whose CallbackUrls are signed. The API takes only a studio's own CallbackUrl, so plans pick theirs from
 * these, which the emulator serves; drawn once, from a fixed seed, by the same generator as every other URL.
 */
const SIGNED_STUDIOS = fc.sample(callbackUrl, { numRuns: 12, seed: 20310306 }).map((callback, index) => ({
  CasterId: `LIVEPRODUCER_POST-cn-redact${String(index).padStart(3, '0')}`,
  DomainName: `live${index}.example.com`,
  CallbackUrl: callback.url,
  secrets: callback.secrets,
}));

/** A plan whose every URL is signed, with all the secrets it carries. */
const signedPlan = fc
  .record({
    items: fc.array(vodUrl, { minLength: 1, maxLength: 3 }),
    studio: fc.constantFrom(...SIGNED_STUDIOS),
    sideOutput: fc.option(sideOutputUrl, { nil: undefined }),
    serial: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  })
  .map(({ items, studio, sideOutput, serial }) => ({
    plan: {
      CasterId: studio.CasterId,
      CallbackUrl: studio.CallbackUrl,
      DomainName: studio.DomainName,
      ...(sideOutput === undefined ? {} : { SideOutputUrl: sideOutput.url }),
      StartTime: '2031-03-06T19:00:00Z',
      RepeatNum: 0,
      Items: items.map((item, index) => ({ ItemName: `Episode ${serial}-${index}`, VodUrl: item.url })),
    },
    secrets: [...studio.secrets, ...[...items, ...(sideOutput === undefined ? [] : [sideOutput])].flatMap((url) => url.secrets)],
  }));

function leaksOf(text: string, secrets: readonly string[]): string[] {
  return describeFindings(findSecrets(text, [...new Set(secrets)]));
}

describe('redact and redactText', () => {
  it('show no secret of a signed URL, as is, percent-encoded once or twice, in a sentence or in a plan', () => {
    fc.assert(
      fc.property(fc.oneof(vodUrl, sideOutputUrl), ({ url, secrets }) => {
        // Act
        const outputs = [
          redactText(url),
          redactText(`AddCasterEpisodeGroup failed: InvalidParameter: bad VodUrl "${url}", try again`),
          redactText(`CallbackUrl=${percentEncode(url)}&Next=1`),
          redactText(`POST&%2F&VodUrl%3D${percentEncode(percentEncode(url))}%26Next%3D1`),
          JSON.stringify(redact({ plan: { Items: [{ ItemName: 'Episode', VodUrl: url }] }, error: new Error(`refused ${url}`) })),
        ];

        // Assess
        expect(leaksOf(outputs.join('\n'), secrets)).toEqual([]);
      }),
      { numRuns: 500 },
    );
  });

  it('keep the scheme, host and file name of a signed URL, so an operator can tell the URLs apart', () => {
    fc.assert(
      fc.property(vodUrl, ({ url }) => {
        // Prepare
        const parsed = new URL(url);
        const fileName = parsed.pathname.split('/').pop() as string;

        // Act
        const shown = redactText(url);

        // Assess
        expect(shown.startsWith(`${parsed.protocol}//${parsed.host}/`)).toBe(true);
        expect(shown.split('?')[0]?.endsWith(`/${fileName}`)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe('the HTTP function with signed URLs in its plans', () => {
  const logs = captureLogLines();
  let emulator: RunningEmulator;
  let workDir: string;
  let ledgerEnv: Record<string, string>;
  let withLedger: FcFunctionModule;
  let withoutLedger: FcFunctionModule;

  beforeAll(async () => {
    emulator = await startEmulator({
      host: '127.0.0.1',
      port: 0,
      credentials: [DEMO_CREDENTIALS],
      extraCredentials: [TEST_STS_CREDENTIALS],
      casters: SIGNED_STUDIOS.map(({ secrets: _secrets, ...studio }) => ({ ...DEMO_STUDIO, ...studio })),
      onInternalError: () => undefined,
    });
    workDir = mkdtempSync(join(tmpdir(), 'url-redaction-'));
    const env = { LIVE_ENDPOINT: emulator.url, LOG_LEVEL: 'info' };
    ledgerEnv = { ...env, LEDGER_FILE: join(workDir, 'ledger.json') };
    withLedger = await startFunctionInstance('http', ledgerEnv);
    withoutLedger = await startFunctionInstance('http', env);
  });
  afterAll(async () => {
    logs.restore();
    await emulator?.close();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  const episodeGroups = async (): Promise<EmulatedEpisodeGroup[]> =>
    ((await (await fetch(`${emulator.url}/_emulator/episode-groups`)).json()) as { EpisodeGroups: EmulatedEpisodeGroup[] }).EpisodeGroups;
  const invoke = async (fn: FcFunctionModule, event: Buffer, credentials: FcContextOptions['credentials'] = TEST_STS_CREDENTIALS) =>
    (await fn.handler(event, fcContext({ credentials }))) as FcHttpResponse;

  it('shows no secret in its answers and logs (POST, a refused signature, GET /schedule), while the API and the ledger get the URLs whole', async () => {
    await fc.assert(
      fc.asyncProperty(signedPlan, async ({ plan, secrets }) => {
        // Prepare
        const firstLogLine = logs.lines.length;

        // Act: a refused signature (the API echoes its string-to-sign, every URL in it), then a success, then the listing
        const refused = await invoke(withoutLedger, httpEventBuffer({ body: plan }), {
          ...TEST_STS_CREDENTIALS,
          accessKeySecret: 'not-the-secret-of-these-keys',
        });
        const created = await invoke(withLedger, httpEventBuffer({ body: plan }));
        const listed = await invoke(withLedger, httpEventBuffer({ method: 'GET', path: '/schedule' }));

        // Assess: nothing shows a secret
        const logText = logs.lines.slice(firstLogLine).join('\n');
        const output = [refused.body, created.body, listed.body, logText].join('\n');
        expect(refused.statusCode).toBe(502);
        expect(created.statusCode, created.body).toBe(201);
        expect(listed.statusCode).toBe(200);
        expect(logText).toContain('server string to sign is:POST&%2F&'); // the echo with every URL twice encoded was logged
        expect(leaksOf(output, secrets)).toEqual([]);
        expect(secretLeaksIn(output)).toEqual([]);

        // Assess: the API received, and the ledger keeps, the very URLs of the plan
        const { ProgramId } = JSON.parse(created.body) as { ProgramId: string };
        const group = (await episodeGroups()).find((candidate) => candidate.ProgramId === ProgramId);
        expect(group?.Items.map((item) => item.VodUrl)).toEqual(plan.Items.map((item) => redactAuthKeys(item.VodUrl)));
        const record = await readLedgerRecord(ProgramId);
        expect(record?.Items).toEqual(plan.Items);
        expect(record?.Resolved).toEqual({ CallbackUrl: plan.CallbackUrl, DomainName: plan.DomainName, SideOutputUrl: plan.SideOutputUrl });
      }),
      { numRuns: 25 },
    );
  });

  /** The record the function wrote, read straight from the ledger file as the CLI reads it. */
  async function readLedgerRecord(programId: string): Promise<LedgerRecord | undefined> {
    const environment = readEnvironment(ledgerEnv);
    const store = ledgerStoreFromEnvironment(environment, ledgerEnv);
    try {
      return await store?.readByProgramId(ledgerScope(environment), programId);
    } finally {
      await store?.close();
    }
  }
});
