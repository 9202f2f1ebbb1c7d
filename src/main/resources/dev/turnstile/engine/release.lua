-- release.lua: give back one place; when it was the session's last, the turn ends and the lock keys go.
--
-- KEYS[1]  <prefix>:{<session>}:turn     string (see acquire.lua)
-- KEYS[2]  <prefix>:{<session>}:places   zset (see acquire.lua)
-- KEYS[3]  <prefix>:{<session>}:wake     sharded pub/sub channel of the session (declared for Cluster routing)
-- ARGV[1]  the place: "<r|w>:<token>"
--
-- Returns 1 when the place was held and is now released, 0 when it was not held (its lease had run
-- out, or the data is gone): nothing of anybody else's changes then.
-- Publishes on the session's channel whenever something was freed, so waiters retry at once.

if ARGV[1] == nil or ARGV[1] == '' then
  return redis.error_reply('ERR turnstile release: bad arguments')
end
local t1, t2 = redis.call('TYPE', KEYS[1])['ok'], redis.call('TYPE', KEYS[2])['ok']
if (t1 ~= 'none' and t1 ~= 'string') or (t2 ~= 'none' and t2 ~= 'zset') then
  return redis.error_reply('ERR turnstile release: unexpected type of a key')
end

local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)

local held = redis.call('ZREM', KEYS[2], ARGV[1])
local expired = redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)

if redis.call('ZCARD', KEYS[2]) == 0 then
  redis.call('DEL', KEYS[1], KEYS[2])
else
  local latest = redis.call('ZRANGE', KEYS[2], -1, -1, 'WITHSCORES')
  local ttl = tonumber(latest[2]) - now + 1
  redis.call('PEXPIRE', KEYS[1], ttl)
  redis.call('PEXPIRE', KEYS[2], ttl)
end

if held + expired > 0 then
  redis.call('SPUBLISH', KEYS[3], '1')
end
return held
