import { describe, expect, it } from 'vitest';
import { API_VERSION, DEMO_CREDENTIALS, DEMO_STUDIO } from '../../emulator/index';
import { utcSecondTimestamp } from '../../shared/src/live/request-signing';
import { rpcV1StringToSign } from '../../shared/src/signing/rpc-v1-signature';
import { call, callError, popClient, rawRequest, useEmulators } from './support';

const start = useEmulators();
const DESCRIBE = { CasterId: DEMO_STUDIO.CasterId };
const STS = { accessKeyId: 'STS.NUhxTemporaryKey', accessKeySecret: 'sts-temporary-secret', securityToken: 'CAIS-sts-token-value' };

describe('V1 (HMAC-SHA1) authentication, seen through pop-core', () => {
  it('answers a wrong secret with SignatureDoesNotMatch, echoing the server string-to-sign', async () => {
    // Prepare
    const emulator = await start();
    const client = popClient(emulator, { accessKeyId: DEMO_CREDENTIALS.accessKeyId, accessKeySecret: 'not-the-secret' });
    const fixed = { Timestamp: utcSecondTimestamp(Date.now()), SignatureNonce: 'fixed-nonce-for-sts' };
    // Act
    const error = await callError(call(client, 'DescribeCasterConfig', { ...DESCRIBE, ...fixed }));
    // Assess
    const expectedStringToSign = rpcV1StringToSign('GET', {
      AccessKeyId: DEMO_CREDENTIALS.accessKeyId,
      Action: 'DescribeCasterConfig',
      CasterId: DEMO_STUDIO.CasterId,
      Format: 'JSON',
      SignatureMethod: 'HMAC-SHA1',
      SignatureNonce: fixed.SignatureNonce,
      SignatureVersion: '1.0',
      Timestamp: fixed.Timestamp,
      Version: API_VERSION,
    });
    expect(error.code).toBe('SignatureDoesNotMatch');
    expect(error.entry.response.statusCode).toBe(400);
    expect(error.data.Message).toBe(
      `Specified signature is not matched with our calculation. server string to sign is:${expectedStringToSign}`,
    );
    expect(error.data).toMatchObject({
      HostId: 'live.aliyuncs.com',
      Recommend: `https://api.aliyun.com/troubleshoot?q=SignatureDoesNotMatch&product=live&requestId=${error.data.RequestId}`,
    });
    expect(Object.keys(error.data).sort()).toEqual(['Code', 'HostId', 'Message', 'Recommend', 'RequestId']);
  });

  it('answers an unknown AccessKeyId with InvalidAccessKeyId.NotFound (404)', async () => {
    // Prepare
    const emulator = await start();
    // Act
    const error = await callError(
      call(popClient(emulator, { accessKeyId: 'LTAI5tNobodyKnowsMe', accessKeySecret: 'x' }), 'DescribeCasterConfig', DESCRIBE),
    );
    // Assess
    expect(error.code).toBe('InvalidAccessKeyId.NotFound');
    expect(error.entry.response.statusCode).toBe(404);
  });

  it('answers an unsupported SignatureMethod with IncompleteSignature', async () => {
    // Prepare
    const emulator = await start();
    // Act
    const error = await callError(call(popClient(emulator), 'DescribeCasterConfig', { ...DESCRIBE, SignatureMethod: 'HMAC-SHA256' }));
    // Assess
    expect(error.code).toBe('IncompleteSignature');
    expect(error.data.Message).toContain('HMAC-SHA256');
  });

  it('answers a request without a Signature with IncompleteSignature', async () => {
    // Prepare
    const emulator = await start();
    const query = new URLSearchParams({
      Action: 'DescribeCasterConfig',
      Version: API_VERSION,
      AccessKeyId: DEMO_CREDENTIALS.accessKeyId,
      SignatureMethod: 'HMAC-SHA1',
      SignatureVersion: '1.0',
      SignatureNonce: 'n-1',
      Timestamp: utcSecondTimestamp(Date.now()),
      ...DESCRIBE,
    });
    // Act
    const answer = await rawRequest(`${emulator.url}/?${query}`);
    // Assess
    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({ Code: 'IncompleteSignature', Message: expect.stringContaining('"Signature"') });
  });

  it('answers a replayed SignatureNonce with SignatureNonceUsed', async () => {
    // Prepare
    const emulator = await start();
    const client = popClient(emulator);
    await call(client, 'DescribeCasterConfig', { ...DESCRIBE, SignatureNonce: 'replayed-nonce' });
    // Act
    const error = await callError(call(client, 'DescribeCasterConfig', { ...DESCRIBE, SignatureNonce: 'replayed-nonce' }));
    // Assess
    expect(error.code).toBe('SignatureNonceUsed');
    expect(error.entry.response.statusCode).toBe(400);
  });

  it('accepts a nonce again once it has been kept for twice the 31-minute Timestamp window', async () => {
    // Prepare
    let nowMs = Date.now();
    const emulator = await start({ now: () => nowMs });
    const client = popClient(emulator);
    await call(client, 'DescribeCasterConfig', { ...DESCRIBE, SignatureNonce: 'old-nonce', Timestamp: utcSecondTimestamp(nowMs) });
    nowMs += 62 * 60 * 1000 + 1000;
    // Act
    const body = await call(client, 'DescribeCasterConfig', {
      ...DESCRIBE,
      SignatureNonce: 'old-nonce',
      Timestamp: utcSecondTimestamp(nowMs),
    });
    // Assess
    expect(body['CasterId']).toBe(DEMO_STUDIO.CasterId);
  });

  it('answers a Timestamp more than 31 minutes old with InvalidTimeStamp.Expired', async () => {
    // Prepare
    const emulator = await start();
    // Act
    const error = await callError(
      call(popClient(emulator), 'DescribeCasterConfig', { ...DESCRIBE, Timestamp: utcSecondTimestamp(Date.now() - 32 * 60 * 1000) }),
    );
    // Assess
    expect(error.code).toBe('InvalidTimeStamp.Expired');
    expect(error.entry.response.statusCode).toBe(400);
  });

  it('answers a Timestamp more than 31 minutes ahead of the server clock with InvalidTimeStamp.Expired', async () => {
    // Prepare
    const emulator = await start({ now: () => Date.now() - 33 * 60 * 1000 });
    // Act
    const error = await callError(call(popClient(emulator), 'DescribeCasterConfig', DESCRIBE));
    // Assess
    expect(error.code).toBe('InvalidTimeStamp.Expired');
  });

  it('answers a malformed Timestamp with IllegalTimestamp', async () => {
    // Prepare
    const emulator = await start();
    // Act
    const error = await callError(call(popClient(emulator), 'DescribeCasterConfig', { ...DESCRIBE, Timestamp: '2026-01-01 10:00:00' }));
    // Assess
    expect(error.code).toBe('IllegalTimestamp');
  });

  it('answers an unknown Action with InvalidAction.NotFound (404)', async () => {
    // Prepare
    const emulator = await start();
    // Act
    const error = await callError(call(popClient(emulator), 'DescribeCasterNothing', DESCRIBE));
    // Assess
    expect(error.code).toBe('InvalidAction.NotFound');
    expect(error.data.Message).toBe('Specified api is not found, please check your url and method.');
    expect(error.entry.response.statusCode).toBe(404);
  });

  it('answers a request without an Action with InvalidAction.NotFound', async () => {
    // Prepare
    const emulator = await start();
    // Act
    const answer = await rawRequest(`${emulator.url}/?Version=${API_VERSION}`);
    // Assess
    expect(answer.status).toBe(404);
    expect(answer.json['Code']).toBe('InvalidAction.NotFound');
  });

  it('answers another API version with InvalidVersion', async () => {
    // Prepare
    const emulator = await start();
    // Act
    const error = await callError(call(popClient(emulator, DEMO_CREDENTIALS, '2014-05-26'), 'DescribeCasterConfig', DESCRIBE));
    // Assess
    expect(error.code).toBe('InvalidVersion');
  });
});

