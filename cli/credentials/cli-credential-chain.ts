import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import {
  CLIProfileCredentialsProvider,
  type CredentialsProvider,
  ECSRAMRoleCredentialsProvider,
  EnvironmentVariableCredentialsProvider,
  OIDCRoleArnCredentialsProvider,
  ProfileCredentialsProvider,
  URICredentialsProvider,
} from '@alicloud/credentials';

/** One place the chain looks for credentials, with the provider that reads it (absent when it is not configured). */
export interface CredentialSource {
  readonly label: string;
  readonly provider: CredentialsProvider | undefined;
  /** Why the provider could not even be set up (disabled, variables missing). */
  readonly notConfigured?: string;
}

/**
 * The sources of `@alicloud/credentials`' default chain, in its order (2.4.7: environment, OIDC, the aliyun
 * CLI's ~/.aliyun/config.json, ~/.alibabacloud/credentials, ECS RAM role, credentials URI). The chain is built
 * here from the library's own providers rather than taken whole from DefaultCredentialsProvider so that a
 * failure can say which source said what, and `whoami` can name the source that answered. 2.4.7 reads
 * ~/.aliyun/config.json itself (AK, StsToken, RamRoleArn, EcsRamRole, OIDC, ChainableRamRoleArn, CloudSSO, OAuth,
 * External modes), so that file needs no reader of ours. The library reads process.env and the home directory.
 *
 * With an explicit profile name only the two profile files are asked, for that name: the user chose a profile,
 * so variables or an instance role must not silently win over it.
 */
export function cliCredentialSources(explicitProfile: string | undefined): CredentialSource[] {
  const env = process.env;
  const profileName = explicitProfile ?? nonEmpty(env['ALIBABA_CLOUD_PROFILE']);
  const iniPath = nonEmpty(env['ALIBABA_CLOUD_CREDENTIALS_FILE']) ?? join(homedir(), '.alibabacloud', 'credentials');
  const profileSources: CredentialSource[] = [
    source(`aliyun CLI profile ${quoted(profileName ?? currentCliProfile())} in ${join(homedir(), '.aliyun', 'config.json')}`, () => {
      const builder = CLIProfileCredentialsProvider.builder();
      return (profileName ? builder.withProfileName(profileName) : builder).build();
    }),
    source(`profile ${quoted(profileName ?? 'default')} in ${iniPath}`, () => {
      const builder = ProfileCredentialsProvider.builder();
      return (profileName ? builder.withProfileName(profileName) : builder).build();
    }),
  ];
  if (explicitProfile) return profileSources;
  return [
    source('environment variables ALIBABA_CLOUD_ACCESS_KEY_ID, ALIBABA_CLOUD_ACCESS_KEY_SECRET', () =>
      EnvironmentVariableCredentialsProvider.builder().build(),
    ),
    source('OIDC role (ALIBABA_CLOUD_ROLE_ARN, ALIBABA_CLOUD_OIDC_PROVIDER_ARN, ALIBABA_CLOUD_OIDC_TOKEN_FILE)', () =>
      OIDCRoleArnCredentialsProvider.builder().build(),
    ),
    ...profileSources,
    source('ECS RAM role (instance metadata service)', () =>
      ECSRAMRoleCredentialsProvider.builder()
        .withRoleName(env['ALIBABA_CLOUD_ECS_METADATA'] ?? '')
        .build(),
    ),
    // The library builds this one even without a URI and then fails at use; unset simply means not configured.
    credentialsUriSource(nonEmpty(env['ALIBABA_CLOUD_CREDENTIALS_URI'])),
  ];
}

function credentialsUriSource(uri: string | undefined): CredentialSource {
  const label = 'ALIBABA_CLOUD_CREDENTIALS_URI';
  if (!uri) return { label, provider: undefined, notConfigured: 'not set' };
  return source(label, () => URICredentialsProvider.builder().withCredentialsURI(uri).build());
}

function source(label: string, build: () => CredentialsProvider): CredentialSource {
  try {
    return { label, provider: build() };
  } catch (error) {
    return { label, provider: undefined, notConfigured: safeReason(error) };
  }
}

/**
 * A provider's error reduced to what is safe to print: the library quotes file contents and STS answers after
 * "failed" (`parse aliyun cli config from '...' failed: <the whole file>`), so everything past it is dropped.
 */
export function safeReason(error: unknown): string {
  const message = (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
  const failedAt = message.indexOf('failed');
  const kept = failedAt >= 0 ? message.slice(0, failedAt + 'failed'.length) : message;
  return kept.length > 200 ? `${kept.slice(0, 197)}...` : kept;
}

// Only for naming the source: which profile the aliyun CLI's file marks as current.
function currentCliProfile(): string | undefined {
  try {
    const parsed: unknown = JSON.parse(readFileSync(join(homedir(), '.aliyun', 'config.json'), 'utf8'));
    const current = typeof parsed === 'object' && parsed !== null ? (parsed as { current?: unknown }).current : undefined;
    return typeof current === 'string' ? current : undefined;
  } catch {
    return undefined;
  }
}

function quoted(name: string | undefined): string {
  return name === undefined ? '(current)' : JSON.stringify(name);
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}
