/**
 * Presence in Redis, one Lua script per operation so each is atomic across instances. Keys, under the prefix P:
 *   P..'p:'..place..':members'        hash   member id -> member JSON
 *   P..'p:'..place..':order'          zset   member id by arrival (score from P..'p:seq')
 *   P..'p:'..place..':version'        string the place's version, bumped by every first join and last leave; made
 *                                            at Redis's clock in microseconds, so a place's versions keep growing when
 *                                            Redis restarted empty (PresenceOrder compares them across that)
 *   P..'p:'..place..':epoch'          string when the version key was made (Redis TIME): a version is the same list
 *                                            only within one epoch, whatever a clock set back would make it
 *   P..'p:'..place..':c:'..memberId   set    "instanceId connectionId" of the member's live connections
 *   P..'i:'..instanceId               set    "place\nmemberId\nconnectionId" held by that instance
 *   P..'leases'                       zset   instance id by lease end (epoch ms)
 */

/**
 * Shared by the scripts that change a place's members: bumps its version; a new key starts at the clock (an integer
 * below 2^53, exact as a Lua number and in JSON) with a new epoch.
 */
const BUMP = `
local function bump(base)
  local version = redis.call('INCR', base .. ':version')
  if version == 1 then
    local now = redis.call('TIME')
    local start = now[1] .. string.format('%06d', tonumber(now[2]))
    redis.call('SET', base .. ':version', start)
    redis.call('SET', base .. ':epoch', now[1] .. '.' .. now[2])
    version = tonumber(start)
  end
  return version
end
`;

/** Shared by every script: forget one connection; returns {memberJSON, version} when it was the member's last. */
const LEAVE = `${BUMP}
local function leave(P, place, memberId, instanceId, connectionId)
  local base = P .. 'p:' .. place
  local conns = base .. ':c:' .. memberId
  redis.call('SREM', P .. 'i:' .. instanceId, place .. '\\n' .. memberId .. '\\n' .. connectionId)
  if redis.call('SREM', conns, instanceId .. ' ' .. connectionId) == 0 then return nil end
  if redis.call('SCARD', conns) > 0 then return nil end
  local member = redis.call('HGET', base .. ':members', memberId)
  redis.call('HDEL', base .. ':members', memberId)
  redis.call('ZREM', base .. ':order', memberId)
  return { member, bump(base) }
end

local function leaveAll(P, instanceId)
  local out = {}
  for _, entry in ipairs(redis.call('SMEMBERS', P .. 'i:' .. instanceId)) do
    local place, memberId, connectionId = string.match(entry, '^(.-)\\n(.-)\\n(.*)$')
    local left = leave(P, place, memberId, instanceId, connectionId)
    if left then
      table.insert(out, place)
      table.insert(out, left[1])
      table.insert(out, left[2])
    end
  end
  redis.call('DEL', P .. 'i:' .. instanceId)
  redis.call('ZREM', P .. 'leases', instanceId)
  return out
end
`;

/** KEYS: none. ARGV: P, place, memberId, memberJSON, instanceId, connectionId. Returns the new version or nil. */
export const ADD = `${BUMP}
local P, place, memberId, member, instanceId, connectionId = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6]
local base = P .. 'p:' .. place
redis.call('SADD', P .. 'i:' .. instanceId, place .. '\\n' .. memberId .. '\\n' .. connectionId)
local conns = base .. ':c:' .. memberId
if redis.call('SADD', conns, instanceId .. ' ' .. connectionId) == 0 or redis.call('SCARD', conns) > 1 then return nil end
redis.call('HSET', base .. ':members', memberId, member)
redis.call('ZADD', base .. ':order', redis.call('INCR', P .. 'p:seq'), memberId)
return bump(base)
`;

/** ARGV: P, place, memberId, instanceId, connectionId. Returns {memberJSON, version} or nil. */
export const REMOVE = `${LEAVE}
return leave(ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5])
`;

/**
 * ARGV: P, place, the epoch and version the caller holds the members of ('' when none). Returns {version, epoch,
 * memberJSON...} in arrival order, or only {version, epoch} when those are the caller's.
 */
export const SNAPSHOT = `
local base = ARGV[1] .. 'p:' .. ARGV[2]
local version = redis.call('GET', base .. ':version') or '0'
local epoch = redis.call('GET', base .. ':epoch') or ''
local out = { version, epoch }
if version == ARGV[4] and epoch == ARGV[3] then return out end
local ids = redis.call('ZRANGE', base .. ':order', 0, -1)
if #ids > 0 then
  for _, member in ipairs(redis.call('HMGET', base .. ':members', unpack(ids))) do table.insert(out, member) end
end
return out
`;

/** ARGV: P, now. Claims and removes every instance whose lease ended; returns {place, memberJSON, version}... */
export const EXPIRE = `${LEAVE}
local P = ARGV[1]
local out = {}
for _, instanceId in ipairs(redis.call('ZRANGEBYSCORE', P .. 'leases', '-inf', '(' .. ARGV[2])) do
  for _, value in ipairs(leaveAll(P, instanceId)) do table.insert(out, value) end
end
return out
`;

/** ARGV: P, instanceId. Removes every entry of one instance and its lease; returns {place, memberJSON, version}... */
export const REMOVE_INSTANCE = `${LEAVE}
return leaveAll(ARGV[1], ARGV[2])
`;
