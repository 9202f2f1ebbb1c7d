-- release.lua: give back one place; when it was the session's last, the turn ends and the keys go.
--
-- KEYS[1..5] the session's lock keys (see common.lua)
-- KEYS[6]  <prefix>:{<session>}:wake     sharded pub/sub channel of the session (declared for Cluster routing)
-- ARGV[1]  the place: "<r|w>:<token>"
--
-- Returns 1 when the place was held and is now released, 0 when it was not held (its lease had run
-- out, or the data is gone): nothing of anybody else's changes then.
-- Publishes on the session's channel whenever something was freed, so waiters look again at once.

if ARGV[1] == nil or ARGV[1] == '' then
  return redis.error_reply('ERR turnstile release: bad arguments')
end
if not types_ok({}) then
  return redis.error_reply('ERR turnstile release: unexpected type of a key')
end

local now = clock()
local held = redis.call('ZREM', K_PLACES, ARGV[1])
local freed, expired = prune(now)
expire_all(now, false)
if held + freed + expired > 0 then
  redis.call('SPUBLISH', KEYS[6], '1')
end
return held
