-- common.lua: shared by every script of this folder (prepended to each when it is loaded).
--
-- Every script gets the session's lock keys first, in this order:
-- KEYS[1]  <prefix>:{<session>}:turn      string: hash of the turn that holds the session
-- KEYS[2]  <prefix>:{<session>}:places    zset: member "<r|w>:<token>", score = lease deadline (ms, Redis TIME)
-- KEYS[3]  <prefix>:{<session>}:waiting   zset: calls that wait, member "<turn>|<r|w>|<token>",
--                                         score = deadline of the waiting mark (ms)
-- KEYS[4]  <prefix>:{<session>}:waitlex   zset: the same members, score 0 (to find a turn's waiting calls)
-- KEYS[5]  <prefix>:{<session>}:turns     zset: turns with waiting calls, member = turn hash, score = since
--                                         when the turn waits (ms): first come, first served
-- A turn leaves "turns" when it gets the session; a call of it that has to wait again queues it anew.

local K_TURN, K_PLACES, K_WAITING, K_WAITLEX, K_TURNS = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]

-- Checks the types of KEYS[1..5] and of the extra {key, type} pairs; true when nothing is off.
local function types_ok(extra)
  local expected = {'string', 'zset', 'zset', 'zset', 'zset'}
  for i = 1, 5 do
    local t = redis.call('TYPE', KEYS[i])['ok']
    if t ~= 'none' and t ~= expected[i] then
      return false
    end
  end
  for _, pair in ipairs(extra) do
    local t = redis.call('TYPE', pair[1])['ok']
    if t ~= 'none' and t ~= pair[2] then
      return false
    end
  end
  return true
end

local function clock()
  local time = redis.call('TIME')
  return tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000), time
end

local function waiting_member(turn, mode, token)
  return turn .. '|' .. mode .. '|' .. token
end

-- Whether the turn has waiting calls (of the mode, when given).
local function has_waiting(turn, mode)
  local from = '[' .. turn .. '|' .. (mode and (mode .. '|') or '')
  return #redis.call('ZRANGEBYLEX', K_WAITLEX, from, from .. '\255', 'LIMIT', 0, 1) > 0
end

-- Removes one waiting call; its turn leaves the queue with its last waiting call. 1 when it waited.
local function unwait(member)
  local removed = redis.call('ZREM', K_WAITING, member)
  redis.call('ZREM', K_WAITLEX, member)
  local turn = string.match(member, '^([^|]*)|')
  if turn and not has_waiting(turn) then
    redis.call('ZREM', K_TURNS, turn)
  end
  return removed
end

-- Records a call that waits until (ms); its turn queues from now unless it queues already. A turn
-- that queues in the same millisecond as the last one (or while Redis's clock stepped back) goes
-- just behind it, so the queue keeps the order of arrival, not of the turn hashes.
local function wait_for(turn, mode, token, till, now)
  local member = waiting_member(turn, mode, token)
  redis.call('ZADD', K_WAITING, till, member)
  redis.call('ZADD', K_WAITLEX, 0, member)
  if not redis.call('ZSCORE', K_TURNS, turn) then
    local since = now
    local last = redis.call('ZRANGE', K_TURNS, -1, -1, 'WITHSCORES')
    if last[2] and tonumber(last[2]) >= now then
      since = tonumber(last[2]) + 0.001
    end
    redis.call('ZADD', K_TURNS, string.format('%.3f', since), turn)
  end
end

-- Drops expired places and waiting marks; returns how many of each went.
local function prune(now)
  local freed = redis.call('ZREMRANGEBYSCORE', K_PLACES, '-inf', now)
  local expired = redis.call('ZRANGEBYSCORE', K_WAITING, '-inf', now)
  for _, member in ipairs(expired) do
    unwait(member)
  end
  return freed, #expired
end

-- Gives every lock key the expiry of the latest deadline it holds, or deletes it when empty.
local function expire_all(now)
  local latest = redis.call('ZRANGE', K_PLACES, -1, -1, 'WITHSCORES')
  if latest[2] then
    local ttl = tonumber(latest[2]) - now + 1
    redis.call('PEXPIRE', K_TURN, ttl)
    redis.call('PEXPIRE', K_PLACES, ttl)
  else
    redis.call('DEL', K_TURN, K_PLACES)
  end
  latest = redis.call('ZRANGE', K_WAITING, -1, -1, 'WITHSCORES')
  if latest[2] then
    local ttl = tonumber(latest[2]) - now + 1
    redis.call('PEXPIRE', K_WAITING, ttl)
    redis.call('PEXPIRE', K_WAITLEX, ttl)
    redis.call('PEXPIRE', K_TURNS, ttl)
  else
    redis.call('DEL', K_WAITING, K_WAITLEX, K_TURNS)
  end
end

-- The turn first in line, or '' (and since when it waits, or -1).
local function queue_head()
  local head = redis.call('ZRANGE', K_TURNS, 0, 0, 'WITHSCORES')
  if head[1] then
    return head[1], tonumber(head[2])
  end
  return '', -1
end

-- Time until the newest waiting mark of the turn ends (ms; 0 when it has none).
local function marks_end(turn, now)
  local latest = 0
  local members = redis.call('ZRANGEBYLEX', K_WAITLEX, '[' .. turn .. '|', '[' .. turn .. '|\255')
  for _, member in ipairs(members) do
    local deadline = tonumber(redis.call('ZSCORE', K_WAITING, member) or '0') or 0
    if deadline > latest then
      latest = deadline
    end
  end
  if latest == 0 then
    return 0
  end
  return latest - now
end

-- Time until the earliest lease of the session ends (0 when none is held).
local function earliest_lease_end(now)
  local earliest = redis.call('ZRANGE', K_PLACES, 0, 0, 'WITHSCORES')
  if earliest[2] then
    return tonumber(earliest[2]) - now
  end
  return 0
end

