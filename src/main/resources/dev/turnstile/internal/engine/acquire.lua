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
-- ARGV[8]  the caller's arrival, as its last denial returned it; '' when it has not waited
--
-- Returns {1, fence}                                    granted; fence is 0 for a read place
--         {0, reason, hintMs, position, next, holder, arrival}
--                                               not granted; reason 1 = another turn holds (or is owed)
--                                               the session, 2 = the read/write rule of the caller's own
--                                               turn, 3 = the token was abandoned (its caller gave up after
--                                               this command was sent: nothing is taken); hintMs = time
--                                               until the earliest lease of the session ends, or, when a
--                                               waiting call holds the caller back (the turn first in line,
--                                               owed the session; a call of the caller's own turn that goes
--                                               first) and its mark ends sooner, until then (for a turn, its
--                                               newest mark) (0 when none of these); position = turns
--                                               waiting ahead of the caller's (reason 1; else -1); next = the
--                                               turn first in line ('' when none); holder = the turn holding
--                                               the session ('' when none); arrival = the caller's, to send
--                                               with its next attempt ('' when it does not wait)
--
-- Rules: one turn holds the session while it has places; reads of that turn share it; a write runs
-- alone; inside a turn, waiting calls go in the order they came: a write after every call of its turn
-- that waits since before it, a read after such writes (so a waiting writer holds back newer readers,
-- and a waiting reader newer writers), and a call that has not waited after all of them; waiting
-- turns get the
-- session first come, first served, and once one has waited longer than the grace, new calls of the
-- holding turn queue behind it (no turn starves another). An acquire of a token that already holds
-- its place is granted again (a retried command). Expired places and marks are pruned first, so a
-- crashed holder frees the session within one lease, and a script that pruned something publishes the
-- session's wake-up. Everything is checked before the first write, and every key written gets its
-- expiry in this script.

local lease, mark, retention, grace = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7])
local turn, mode, token, arrival = ARGV[1], ARGV[2], ARGV[3], ARGV[8]
if not (lease and lease > 0 and mark and mark >= 0 and retention and retention > 0 and grace)
    or (mode ~= 'r' and mode ~= 'w') or token == nil or token == '' or turn == nil or turn == ''
    or string.find(turn, '|', 1, true) or string.find(token, '|', 1, true)
    or arrival == nil or not (arrival == '' or string.find(arrival, '^%d+$') and #arrival == 17) then
  return redis.error_reply('ERR turnstile acquire: bad arguments')
end
if not types_ok({{KEYS[6], 'string'}, {KEYS[7], 'string'}}) then
  return redis.error_reply('ERR turnstile acquire: unexpected type of a key')
end
if redis.call('EXISTS', KEYS[7]) == 1 then
  return {0, 3, 0, -1, ''}
end

local now, time = clock()
local freed, expired = prune(now)
local pruned = freed + expired > 0 -- a lease or a mark ran out: the session's waiters look again
local place = mode .. ':' .. token
local member = nil -- the caller's waiting call, when it waits
if arrival ~= '' then
  member = waiting_member(turn, mode, arrival, token)
  if not redis.call('ZSCORE', K_WAITING, member) then
    member = nil -- its mark ran out: it arrives anew
  end
end
if not member and arrival == '' then
  -- a first attempt that ran already (a client sent the command again after its connection broke)
  -- left the token a mark: the call keeps it, and with it its place
  for _, m in ipairs(waiting_of(turn, token)) do
    if string.sub(m, #turn + 2, #turn + 2) == mode then
      member, arrival = m, string.sub(m, #turn + 4, #turn + 20)
    end
  end
end
if not member then
  arrival = nil
end

-- publishes the session's wake-up when this script freed something, then returns the reply
local function reply(r)
  if pruned then
    redis.call('SPUBLISH', KEYS[8], '1')
  end
  return r
end

-- the same command run again (a client retried it after its connection broke): the token already
-- holds its place, so it is granted again, unchanged but for a fresh lease; a write place is alone,
-- so the session's last fencing token is its own
if redis.call('ZSCORE', K_PLACES, place) then
  redis.call('ZADD', K_PLACES, 'XX', now + lease, place)
  expire_all(now, false)
  local own = 0
  if mode == 'w' then
    own = tonumber(redis.call('GET', KEYS[6]) or '0') or 0
  end
  return reply({1, own})
end

local head, since = queue_head()
local reason = 0
local ahead = nil -- the waiting call of the caller's turn that goes first
local owed = false -- the session is held by the caller's turn, but owed to the turn first in line
if redis.call('ZCARD', K_PLACES) > 0 then
  if redis.call('GET', K_TURN) ~= turn then
    reason = 1
  elseif grace >= 0 and head ~= '' and head ~= turn and now - since >= grace then
    reason, owed = 1, true -- another turn has waited past the grace: the holding turn's new calls queue behind it
  elseif mode == 'w' or string.sub(redis.call('ZRANGE', K_PLACES, 0, 0)[1], 1, 1) == 'w' then
    reason = 2
  else
    ahead = ahead_in_turn(turn, mode, token, arrival)
    if ahead then
      reason = 2 -- a writer of this turn waits since before this read: it goes first
    end
  end
elseif head ~= '' and head ~= turn then
  reason = 1 -- the session is free, and another turn is first in line
else
  ahead = ahead_in_turn(turn, mode, token, arrival)
  if ahead then
    reason = 2 -- free, but a call of this turn that waits since before this one goes first
  end
end

if reason > 0 then
  local reply_arrival = ''
  if mark > 0 then
    reply_arrival = wait_for(turn, mode, token, arrival, now + mark, now, time)
  end
  local position = -1
  if reason == 1 then
    position = redis.call('ZRANK', K_TURNS, turn) or redis.call('ZCARD', K_TURNS)
  end
  local hint = earliest_lease_end(now)
  head = queue_head()
  -- held back by a waiting call (whose waiter may have died): look again when its mark ends, if sooner
  local mark_end = 0
  if (hint <= 0 or owed) and head ~= '' and head ~= turn then
    mark_end = marks_end(head, now)
  elseif ahead then
    mark_end = math.max(1, tonumber(redis.call('ZSCORE', K_WAITING, ahead) or '0') - now)
  end
  if mark_end > 0 and (hint <= 0 or mark_end < hint) then
    hint = mark_end
  end
  local holder = ''
  if redis.call('ZCARD', K_PLACES) > 0 then
    holder = redis.call('GET', K_TURN) or ''
  end
  expire_all(now, mark > 0)
  return reply({0, reason, hint, position, head, holder, reply_arrival})
end

redis.call('SET', K_TURN, turn)
redis.call('ZADD', K_PLACES, now + lease, place)
if member then -- it waited: its mark goes
  redis.call('ZREM', K_WAITING, member)
  redis.call('ZREM', K_WAITLEX, member)
end
if head ~= '' then
  redis.call('ZREM', K_TURNS, turn) -- the holding turn leaves the queue; a call of it that waits again queues anew
end

local fence = 0
if mode == 'w' then
  -- only grows: at least the last token + 1, and at least Redis server time in microseconds, so it
  -- keeps growing after the counter expired or Redis lost its data.
  local micros = tonumber(time[1]) * 1000000 + tonumber(time[2])
  local last = tonumber(redis.call('GET', KEYS[6]) or '0') or 0
  fence = math.max(last + 1, micros)
  redis.call('SET', KEYS[6], string.format('%d', fence), 'PX', retention)
end
expire_all(now, false)
return reply({1, fence})
