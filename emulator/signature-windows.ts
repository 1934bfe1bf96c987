import type { SignatureAlgorithm } from '../shared/src/signing/credentials';

/**
 * How far a request's signing time may be from the server clock, either way, per signature algorithm.
 *
 * V1 `Timestamp`: 31 minutes. Alibaba's "V2版本RPC风格请求体&签名机制" page (the RPC V1 HMAC-SHA1 signature),
 * https://help.aliyun.com/document_detail/25490.htm, common parameter Timestamp: "有效期为31分钟，即生成时间戳后
 * 需要在31分钟内发起请求" (valid for 31 minutes: the request must be sent within 31 minutes of the timestamp).
 *
 * ACS3 `x-acs-date`: 15 minutes. Alibaba's V3 (ACS3-HMAC-SHA256) common headers,
 * https://help.aliyun.com/zh/model-studio/roa-style-request-body-signature-mechanism: "值为请求发出前15分钟内的时间"
 * (a time within the 15 minutes before the request is sent).
 *
 * Both pages speak only of a signing time in the past; accepting the same distance ahead of the clock (skew)
 * is the emulator's choice.
 */
export const DEFAULT_TIMESTAMP_WINDOWS_MS: Readonly<Record<SignatureAlgorithm, number>> = Object.freeze({
  v1: 31 * 60_000,
  acs3: 15 * 60_000,
});

/**
 * How long a nonce is remembered: twice the widest window. A request signed a full window ahead of the clock
 * stays acceptable until a full window after its signing time, so a nonce kept any shorter could be replayed.
 */
export function nonceRetentionMs(windowsMs: Readonly<Record<SignatureAlgorithm, number>>): number {
  return 2 * Math.max(windowsMs.v1, windowsMs.acs3);
}
