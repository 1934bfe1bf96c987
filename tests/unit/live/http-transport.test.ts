import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LiveTransportError } from '../../../shared/src/errors';
import { sendHttpRequest } from '../../../shared/src/live/http-transport';
import { type LoopbackServer, scripted, startLoopbackServer } from '../../support/loopback-server';

describe('sendHttpRequest', () => {
  let server: LoopbackServer;

  beforeEach(async () => {
    server = await startLoopbackServer();
  });

  afterEach(async () => {
    await server.close();
  });

  it('returns the status, headers and body of any answer, error statuses included', async () => {
    // Prepare
    server.respondWith(scripted({ status: 503, headers: { 'x-acs-retry-after': '10' }, json: { Code: 'ServiceUnavailable' } }));

    // Act
    const answer = await sendHttpRequest({ action: 'A', method: 'GET', url: new URL(`${server.url}/?a=1`), headers: {}, timeoutMs: 2_000 });

    // Assess
    expect(answer.status).toBe(503);
    expect(answer.headers['x-acs-retry-after']).toBe('10');
    expect(JSON.parse(answer.body)).toEqual({ Code: 'ServiceUnavailable' });
  });

  it('sends the method, headers and body it was given', async () => {
    // Prepare
    const body = 'A=1&B=%C3%A9';

    // Act
    await sendHttpRequest({
      action: 'A',
      method: 'POST',
      url: new URL(`${server.url}/`),
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-acs-action': 'A' },
      body,
      timeoutMs: 2_000,
    });

    // Assess
    const received = server.requests[0]!;
    expect(received.method).toBe('POST');
    expect(received.body).toBe(body);
    expect(received.form).toEqual({ A: '1', B: 'é' });
    expect(received.headers['x-acs-action']).toBe('A');
  });

  it('gives up on an answer larger than 1 MiB with ConnectionFailed instead of buffering it', async () => {
    // Prepare
    server.respondWith(scripted({ status: 200, text: 'x'.repeat(1024 * 1024 + 1) }));

    // Act
    const outcome = sendHttpRequest({ action: 'A', method: 'GET', url: new URL(`${server.url}/`), headers: {}, timeoutMs: 5_000 });

    // Assess
    await expect(outcome).rejects.toBeInstanceOf(LiveTransportError);
    await expect(outcome).rejects.toMatchObject({ code: 'ConnectionFailed' });
  });

  it('times out an exchange that gets no answer with RequestTimeout', async () => {
    // Prepare
    server.respondWith(scripted({ hang: true }));

    // Act
    const outcome = sendHttpRequest({ action: 'A', method: 'GET', url: new URL(`${server.url}/`), headers: {}, timeoutMs: 30 });

    // Assess
    await expect(outcome).rejects.toMatchObject({ name: 'LiveTransportError', code: 'RequestTimeout', action: 'A' });
  });
});
