-- renew.lua: extend the leases of the places one process holds in one session.
--
-- KEYS[1]  <prefix>:{<session>}:turn     string (see acquire.lua)
-- KEYS[2]  <prefix>:{<session>}:places   zset (see acquire.lua)
-- KEYS[3]  <prefix>:{<session>}:wake     sharded pub/sub channel of the session
-- ARGV[1]  lease (ms, > 0)
-- ARGV[2..n] the places: "<r|w>:<token>"
--
-- Returns one integer per place, in order: 1 = renewed, 0 = lost (its lease had already run out or
-- the data is gone; it is not brought back). Expired places of others are pruned, and the session's
-- waiters are woken when that freed something.

local lease = tonumber(ARGV[1])
if not (lease and lease > 0) then
  return redis.error_reply('ERR turnstile renew: bad arguments')
end
local t1, t2 = redis.call('TYPE', KEYS[1])['ok'], redis.call('TYPE', KEYS[2])['ok']
if (t1 ~= 'none' and t1 ~= 'string') or (t2 ~= 'none' and t2 ~= 'zset') then
  return redis.error_reply('ERR turnstile renew: unexpected type of a key')
end

local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local deadline = now + lease

local expired = redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
local result = {}
for i = 2, #ARGV do
  if redis.call('ZSCORE', KEYS[2], ARGV[i]) then
    redis.call('ZADD', KEYS[2], 'XX', deadline, ARGV[i])
    result[#result + 1] = 1
  else
    result[#result + 1] = 0
  end
end

if redis.call('ZCARD', KEYS[2]) > 0 then
  local latest = redis.call('ZRANGE', KEYS[2], -1, -1, 'WITHSCORES')
  local ttl = tonumber(latest[2]) - now + 1
  redis.call('PEXPIRE', KEYS[1], ttl)
  redis.call('PEXPIRE', KEYS[2], ttl)
else
  redis.call('DEL', KEYS[1], KEYS[2])
end
if expired > 0 then
  redis.call('SPUBLISH', KEYS[3], '1')
end
return result
