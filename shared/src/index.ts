/**
 * caster-carousel-shared: the layer every function loads. The domain core (plan, signing, Live API client,
 * pacing, idempotency, scheduling) knows nothing of Function Compute; `fc/` adapts FC events to it.
 */

// The Function Compute adapters, and middy itself: bundled into the layer once, so each function stays tiny.
export { default as middy } from '@middy/core';
export type { Environment } from './config/environment';
export { credentialsFromEnvironment, readEnvironment } from './config/environment';
export { createLiveClientFromEnvironment } from './config/live-client-from-environment';
export * from './errors';
export * from './fc/index';
export { canonicalJson, deriveClientToken } from './idempotency/client-token';
export { tokenForGeneration } from './idempotency/token-generation';
// The schedule ledger: records of every group, their stores, and scheduling through it.
export { cancelGroup } from './ledger/cancel-group';
export { createFileLedgerStore } from './ledger/file-ledger-store';
export { createLedger, type Ledger } from './ledger/ledger';
export { LedgerCorruptError, LedgerUnavailableError } from './ledger/ledger-errors';
export { ledgerFromEnvironment, ledgerScope } from './ledger/ledger-from-environment';
export type { LedgerIntent, LedgerRecord, LedgerState, LedgerTrigger, ResolvedEpisodeGroup } from './ledger/ledger-record';
export type { LedgerSnapshot, LedgerStore } from './ledger/ledger-store';
export { createRedisLedgerStore } from './ledger/redis-ledger-store';
export { retirementCandidates, retireSupersededGroups } from './ledger/retire-superseded';
export type { CasterConfigCache } from './live/caster-config-cache';
export { createCasterConfigCache } from './live/caster-config-cache';
export type { CallOptions, CredentialsSource, LiveClient, LiveClientOptions } from './live/live-client';
export { createLiveClient, DEFAULT_LIVE_ENDPOINT, DEFAULT_REGION_ID } from './live/live-client';
export type { CasterConfig, EpisodeGroupRequest, EpisodeGroupResult } from './live/operations';
export { addCasterEpisodeGroup, deleteCasterEpisodeGroup, describeCasterConfig, episodeGroupParams, parseItemIds } from './live/operations';
export type { LogFields, Logger, LogLevel } from './logging/logger';
export { createLogger, parseLogLevel, silentLogger } from './logging/logger';
export { REDACTED, redact, redactText, registerSecret } from './logging/redact';
export { createGcraPacer } from './pacing/gcra-pacer';
export type { Pacer } from './pacing/pacer';
export { createPacerFromEnvironment } from './pacing/pacer-from-environment';
export type { FieldErrors, Plan, PlanItem, PlanValidation } from './plan/plan';
export { PLAN_LIMITS } from './plan/plan-limits';
export { describeFieldErrors, validatePlan } from './plan/validate-plan';
export type { ScheduleDependencies, ScheduleRequest, ScheduleResult } from './schedule/schedule-carousel';
export { chooseClientToken, lookUpStudio, planIdentity, resolveEpisodeGroup, scheduleCarousel } from './schedule/schedule-carousel';
export type { LedgerScheduleDependencies, LedgerScheduleRequest, LedgerScheduleResult } from './schedule/schedule-with-ledger';
export { scheduleWithLedger } from './schedule/schedule-with-ledger';
export { acs3Authorization, acs3CanonicalRequest, acs3Signature, acs3StringToSign } from './signing/acs3-signature';
export type { Credentials, SignatureAlgorithm } from './signing/credentials';
export { canonicalQueryString, percentEncode } from './signing/percent-encode';
export { rpcV1Signature, rpcV1StringToSign, signRpcV1 } from './signing/rpc-v1-signature';
