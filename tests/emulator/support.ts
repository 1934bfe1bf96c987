import { randomUUID } from 'node:crypto';
import http from 'node:http';
import RPCClient from '@alicloud/pop-core';
import { afterEach } from 'vitest';
import {
  API_VERSION,
  DEMO_CREDENTIALS,
  DEMO_STUDIO,
  type EmulatorOptions,
  type RunningEmulator,
  startEmulator,
} from '../../emulator/index';
import type { Credentials } from '../../shared/src/signing/credentials';

/** The error pop-core throws for a body with a Code: `code`, the full body in `data`, the HTTP exchange in `entry`. */
export interface PopCoreError extends Error {
  code: string;
  data: { RequestId: string; HostId: string; Code: string; Message: string; Recommend: string };
  entry: { response: { statusCode: number } };
}

/**
 * Registers an afterEach that closes every emulator started through the returned function, so a failing
 * test never leaves a server (or pop-core's keep-alive sockets) behind.
 */
export function useEmulators(): (options?: EmulatorOptions) => Promise<RunningEmulator> {
  const running: RunningEmulator[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((emulator) => emulator.close()));
  });
  return async (options: EmulatorOptions = {}) => {
    // env {} so the developer's own ALIBABA_CLOUD_* variables never change what a test sees.
    const emulator = await startEmulator({ port: 0, env: {}, ...options });
    running.push(emulator);
    return emulator;
  };
}

/** A pop-core RPC client for the emulator: Alibaba's own V1 client is the reference. */
export function popClient(emulator: RunningEmulator, credentials: Credentials = DEMO_CREDENTIALS, apiVersion = API_VERSION): RPCClient {
  return new RPCClient({
    endpoint: emulator.url,
    apiVersion,
    accessKeyId: credentials.accessKeyId,
    accessKeySecret: credentials.accessKeySecret,
    ...(credentials.securityToken !== undefined ? { securityToken: credentials.securityToken } : {}),
  });
}

/** Calls an action through pop-core (GET unless `method` is POST). */
export function call<T = Record<string, unknown>>(
  client: RPCClient,
  action: string,
  params: Record<string, unknown> = {},
  method: 'GET' | 'POST' = 'GET',
): Promise<T> {
  return client.request<T>(action, params, method === 'POST' ? { method: 'POST' } : {});
}

/** Awaits a call that must fail with an API error and returns pop-core's error. */
export async function callError(promise: Promise<unknown>): Promise<PopCoreError> {
  try {
    await promise;
  } catch (error) {
    if (typeof (error as PopCoreError).data === 'object') return error as PopCoreError;
    throw error;
  }
  throw new Error('expected the call to fail with an API error, but it succeeded');
}

/** AddCasterEpisodeGroup parameters for the demo studio, in pop-core's form (Item as a list it flattens to Item.N.*). */
export function episodeGroupParams(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    CallbackUrl: DEMO_STUDIO.CallbackUrl,
    DomainName: DEMO_STUDIO.DomainName,
    ClientToken: randomUUID(),
    RepeatNum: -1,
    StartTime: '2030-01-01T08:00:00Z',
    Item: [
      { ItemName: 'Episode 1', VodUrl: 'http://vod.example.com/a/episode1.mp4?auth_key=1893456000-0-0-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' },
      { ItemName: 'Episode 2', VodUrl: 'https://vod.example.com/b/episode2.flv' },
    ],
    ...overrides,
  };
}

/** AddCasterEpisodeGroupContent's `Content` JSON for the demo studio. */
export function episodeGroupContent(overrides: Record<string, unknown> = {}): string {
  return JSON.stringify({
    CallbackUrl: DEMO_STUDIO.CallbackUrl,
    DomainName: DEMO_STUDIO.DomainName,
    SideOutputUrl: '',
    StartTime: '2030-01-01T08:00:00Z',
    RepeatNum: 0,
    Items: [{ ItemName: 'Episode 1', VodUrl: 'http://vod.example.com/a/episode1.ts' }],
    ...overrides,
  });
}

/** A raw HTTP answer. */
export interface RawAnswer {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly text: string;
  readonly json: Record<string, unknown>;
}

/** Sends one HTTP request with node:http (no client library in the way) and reads the answer. */
export function rawRequest(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method: init.method ?? 'GET', headers: init.headers ?? {}, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: Record<string, unknown> = {};
        try {
          json = JSON.parse(text) as Record<string, unknown>;
        } catch {
          // Left empty; the test looks at `text`.
        }
        resolve({ status: response.statusCode ?? 0, headers: response.headers, text, json });
      });
    });
    request.on('error', reject);
    request.end(init.body);
  });
}

/** The episode groups the emulator holds, from its inspection endpoint. */
export async function listEpisodeGroups(emulator: RunningEmulator): Promise<Array<Record<string, unknown>>> {
  const answer = await rawRequest(`${emulator.url}/_emulator/episode-groups`);
  return answer.json['EpisodeGroups'] as Array<Record<string, unknown>>;
}

/** The request log, from its inspection endpoint. */
export async function listRequests(emulator: RunningEmulator): Promise<Array<Record<string, unknown>>> {
  const answer = await rawRequest(`${emulator.url}/_emulator/requests`);
  return answer.json['Requests'] as Array<Record<string, unknown>>;
}
