-- common.lua: shared by every script of this folder (prepended to each when it is loaded).
--
-- Every script gets the session's lock keys first, in this order:
-- KEYS[1]  <prefix>:{<session>}:turn      string: hash of the turn that holds the session
-- KEYS[2]  <prefix>:{<session>}:places    zset: member "<r|w>:<token>", score = lease deadline (ms, Redis TIME)
-- KEYS[3]  <prefix>:{<session>}:waiting   zset: calls that wait, member "<turn>|<r|w>|<arrival>|<token>",
--                                         score = deadline of the waiting mark (ms); arrival = Redis TIME in
--                                         microseconds when the call began to wait, 17 digits
-- KEYS[4]  <prefix>:{<session>}:waitlex   zset: the same members, score 0: a turn's waiting calls of one
--                                         mode, in the order they came
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

local function waiting_member(turn, mode, arrival, token)
  return turn .. '|' .. mode .. '|' .. arrival .. '|' .. token
end

-- Whether the turn has waiting calls.
local function has_waiting(turn)
  local from = '[' .. turn .. '|'
  return #redis.call('ZRANGEBYLEX', K_WAITLEX, from, from .. '\255', 'LIMIT', 0, 1) > 0
end

-- The turn's waiting call (of the mode, when given) that came first, and its arrival; nil when none
-- waits. Calls of the caller's token are passed over: a client that sent a command again (after its
-- connection broke) can leave the token a second mark.
local function first_waiting(turn, mode, token)
  local from = '[' .. turn .. '|' .. (mode and (mode .. '|') or '')
  local suffix = '|' .. token
  for _, member in ipairs(redis.call('ZRANGEBYLEX', K_WAITLEX, from, from .. '\255', 'LIMIT', 0, 2)) do
    if string.sub(member, -#suffix) ~= suffix then
      return member, string.sub(member, #turn + 4, #turn + 20)
    end
  end
  return nil, nil
end

-- The waiting call of the caller's turn that goes before it, or nil: for a write, any call of its turn
-- that began to wait before it; for a read, such a write. A call that has not waited (arrival nil)
-- comes after every waiting one.
local function ahead_in_turn(turn, mode, token, arrival)
  if mode == 'w' and not arrival then
    return (first_waiting(turn, nil, token))
  end
  local found, since = first_waiting(turn, 'w', token)
  if found and arrival and since >= arrival then
    found = nil
  end
  if mode == 'w' then
    local read, read_since = first_waiting(turn, 'r', token)
    if read and read_since < arrival and not (found and since < read_since) then
      found = read
    end
  end
  return found
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

-- Records a call that waits until (ms) and returns its arrival: a call that waits already (its
-- arrival given, its mark still there) keeps its arrival, and so its place among its turn's calls;
-- another arrives now. Its turn queues from now unless it queues already. A turn that queues in the
-- same millisecond as the last one (or while Redis's clock stepped back) goes just behind it, so the
-- queue keeps the order of arrival, not of the turn hashes.
local function wait_for(turn, mode, token, arrival, till, now, time)
  if not arrival then
    arrival = string.format('%017d', tonumber(time[1]) * 1000000 + tonumber(time[2]))
    redis.call('ZADD', K_WAITLEX, 0, waiting_member(turn, mode, arrival, token))
  end
  redis.call('ZADD', K_WAITING, till, waiting_member(turn, mode, arrival, token))
  if not redis.call('ZSCORE', K_TURNS, turn) then
    local since = now
    local last = redis.call('ZRANGE', K_TURNS, -1, -1, 'WITHSCORES')
    if last[2] and tonumber(last[2]) >= now then
      since = tonumber(last[2]) + 0.001
    end
    redis.call('ZADD', K_TURNS, string.format('%.3f', since), turn)
  end
  return arrival
end

-- The waiting calls of the turn whose token is the given one (a caller that lost track of its arrival).
local function waiting_of(turn, token)
  local found = {}
  local from = '[' .. turn .. '|'
  local suffix = '|' .. token
  for _, member in ipairs(redis.call('ZRANGEBYLEX', K_WAITLEX, from, from .. '\255')) do
    if string.sub(member, -#suffix) == suffix then
      found[#found + 1] = member
    end
  end
  return found
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

-- Gives the lock keys the expiry of the latest deadline they hold, or deletes them when empty. The
-- places (and the turn) always; the waiting keys only when this script added or refreshed a mark
-- ({@code marked}): removing marks never moves the latest deadline later, and Redis deletes a sorted
-- set with its last member, so their expiry stays right without a look.
local function expire_all(now, marked)
  local latest = redis.call('ZRANGE', K_PLACES, -1, -1, 'WITHSCORES')
  if latest[2] then
    local ttl = tonumber(latest[2]) - now + 1
    redis.call('PEXPIRE', K_TURN, ttl)
    redis.call('PEXPIRE', K_PLACES, ttl)
  else
    redis.call('DEL', K_TURN)
  end
  if marked then
    latest = redis.call('ZRANGE', K_WAITING, -1, -1, 'WITHSCORES')
    local ttl = tonumber(latest[2]) - now + 1
    redis.call('PEXPIRE', K_WAITING, ttl)
    redis.call('PEXPIRE', K_WAITLEX, ttl)
    redis.call('PEXPIRE', K_TURNS, ttl)
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

