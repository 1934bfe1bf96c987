import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { API_VERSION, DEMO_CREDENTIALS, DEMO_STUDIO, type RunningEmulator } from '../../emulator/index';
import { utcSecondTimestamp } from '../../shared/src/live/request-signing';
import { acs3Authorization, sha256Hex } from '../../shared/src/signing/acs3-signature';
import type { Credentials } from '../../shared/src/signing/credentials';
import { canonicalQueryString } from '../../shared/src/signing/percent-encode';
import { listEpisodeGroups, type RawAnswer, rawRequest, useEmulators } from './support';

const start = useEmulators();

interface Acs3Call {
  readonly action: string;
  readonly method?: 'GET' | 'POST';
  /** Parameters: in the query for GET, in the form body for POST. */
  readonly params: Record<string, string>;
  readonly credentials?: Credentials;
  /** Changes the headers after signing (to break the request on purpose). */
  readonly tamper?: (headers: Record<string, string>) => void;
  /** Signs with this secret instead of the credentials' one. */
  readonly signingSecret?: string;
}

/** A small ACS3-HMAC-SHA256 signer over the shared canonicaliser, sending with node:http, as the Tea SDK would. */
function acs3Call(emulator: RunningEmulator, request: Acs3Call): Promise<RawAnswer> {
  const method = request.method ?? 'POST';
  const credentials = request.credentials ?? DEMO_CREDENTIALS;
  const body = method === 'POST' ? canonicalQueryString(request.params) : '';
  const query = method === 'GET' ? request.params : {};
  const headers: Record<string, string> = {
    host: new URL(emulator.url).host,
    'x-acs-action': request.action,
    'x-acs-version': API_VERSION,
    'x-acs-date': utcSecondTimestamp(Date.now()),
    'x-acs-signature-nonce': randomUUID(),
    'x-acs-content-sha256': sha256Hex(body),
  };
  if (method === 'POST') headers['content-type'] = 'application/x-www-form-urlencoded';
  if (credentials.securityToken) headers['x-acs-security-token'] = credentials.securityToken;
  headers['authorization'] = acs3Authorization(
    { httpMethod: method, canonicalUri: '/', query, headers, body },
    credentials.accessKeyId,
    request.signingSecret ?? credentials.accessKeySecret,
  );
  request.tamper?.(headers);
  const search = canonicalQueryString(query);
  return rawRequest(`${emulator.url}/${search ? `?${search}` : ''}`, { method, headers, body });
}

function addParams(clientToken = randomUUID()): Record<string, string> {
  return {
    CallbackUrl: DEMO_STUDIO.CallbackUrl!,
    DomainName: DEMO_STUDIO.DomainName!,
    ClientToken: clientToken,
    RepeatNum: '-1',
    StartTime: '2030-01-01T08:00:00Z',
    'Item.1.ItemName': 'Episode 1',
    'Item.1.VodUrl': 'http://vod.example.com/e1.mp4?auth_key=x',
  };
}

