/**
 * caster-carousel-shared: the layer every function loads. The domain core (plan, signing, Live API client,
 * pacing, idempotency, scheduling) knows nothing of Function Compute; `fc/` adapts FC events to it.
 */
export * from './errors';
export type { Plan, PlanItem, FieldErrors, PlanValidation } from './plan/plan';
export { validatePlan, describeFieldErrors } from './plan/validate-plan';
export { PLAN_LIMITS } from './plan/plan-limits';
export type { Credentials, SignatureAlgorithm } from './signing/credentials';
export { rpcV1StringToSign, rpcV1Signature, signRpcV1 } from './signing/rpc-v1-signature';
export { acs3Authorization, acs3CanonicalRequest, acs3StringToSign, acs3Signature } from './signing/acs3-signature';
export { percentEncode, canonicalQueryString } from './signing/percent-encode';
export { createLiveClient, DEFAULT_LIVE_ENDPOINT, DEFAULT_REGION_ID } from './live/live-client';
export type { LiveClient, LiveClientOptions, CallOptions, CredentialsSource } from './live/live-client';
export { describeCasterConfig, addCasterEpisodeGroup, deleteCasterEpisodeGroup, episodeGroupParams, parseItemIds } from './live/operations';
export type { CasterConfig, EpisodeGroupRequest, EpisodeGroupResult } from './live/operations';
export { createCasterConfigCache } from './live/caster-config-cache';
export type { CasterConfigCache } from './live/caster-config-cache';
export { createGcraPacer } from './pacing/gcra-pacer';
export { createPacerFromEnvironment } from './pacing/pacer-from-environment';
export type { Pacer } from './pacing/pacer';
export { deriveClientToken, canonicalJson } from './idempotency/client-token';
export { createLogger, silentLogger, parseLogLevel } from './logging/logger';
export type { Logger, LogLevel, LogFields } from './logging/logger';
export { redact, redactText, registerSecret, REDACTED } from './logging/redact';
export { readEnvironment, credentialsFromEnvironment } from './config/environment';
export { createLiveClientFromEnvironment } from './config/live-client-from-environment';
export type { Environment } from './config/environment';
export { scheduleCarousel, resolveEpisodeGroup, lookUpStudio, planIdentity, chooseClientToken } from './schedule/schedule-carousel';
export type { ScheduleDependencies, ScheduleRequest, ScheduleResult } from './schedule/schedule-carousel';
// The Function Compute adapters, and middy itself: bundled into the layer once, so each function stays tiny.
export { default as middy } from '@middy/core';
export * from './fc/index';
