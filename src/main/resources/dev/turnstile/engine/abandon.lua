-- abandon.lua: clean up after a caller that gave up on an acquire (or a withdraw) whose reply never
-- came: the command may still run later, or may have run already. Removes whatever the token holds
-- (its place, its waiting mark) and leaves a short-lived tombstone that acquire.lua honours, so a
-- delayed acquire of this token that runs after this script takes nothing.
--
-- KEYS[1]  <prefix>:{<session>}:turn           string (see acquire.lua)
-- KEYS[2]  <prefix>:{<session>}:places         zset (see acquire.lua)
-- KEYS[3]  <prefix>:{<session>}:writers:<turn> zset of the token's turn (see acquire.lua)
-- KEYS[4]  <prefix>:{<session>}:wake           sharded pub/sub channel of the session
-- KEYS[5]  <prefix>:{<session>}:gone:<token>   string: the tombstone
-- ARGV[1]  the token
-- ARGV[2]  how long the tombstone lives (ms, > 0)
--
-- Returns 1 when something of the token's was removed (and the session's waiters were woken), else 0.

local token, ttl = ARGV[1], tonumber(ARGV[2])
if token == nil or token == '' or not (ttl and ttl > 0) then
  return redis.error_reply('ERR turnstile abandon: bad arguments')
end
local expected = {'string', 'zset', 'zset', nil, 'string'}
for _, i in ipairs({1, 2, 3, 5}) do
  local t = redis.call('TYPE', KEYS[i])['ok']
  if t ~= 'none' and t ~= expected[i] then
    return redis.error_reply('ERR turnstile abandon: unexpected type of a key')
  end
end

redis.call('SET', KEYS[5], '1', 'PX', ttl)

local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local removed = redis.call('ZREM', KEYS[2], 'r:' .. token, 'w:' .. token)
    + redis.call('ZREM', KEYS[3], token)
local expired = redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)

if redis.call('ZCARD', KEYS[2]) == 0 then
  redis.call('DEL', KEYS[1], KEYS[2])
else
  local latest = redis.call('ZRANGE', KEYS[2], -1, -1, 'WITHSCORES')
  local left = tonumber(latest[2]) - now + 1
  redis.call('PEXPIRE', KEYS[1], left)
  redis.call('PEXPIRE', KEYS[2], left)
end
if removed + expired > 0 then
  redis.call('SPUBLISH', KEYS[4], '1')
end
if removed > 0 then
  return 1
end
return 0
