// Lua scripts of the Redis ledger: each is one atomic update of one scope. A record is kept as two strings: its
// body (written once, never re-encoded by Lua, whose cjson would turn [] into {}) and a small state object
// {State, SupersededBy, UpdatedAt} of strings only, which the scripts may decode and re-encode safely.
// Keys of a scope, always in this order: records, states, tokens, intents, generations, slots, incomplete.

/** ARGV: baseToken. Returns {generation, clientToken, body|false, state|false, intent|false}. */
export const LOOKUP_SCRIPT = `
local n, token = 1, ARGV[1]
local g = redis.call('HGET', KEYS[5], ARGV[1])
if g then
  local sep = string.find(g, '|', 1, true)
  n = tonumber(string.sub(g, 1, sep - 1))
  token = string.sub(g, sep + 1)
end
local pid = redis.call('HGET', KEYS[3], token)
local body, state = false, false
if pid then
  body = redis.call('HGET', KEYS[1], pid)
  state = redis.call('HGET', KEYS[2], pid)
end
return {n, token, body, state, redis.call('HGET', KEYS[4], token)}
`;

/** ARGV: clientToken, intent JSON. Keeps an intent already there, and writes none for a token already committed. */
export const INTENT_SCRIPT = `
if redis.call('HEXISTS', KEYS[3], ARGV[1]) == 0 then redis.call('HSETNX', KEYS[4], ARGV[1], ARGV[2]) end
return 1
`;

/**
 * ARGV: ProgramId, body JSON, state JSON, clientToken, slotKey ('' for none), the superseded state JSON for
 * the slot's previous group. Returns the superseded ProgramId or false.
 */
export const COMMIT_SCRIPT = `
local existed = redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1
if not existed then
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
  redis.call('HSET', KEYS[2], ARGV[1], ARGV[3])
end
redis.call('HSET', KEYS[3], ARGV[4], ARGV[1])
redis.call('HDEL', KEYS[4], ARGV[4])
if existed or ARGV[5] == '' then return false end
local previous = redis.call('HGET', KEYS[6], ARGV[5])
redis.call('HSET', KEYS[6], ARGV[5], ARGV[1])
if not previous or previous == ARGV[1] then return false end
local state = redis.call('HGET', KEYS[2], previous)
if not state or cjson.decode(state).State ~= 'scheduled' then return false end
redis.call('HSET', KEYS[2], previous, ARGV[6])
return previous
`;

/** ARGV: ProgramId, new State, UpdatedAt, then the accepted from-states. Returns {body, state} or false. */
export const TRANSITION_SCRIPT = `
local state = redis.call('HGET', KEYS[2], ARGV[1])
if not state then return false end
local decoded = cjson.decode(state)
local allowed = false
for i = 4, #ARGV do if decoded.State == ARGV[i] then allowed = true end end
if not allowed then return false end
decoded.State = ARGV[2]
decoded.UpdatedAt = ARGV[3]
local encoded = cjson.encode(decoded)
redis.call('HSET', KEYS[2], ARGV[1], encoded)
return {redis.call('HGET', KEYS[1], ARGV[1]), encoded}
`;

/** ARGV: baseToken, from generation, the entry 'n|token' of generation from + 1. Returns the generation now current. */
export const GENERATION_SCRIPT = `
local n = 1
local g = redis.call('HGET', KEYS[5], ARGV[1])
if g then n = tonumber(string.sub(g, 1, string.find(g, '|', 1, true) - 1)) end
if n ~= tonumber(ARGV[2]) then return n end
redis.call('HSET', KEYS[5], ARGV[1], ARGV[3])
return n + 1
`;

/** ARGV: ISO time. Keeps the earliest. */
export const INCOMPLETE_SCRIPT = `
local current = redis.call('GET', KEYS[7])
if not current or ARGV[1] < current then redis.call('SET', KEYS[7], ARGV[1]) end
return 1
`;
