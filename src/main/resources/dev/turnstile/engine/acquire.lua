-- acquire.lua: take the session's turn and a read or write place in one step.
--
-- KEYS[1..5] the session's lock keys (see common.lua)
-- KEYS[6]  <prefix>:{<session>}:fence          string: the last fencing token handed out (long retention)
-- KEYS[7]  <prefix>:{<session>}:gone:<token>   string: tombstone of the caller's token (see abandon.lua)
-- KEYS[8]  <prefix>:{<session>}:wake           sharded pub/sub channel of the session
-- ARGV[1]  the caller's turn hash
-- ARGV[2]  mode: "r" or "w"
-- ARGV[3]  the caller's permit token
-- ARGV[4]  lease (ms, > 0)
-- ARGV[5]  waiting mark (ms): how long the caller counts as waiting when denied; 0 = it will not wait
-- ARGV[6]  fence retention (ms, > 0)
-- ARGV[7]  turn grace (ms): once another turn has waited this long, new calls of the holding turn
--          queue behind it; -1 = off
--
-- Returns {1, fence}                                    granted; fence is 0 for a read place
--         {0, reason, hintMs, position, next, holder}   not granted; reason 1 = another turn holds (or is owed)
--                                               the session, 2 = the read/write rule of the caller's own
--                                               turn, 3 = the token was abandoned (its caller gave up after
--                                               this command was sent: nothing is taken); hintMs = time
--                                               until the earliest lease of the session ends, or, when the
--                                               session is free but owed to another turn, until that turn's
--                                               newest waiting mark ends (0 when neither); position = turns
--                                               waiting ahead of the caller's (reason 1; else -1); next = the
--                                               turn first in line ('' when none); holder = the turn holding
--                                               the session ('' when none)
--
-- Rules: one turn holds the session while it has places; reads of that turn share it; a write runs
-- alone; a reader yields to a waiting writer of its turn (writer preference); waiting turns get the
-- session first come, first served, and once one has waited longer than the grace, new calls of the
-- holding turn queue behind it (no turn starves another). An acquire of a token that already holds
-- its place is granted again (a retried command). Expired places and marks are pruned first, so a
-- crashed holder frees the session within one lease. Everything is checked before the first write,
-- and every key written gets its expiry in this script.

local lease, mark, retention, grace = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7])
local turn, mode, token = ARGV[1], ARGV[2], ARGV[3]
if not (lease and lease > 0 and mark and mark >= 0 and retention and retention > 0 and grace)
    or (mode ~= 'r' and mode ~= 'w') or token == nil or token == '' or turn == nil or turn == ''
    or string.find(turn, '|', 1, true) or string.find(token, '|', 1, true) then
  return redis.error_reply('ERR turnstile acquire: bad arguments')
end
if not types_ok({{KEYS[6], 'string'}, {KEYS[7], 'string'}}) then
  return redis.error_reply('ERR turnstile acquire: unexpected type of a key')
end
if redis.call('EXISTS', KEYS[7]) == 1 then
  return {0, 3, 0, -1, ''}
end

local now, time = clock()
prune(now)
local place = mode .. ':' .. token

-- the same command run again (a client retried it after its connection broke): the token already
-- holds its place, so it is granted again, unchanged but for a fresh lease; a write place is alone,
-- so the session's last fencing token is its own
if redis.call('ZSCORE', K_PLACES, place) then
  redis.call('ZADD', K_PLACES, 'XX', now + lease, place)
  expire_all(now)
  local own = 0
  if mode == 'w' then
    own = tonumber(redis.call('GET', KEYS[6]) or '0') or 0
  end
  return {1, own}
end

local head, since = queue_head()
local reason = 0
if redis.call('ZCARD', K_PLACES) > 0 then
  if redis.call('GET', K_TURN) ~= turn then
    reason = 1
  elseif grace >= 0 and head ~= '' and head ~= turn and now - since >= grace then
    reason = 1 -- another turn has waited past the grace: the holding turn's new calls queue behind it
  elseif mode == 'w' or string.sub(redis.call('ZRANGE', K_PLACES, 0, 0)[1], 1, 1) == 'w' then
    reason = 2
  elseif has_waiting(turn, 'w') then
    reason = 2 -- a writer of this turn waits: newer readers queue behind it
  end
elseif head ~= '' and head ~= turn then
  reason = 1 -- the session is free, and another turn is first in line
elseif mode == 'r' and has_waiting(turn, 'w') then
  reason = 2
end

if reason > 0 then
  if mark > 0 then
    wait_for(turn, mode, token, now + mark, now)
  end
  local position = -1
  if reason == 1 then
    position = redis.call('ZRANK', K_TURNS, turn) or redis.call('ZCARD', K_TURNS)
  end
  local hint = earliest_lease_end(now)
  head = queue_head()
  if hint <= 0 and head ~= '' and head ~= turn then
    hint = marks_end(head, now) -- free, but owed to a turn whose waiter may have died: look again when its mark ends
  end
  local holder = ''
  if redis.call('ZCARD', K_PLACES) > 0 then
    holder = redis.call('GET', K_TURN) or ''
  end
  expire_all(now)
  return {0, reason, hint, position, head, holder}
end

redis.call('SET', K_TURN, turn)
redis.call('ZADD', K_PLACES, now + lease, place)
unwait(waiting_member(turn, mode, token))
redis.call('ZREM', K_TURNS, turn) -- the holding turn leaves the queue; a call of it that waits again queues anew

local fence = 0
if mode == 'w' then
  -- only grows: at least the last token + 1, and at least Redis server time in microseconds, so it
  -- keeps growing after the counter expired or Redis lost its data.
  local micros = tonumber(time[1]) * 1000000 + tonumber(time[2])
  local last = tonumber(redis.call('GET', KEYS[6]) or '0') or 0
  fence = math.max(last + 1, micros)
  redis.call('SET', KEYS[6], string.format('%d', fence), 'PX', retention)
end
expire_all(now)
return {1, fence}
