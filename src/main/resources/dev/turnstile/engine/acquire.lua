-- acquire.lua: take the session's turn and a read or write place in one step.
--
-- KEYS[1]  <prefix>:{<session>}:turn           string: hash of the turn that holds the session
-- KEYS[2]  <prefix>:{<session>}:places         zset: member "<r|w>:<token>", score = lease deadline (ms, Redis TIME)
-- KEYS[3]  <prefix>:{<session>}:writers:<turn> zset of the caller's turn: waiting writers, member = token,
--                                              score = deadline of the waiting mark (ms)
-- KEYS[4]  <prefix>:{<session>}:fence          string: the last fencing token handed out (long retention)
-- KEYS[5]  <prefix>:{<session>}:gone:<token>   string: tombstone of the caller's token (see abandon.lua)
-- ARGV[1]  the caller's turn hash
-- ARGV[2]  mode: "r" or "w"
-- ARGV[3]  the caller's permit token
-- ARGV[4]  lease (ms, > 0)
-- ARGV[5]  waiting-writer mark (ms); 0 = do not mark (a writer that will not wait, or a reader)
-- ARGV[6]  fence retention (ms, > 0)
--
-- Returns {1, fence}           granted; fence is 0 for a read place
--         {0, reason, hintMs}  not granted; reason 1 = another turn holds the session,
--                              2 = the read/write rule of the caller's own turn, 3 = the token was
--                              abandoned (its caller gave up after this command was sent: nothing is
--                              taken); hintMs = time until the earliest lease of the session ends (0 when none)
--
-- An acquire of a token that already holds its place is granted again (a retried command).
-- Rules: one turn holds the session while it has places; reads of that turn share it; a write runs
-- alone; a reader yields to a waiting writer of its turn (writer preference). Expired places and
-- marks are pruned first, so a crashed holder frees the session within one lease.
-- Everything is checked before the first write, and every key written gets its expiry in this script.

local lease, mark, retention = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
local turn, mode, token = ARGV[1], ARGV[2], ARGV[3]
if not (lease and lease > 0 and mark and mark >= 0 and retention and retention > 0)
    or (mode ~= 'r' and mode ~= 'w') or token == '' or turn == '' then
  return redis.error_reply('ERR turnstile acquire: bad arguments')
end
local expected = {'string', 'zset', 'zset', 'string', 'string'}
for i = 1, 5 do
  local t = redis.call('TYPE', KEYS[i])['ok']
  if t ~= 'none' and t ~= expected[i] then
    return redis.error_reply('ERR turnstile acquire: unexpected type of a key')
  end
end
if redis.call('EXISTS', KEYS[5]) == 1 then
  return {0, 3, 0}
end

local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)

redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now)

-- the same command run again (a client retried it after its connection broke): the token already
-- holds its place, so it is granted again, unchanged but for a fresh lease; a write place is alone,
-- so the session's last fencing token is its own
if redis.call('ZSCORE', KEYS[2], mode .. ':' .. token) then
  redis.call('ZADD', KEYS[2], 'XX', now + lease, mode .. ':' .. token)
  local last = redis.call('ZRANGE', KEYS[2], -1, -1, 'WITHSCORES')
  local left = tonumber(last[2]) - now + 1
  redis.call('PEXPIRE', KEYS[1], left)
  redis.call('PEXPIRE', KEYS[2], left)
  local own = 0
  if mode == 'w' then
    own = tonumber(redis.call('GET', KEYS[4]) or '0') or 0
  end
  return {1, own}
end

local holders = redis.call('ZCARD', KEYS[2])
local reason = 0
if holders > 0 then
  if redis.call('GET', KEYS[1]) ~= turn then
    reason = 1
  elseif mode == 'w' then
    reason = 2
  elseif string.sub(redis.call('ZRANGE', KEYS[2], 0, 0)[1], 1, 1) == 'w' then
    reason = 2
  end
end
if reason == 0 and mode == 'r' and redis.call('ZCARD', KEYS[3]) > 0 then
  reason = 2
end

if reason > 0 then
  if mode == 'w' and mark > 0 then
    redis.call('ZADD', KEYS[3], now + mark, token)
    local latest = redis.call('ZRANGE', KEYS[3], -1, -1, 'WITHSCORES')
    redis.call('PEXPIRE', KEYS[3], tonumber(latest[2]) - now + 1)
  end
  local hint = 0
  local earliest = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
  if earliest[2] then
    hint = tonumber(earliest[2]) - now
  end
  return {0, reason, hint}
end

redis.call('SET', KEYS[1], turn)
redis.call('ZADD', KEYS[2], now + lease, mode .. ':' .. token)

local fence = 0
if mode == 'w' then
  redis.call('ZREM', KEYS[3], token) -- the marks left keep their expiry
  -- only grows: at least the last token + 1, and at least Redis server time in microseconds, so it
  -- keeps growing after the counter expired or Redis lost its data.
  local micros = tonumber(time[1]) * 1000000 + tonumber(time[2])
  local last = tonumber(redis.call('GET', KEYS[4]) or '0') or 0
  fence = math.max(last + 1, micros)
  redis.call('SET', KEYS[4], string.format('%d', fence), 'PX', retention)
end

local latest = redis.call('ZRANGE', KEYS[2], -1, -1, 'WITHSCORES')
local ttl = tonumber(latest[2]) - now + 1
redis.call('PEXPIRE', KEYS[1], ttl)
redis.call('PEXPIRE', KEYS[2], ttl)
return {1, fence}