describe('ACS3-HMAC-SHA256 authentication', () => {
  it('accepts a correctly signed POST with the parameters in the form body', async () => {
    // Prepare
    const emulator = await start();
    // Act
    const answer = await acs3Call(emulator, { action: 'AddCasterEpisodeGroup', params: addParams() });
    // Assess
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ ProgramId: expect.any(String), ItemIds: { ItemId: [expect.any(String)] } });
    expect(await listEpisodeGroups(emulator)).toEqual([expect.objectContaining({ AccessKeyId: DEMO_CREDENTIALS.accessKeyId })]);
  });

  it('accepts a correctly signed GET with the parameters in the query', async () => {
    // Prepare
    const emulator = await start();
    // Act
    const answer = await acs3Call(emulator, { action: 'DescribeCasterConfig', method: 'GET', params: { CasterId: DEMO_STUDIO.CasterId } });
    // Assess
    expect(answer.status).toBe(200);
    expect(answer.json['CasterId']).toBe(DEMO_STUDIO.CasterId);
  });

  it('answers a wrong signature with SignatureDoesNotMatch, echoing the canonical request', async () => {
    // Prepare
    const emulator = await start();
    // Act
    const answer = await acs3Call(emulator, {
      action: 'DescribeCasterConfig',
      method: 'GET',
      params: { CasterId: DEMO_STUDIO.CasterId },
      signingSecret: 'wrong-secret',
    });
    // Assess
    expect(answer.status).toBe(400);
    expect(answer.json['Code']).toBe('SignatureDoesNotMatch');
    const message = answer.json['Message'] as string;
    expect(message).toMatch(
      /^Specified signature is not matched with our calculation\. server string to sign is:ACS3-HMAC-SHA256\n[0-9a-f]{64}\n/,
    );
    expect(message).toContain(`GET\n/\nCasterId=${DEMO_STUDIO.CasterId}\nhost:`);
  });

  it('answers an x-acs-content-sha256 that is not the body hash with SignatureDoesNotMatch', async () => {
    // Prepare
    const emulator = await start();
    // Act
    const answer = await acs3Call(emulator, {
      action: 'AddCasterEpisodeGroup',
      params: addParams(),
      tamper: (headers) => {
        headers['x-acs-content-sha256'] = sha256Hex('some other body');
      },
    });
    // Assess
    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({ Code: 'SignatureDoesNotMatch', Message: expect.stringContaining('x-acs-content-sha256') });
    expect(await listEpisodeGroups(emulator)).toEqual([]);
  });

  it.each([
    [
      'a malformed Authorization header',
      { authorization: 'ACS3-HMAC-SHA256 Credential=LTAI5tCasterCarouselDemo' },
      'Authorization header is malformed',
    ],
    ['an unsigned x-acs-* header', { 'x-acs-extra': 'smuggled' }, 'x-acs-extra'],
  ])('answers %s with IncompleteSignature', async (_case, changedHeaders, named) => {
    // Prepare
    const emulator = await start();
    // Act
    const answer = await acs3Call(emulator, {
      action: 'DescribeCasterConfig',
      method: 'GET',
      params: { CasterId: DEMO_STUDIO.CasterId },
      tamper: (headers) => Object.assign(headers, changedHeaders),
    });
    // Assess
    expect(answer.json).toMatchObject({ Code: 'IncompleteSignature', Message: expect.stringContaining(named) });
  });

  it('accepts an STS key with its x-acs-security-token and refuses it without', async () => {
    // Prepare
    const sts = { accessKeyId: 'STS.Acs3Key', accessKeySecret: 'acs3-sts-secret', securityToken: 'acs3-sts-token' };
    const emulator = await start({ extraCredentials: [sts] });
    const params = { CasterId: DEMO_STUDIO.CasterId };
    // Act
    const accepted = await acs3Call(emulator, { action: 'DescribeCasterConfig', method: 'GET', params, credentials: sts });
    const refused = await acs3Call(emulator, {
      action: 'DescribeCasterConfig',
      method: 'GET',
      params,
      credentials: { accessKeyId: sts.accessKeyId, accessKeySecret: sts.accessKeySecret },
    });
    // Assess
    expect(accepted.status).toBe(200);
    expect(refused.json['Code']).toBe('InvalidSecurityToken.Malformed');
  });

  it('answers a replayed x-acs-signature-nonce with SignatureNonceUsed', async () => {
    // Prepare
    const emulator = await start();
    const nonce = randomUUID();
    const sameNonce = (headers: Record<string, string>): void => {
      headers['x-acs-signature-nonce'] = nonce;
      const { authorization: _old, ...rest } = headers;
      headers['authorization'] = acs3Authorization(
        { httpMethod: 'GET', canonicalUri: '/', query: { CasterId: DEMO_STUDIO.CasterId }, headers: rest, body: '' },
        DEMO_CREDENTIALS.accessKeyId,
        DEMO_CREDENTIALS.accessKeySecret,
      );
    };
    await acs3Call(emulator, {
      action: 'DescribeCasterConfig',
      method: 'GET',
      params: { CasterId: DEMO_STUDIO.CasterId },
      tamper: sameNonce,
    });
    // Act
    const answer = await acs3Call(emulator, {
      action: 'DescribeCasterConfig',
      method: 'GET',
      params: { CasterId: DEMO_STUDIO.CasterId },
      tamper: sameNonce,
    });
    // Assess
    expect(answer.json['Code']).toBe('SignatureNonceUsed');
  });

  it('records the ACS3 algorithm in the request log without the Authorization header', async () => {
    // Prepare
    const emulator = await start();
    await acs3Call(emulator, { action: 'DescribeCasterConfig', method: 'GET', params: { CasterId: DEMO_STUDIO.CasterId } });
    // Act
    const answer = await rawRequest(`${emulator.url}/_emulator/requests`);
    // Assess
    expect(answer.json['Requests']).toEqual([
      expect.objectContaining({ SignatureAlgorithm: 'acs3', AccessKeyId: DEMO_CREDENTIALS.accessKeyId, Verdict: 'ok' }),
    ]);
    expect(answer.text).not.toContain('Signature=');
  });
});
