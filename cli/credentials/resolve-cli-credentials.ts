import { ConfigurationError } from '../../shared/src/errors';
import { redactText, registerSecret } from '../../shared/src/logging/redact';
import type { Credentials } from '../../shared/src/signing/credentials';
import { type CredentialSource, cliCredentialSources, safeReason } from './cli-credential-chain';

/** Credentials the chain found, and the source that supplied them. */
export interface ResolvedCredentials {
  readonly credentials: Credentials;
  /** Which source answered, e.g. `aliyun CLI profile "dev" in ~/.aliyun/config.json (static_sts)`. */
  readonly source: string;
}

/** Asks each source of the chain in order; the first that supplies an AccessKey pair wins. Throws ConfigurationError listing every source otherwise. */
export async function resolveCliCredentials(
  options: { profile?: string | undefined },
  sources: readonly CredentialSource[] = cliCredentialSources(options.profile),
): Promise<ResolvedCredentials> {
  const tried: string[] = [];
  for (const source of sources) {
    if (!source.provider) {
      tried.push(`  ${source.label}: ${source.notConfigured ?? 'not configured'}`);
      continue;
    }
    try {
      const found = await source.provider.getCredentials();
      if (found?.accessKeyId && found.accessKeySecret) {
        registerSecret(found.accessKeySecret);
        registerSecret(found.securityToken);
        const credentials: Credentials = {
          accessKeyId: found.accessKeyId,
          accessKeySecret: found.accessKeySecret,
          securityToken: found.securityToken || undefined,
        };
        return { credentials, source: `${source.label} (${innerProviderName(found.providerName)})` };
      }
      tried.push(`  ${source.label}: no AccessKey pair`);
    } catch (error) {
      tried.push(`  ${source.label}: ${safeReason(error)}`);
    }
  }
  const hint = options.profile
    ? `No profile named ${JSON.stringify(options.profile)} supplied credentials.`
    : 'Set ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET (and ALIBABA_CLOUD_SECURITY_TOKEN for STS keys), run `aliyun configure`, or write ~/.alibabacloud/credentials.';
  throw new ConfigurationError(redactText(`Missing credentials: no source supplied an AccessKey pair.\n${tried.join('\n')}\n${hint}`));
}

// `cli_profile/static_sts` -> `static_sts`: the mode inside the source, which the label already names.
function innerProviderName(providerName: string | undefined): string {
  const parts = (providerName ?? '').split('/');
  return parts[parts.length - 1] || 'unknown';
}
