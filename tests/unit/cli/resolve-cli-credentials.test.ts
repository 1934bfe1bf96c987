import { describe, expect, it } from 'vitest';
import type { CredentialSource } from '../../../cli/credentials/cli-credential-chain';
import { resolveCliCredentials } from '../../../cli/credentials/resolve-cli-credentials';
import { ConfigurationError } from '../../../shared/src/errors';

const SECRET = 'resolver-unit-secret-3c2b1a';

function answering(label: string, providerName: string, pair?: { id: string; secret: string; token?: string }): CredentialSource {
  return {
    label,
    provider: {
      getProviderName: () => providerName,
      getCredentials: async () => {
        if (!pair) throw new Error(`parse aliyun cli config from '/home/x/.aliyun/config.json' failed: {"access_key_secret": "${SECRET}"}`);
        return { accessKeyId: pair.id, accessKeySecret: pair.secret, securityToken: pair.token ?? '', providerName } as never;
      },
    },
  };
}

async function configurationErrorOf(promise: Promise<unknown>): Promise<ConfigurationError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (error instanceof ConfigurationError) return error;
  throw new Error(`expected a ConfigurationError, got ${String(error)}`);
}

describe('resolveCliCredentials', () => {
  it('takes the first source that supplies a pair, and names it with the mode inside it', async () => {
    // Prepare
    const sources = [
      { label: 'environment variables', provider: undefined, notConfigured: 'not set' },
      answering('aliyun CLI profile "main"', 'cli_profile/static_sts', { id: 'STS.first', secret: SECRET, token: 'token-value-1' }),
      answering('profile "default"', 'profile/static_ak', { id: 'LTAI.second', secret: 'other-secret-000' }),
    ];

    // Act
    const resolved = await resolveCliCredentials({}, sources);

    // Assess
    expect(resolved).toEqual({
      credentials: { accessKeyId: 'STS.first', accessKeySecret: SECRET, securityToken: 'token-value-1' },
      source: 'aliyun CLI profile "main" (static_sts)',
    });
  });

  it('treats an empty STS token as none, so nothing signs a blank SecurityToken', async () => {
    // Act
    const resolved = await resolveCliCredentials({}, [
      answering('profile "default"', 'profile/static_ak', { id: 'LTAI.k', secret: SECRET }),
    ]);

    // Assess
    expect(resolved.credentials.securityToken).toBeUndefined();
  });

  it('lists every source and its reason when none supplies a pair, without what the library quoted after "failed"', async () => {
    // Prepare
    const sources = [
      { label: 'environment variables', provider: undefined, notConfigured: 'not set' },
      answering('aliyun CLI profile (current)', 'cli_profile'),
    ];

    // Act
    const error = await configurationErrorOf(resolveCliCredentials({}, sources));

    // Assess
    expect(error.message).toBe(
      [
        'Missing credentials: no source supplied an AccessKey pair.',
        '  environment variables: not set',
        "  aliyun CLI profile (current): parse aliyun cli config from '/home/x/.aliyun/config.json' failed",
        'Set ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET (and ALIBABA_CLOUD_SECURITY_TOKEN for STS keys), run `aliyun configure`, or write ~/.alibabacloud/credentials.',
      ].join('\n'),
    );
    expect(error.message).not.toContain(SECRET);
  });

  it('says which profile was asked for when --profile found nothing', async () => {
    // Act
    const error = await configurationErrorOf(
      resolveCliCredentials({ profile: 'prod' }, [answering('aliyun CLI profile "prod"', 'cli_profile')]),
    );

    // Assess
    expect(error.message).toMatch(/\nNo profile named "prod" supplied credentials\.$/);
  });
});
