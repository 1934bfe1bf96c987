import type { Credentials } from '../shared/src/signing/credentials';
import { EmulatorConfigError } from './config-error';
import { DEMO_CREDENTIALS } from './demo';

/**
 * A credential the emulator accepts. `accountId` groups keys into one Alibaba Cloud account: throttling and
 * ClientToken idempotency are per account. The real limit is "per user/account", so an account's STS keys
 * and its long-term key share one budget; every key belongs to the default account unless told otherwise.
 */
export interface EmulatorCredential extends Credentials {
  readonly accountId?: string | undefined;
}

/** A credential with its account settled. */
export interface AccountCredential extends Credentials {
  readonly accountId: string;
}

/** The account every credential belongs to unless it names another. */
export const DEFAULT_ACCOUNT_ID = '1000000000000001';

/** Environment variables the default credentials are read from. */
export type CredentialEnv = Readonly<Record<string, string | undefined>>;

/**
 * The credentials accepted by default: ALIBABA_CLOUD_ACCESS_KEY_ID/SECRET (with ALIBABA_CLOUD_SECURITY_TOKEN,
 * which that key must then present) when set, else the demo pair.
 */
export function defaultCredentials(env: CredentialEnv): EmulatorCredential[] {
  const accessKeyId = env['ALIBABA_CLOUD_ACCESS_KEY_ID'];
  const accessKeySecret = env['ALIBABA_CLOUD_ACCESS_KEY_SECRET'];
  if (!accessKeyId && !accessKeySecret) return [{ ...DEMO_CREDENTIALS }];
  if (!accessKeyId || !accessKeySecret) {
    // Half a pair is almost certainly a mistake; silently falling back to the demo pair would hide it.
    throw new EmulatorConfigError(
      'Set both ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET, or neither (the demo pair is then accepted).',
    );
  }
  const securityToken = env['ALIBABA_CLOUD_SECURITY_TOKEN'];
  return [securityToken ? { accessKeyId, accessKeySecret, securityToken } : { accessKeyId, accessKeySecret }];
}

/** The accepted credentials, looked up by AccessKeyId. */
export class CredentialStore {
  private readonly byId = new Map<string, AccountCredential>();

  constructor(credentials: readonly EmulatorCredential[], defaultAccountId: string = DEFAULT_ACCOUNT_ID) {
    for (const [index, credential] of credentials.entries()) {
      const { accessKeyId, accessKeySecret, securityToken } = credential;
      if (typeof accessKeyId !== 'string' || accessKeyId === '' || typeof accessKeySecret !== 'string' || accessKeySecret === '') {
        throw new EmulatorConfigError(`Credential #${index + 1} needs a non-empty accessKeyId and accessKeySecret.`);
      }
      if (securityToken !== undefined && (typeof securityToken !== 'string' || securityToken === '')) {
        throw new EmulatorConfigError(`Credential ${accessKeyId}: securityToken must be a non-empty string when given.`);
      }
      const existing = this.byId.get(accessKeyId);
      if (existing && (existing.accessKeySecret !== accessKeySecret || existing.securityToken !== securityToken)) {
        throw new EmulatorConfigError(`AccessKeyId ${accessKeyId} is configured twice with different secrets or tokens.`);
      }
      this.byId.set(accessKeyId, {
        accessKeyId,
        accessKeySecret,
        ...(securityToken !== undefined ? { securityToken } : {}),
        accountId: credential.accountId ?? defaultAccountId,
      });
    }
    if (this.byId.size === 0) throw new EmulatorConfigError('At least one credential is needed.');
  }

  /** The credential for an AccessKeyId, or undefined when the emulator does not know it. */
  find(accessKeyId: string): AccountCredential | undefined {
    return this.byId.get(accessKeyId);
  }

  /** Every accepted credential, in configuration order. */
  list(): AccountCredential[] {
    return [...this.byId.values()];
  }
}
