// The only module that imports ioredis. The layer build emits it as a separate file loaded on first use, so
// a function that never sets REDIS_URL never pays for parsing a Redis client at cold start.
import Redis from 'ioredis';

export { Redis };

/**
 * A Redis client that fails fast instead of queueing (no offline queue, no retry per command, every command and
 * the connection bounded by `timeoutMs`), already connected: the pacer and the ledger would rather go on without
 * Redis than stall every invocation waiting for a dead one. Errors surface per command.
 */
export async function connectFailFast(redisUrl: string, timeoutMs: number): Promise<Redis> {
  const client = new Redis(redisUrl, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    lazyConnect: true,
  });
  client.on('error', () => undefined); // ioredis keeps reconnecting meanwhile
  try {
    // Without the offline queue, a command sent before the connection is ready would fail: wait for it once.
    await client.connect();
  } catch (error) {
    client.disconnect();
    throw error;
  }
  return client;
}
