/** An AccessKey pair, with the STS token when the keys are temporary. */
export interface Credentials {
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
  readonly securityToken?: string | undefined;
}

/** The two signature algorithms the Live API accepts. */
export type SignatureAlgorithm = 'v1' | 'acs3';
