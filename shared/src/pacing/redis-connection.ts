// The only module that imports ioredis. The layer build emits it as a separate file loaded on first use, so
// a function that never sets REDIS_URL never pays for parsing a Redis client at cold start.
export { default as Redis } from 'ioredis';