describe('STS credentials over V1', () => {
  it('accepts a configured STS key that presents its SecurityToken', async () => {
    // Prepare
    const emulator = await start({ extraCredentials: [STS] });
    // Act
    const body = await call(popClient(emulator, STS), 'DescribeCasterConfig', DESCRIBE);
    // Assess
    expect(body['CasterId']).toBe(DEMO_STUDIO.CasterId);
  });

  it('answers a wrong SecurityToken with InvalidSecurityToken.Mismatch', async () => {
    // Prepare
    const emulator = await start({ extraCredentials: [STS] });
    // Act
    const error = await callError(
      call(popClient(emulator, { ...STS, securityToken: 'CAIS-some-other-token' }), 'DescribeCasterConfig', DESCRIBE),
    );
    // Assess
    expect(error.code).toBe('InvalidSecurityToken.Mismatch');
    expect(error.entry.response.statusCode).toBe(400);
  });

  it('answers an STS key without its SecurityToken with InvalidSecurityToken.Malformed', async () => {
    // Prepare
    const emulator = await start({ extraCredentials: [STS] });
    // Act
    const error = await callError(
      call(popClient(emulator, { accessKeyId: STS.accessKeyId, accessKeySecret: STS.accessKeySecret }), 'DescribeCasterConfig', DESCRIBE),
    );
    // Assess
    expect(error.code).toBe('InvalidSecurityToken.Malformed');
  });

  it('requires the STS token from ALIBABA_CLOUD_SECURITY_TOKEN when the key comes from the environment', async () => {
    // Prepare
    const emulator = await start({
      env: {
        ALIBABA_CLOUD_ACCESS_KEY_ID: STS.accessKeyId,
        ALIBABA_CLOUD_ACCESS_KEY_SECRET: STS.accessKeySecret,
        ALIBABA_CLOUD_SECURITY_TOKEN: STS.securityToken,
      },
    });
    // Act
    const accepted = await call(popClient(emulator, STS), 'DescribeCasterConfig', DESCRIBE);
    const refused = await callError(
      call(popClient(emulator, { accessKeyId: STS.accessKeyId, accessKeySecret: STS.accessKeySecret }), 'DescribeCasterConfig', DESCRIBE),
    );
    const demo = await callError(call(popClient(emulator), 'DescribeCasterConfig', DESCRIBE));
    // Assess
    expect(accepted['CasterId']).toBe(DEMO_STUDIO.CasterId);
    expect(refused.code).toBe('InvalidSecurityToken.Malformed');
    expect(demo.code).toBe('InvalidAccessKeyId.NotFound');
  });
});
