/**
 * The logs of a real failing call must not carry secrets. The server answers as the real gateway does: a first
 * retryable error whose message quotes the signed URL, then SignatureDoesNotMatch whose message echoes the
 * server's string-to-sign (in which every value is percent-encoded twice). The client runs with an STS token and
 * with auth_key URLs in the request, and every captured log line is searched for every form of every secret.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLiveClient } from '../../../shared/src/live/live-client';
import { addCasterEpisodeGroup } from '../../../shared/src/live/operations';
import { createLogger } from '../../../shared/src/logging/logger';
import { percentEncode } from '../../../shared/src/signing/percent-encode';
import { rpcV1StringToSign } from '../../../shared/src/signing/rpc-v1-signature';
import { type LoopbackServer, type RecordedRequest, startLoopbackServer } from '../../support/loopback-server';

const ACCESS_KEY_SECRET = 'Sup3r/S3cret+Value=redaction';
// STS tokens are long base64 text: '+', '/' and '=' change under percent-encoding, once and twice.
const SECURITY_TOKEN = 'CAIS8gF1q6Ft5B2yfSjIr5bkKt/Hg+xq0qa7M1fflVQgeNdHhZ==';
const CALLBACK_AUTH_KEY = '1608953344-0-0-53f0758162964516ac850f2ddc3fabcd';
const VOD_AUTH_KEY = '1700000000-0-0-0123456789abcdef0123456789abcdef';
const CLIENT_TOKEN = 'cc1-visible-client-token-for-operators';

function withoutSignature(params: Record<string, string>): Record<string, string> {
  const { Signature: _signature, ...rest } = params;
  return rest;
}

/** Every way a secret can appear: as is, percent-encoded once (a URL), twice (a string-to-sign). */
function forms(secret: string): string[] {
  return [...new Set([secret, percentEncode(secret), percentEncode(percentEncode(secret)), encodeURIComponent(secret)])];
}

describe('log lines of a failing Live call', () => {
  let server: LoopbackServer;

  beforeEach(async () => {
    server = await startLoopbackServer((request: RecordedRequest, index: number) => {
      if (index === 0) {
        // A gateway error quoting the request URL the way pop-core-style messages do (Signature and token in it).
        const url = `${server.url}/?${request.body}`;
        return { status: 503, json: { RequestId: 'R-503', Code: 'ServiceUnavailable', Message: `The request has failed, URL: ${url}` } };
      }
      const stringToSign = rpcV1StringToSign(request.method, withoutSignature(request.form));
      return {
        status: 400,
        json: {
          RequestId: 'R-sig',
          HostId: 'live.aliyuncs.com',
          Code: 'SignatureDoesNotMatch',
          Message: `Specified signature is not matched with our calculation. server string to sign is:${stringToSign}`,
          Recommend: 'https://api.aliyun.com/troubleshoot?q=SignatureDoesNotMatch&product=live&requestId=R-sig',
        },
      };
    });
  });

  afterEach(async () => {
    await server.close();
  });

  it('never contain the AccessKey secret, the STS token, a signature or an auth_key value, while the ClientToken stays visible', async () => {
    // Prepare
    const lines: string[] = [];
    const logger = createLogger({ level: 'debug', write: (line) => lines.push(line) });
    const client = createLiveClient({
      endpoint: server.url,
      credentials: { accessKeyId: 'LTAI5tTestKeyId', accessKeySecret: ACCESS_KEY_SECRET, securityToken: SECURITY_TOKEN },
      logger,
      sleep: async () => undefined,
      random: () => 0,
    });

    // Act
    const outcome = await addCasterEpisodeGroup(
      client,
      {
        CallbackUrl: `http://learn.aliyundoc.com/caster/4a82a3d1b7f0462ea37348366201?auth_key=${CALLBACK_AUTH_KEY}`,
        DomainName: 'example.com',
        StartTime: '2031-03-06T19:00:00Z',
        RepeatNum: -1,
        Items: [{ ItemName: 'Episode 1', VodUrl: `https://cdn.example.com/ep1.mp4?auth_key=${VOD_AUTH_KEY}&x=1` }],
        ClientToken: CLIENT_TOKEN,
      },
      { logFields: { caster: 'LIVEPRODUCER_POST-cn-1', ClientToken: CLIENT_TOKEN } },
    ).catch((error: unknown) => error);

    // Assess
    expect(outcome).toMatchObject({ code: 'SignatureDoesNotMatch' });
    expect(server.requests).toHaveLength(2);
    const signatures = server.requests.map((request) => request.form['Signature']!);
    const secrets = [ACCESS_KEY_SECRET, SECURITY_TOKEN, CALLBACK_AUTH_KEY, VOD_AUTH_KEY, ...signatures];
    expect(lines.length).toBeGreaterThanOrEqual(2);
    const log = lines.join('\n');
    for (const secret of secrets) {
      for (const form of forms(secret)) expect(log).not.toContain(form);
    }
    // What operators need is still there: the ClientToken, the error code, the RequestId and the echoed string-to-sign.
    expect(lines.every((line) => line.includes(CLIENT_TOKEN))).toBe(true);
    expect(log).toContain('SignatureDoesNotMatch');
    expect(log).toContain('R-sig');
    expect(log).toContain('server string to sign is:POST&%2F&AccessKeyId%3DLTAI5tTestKeyId');
    expect(lines.map((line) => JSON.parse(line).level)).toEqual(['warn', 'error']);
  });
});
