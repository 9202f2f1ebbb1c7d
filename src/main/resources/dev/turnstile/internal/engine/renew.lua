-- renew.lua: extend the leases of the places one process holds in one session.
--
-- KEYS[1..5] the session's lock keys (see common.lua)
-- KEYS[6]  <prefix>:{<session>}:wake     sharded pub/sub channel of the session
-- ARGV[1]  lease (ms, > 0)
-- ARGV[2..n] the places: "<r|w>:<token>"
--
-- Returns one integer per place, in order: 1 = renewed, 0 = lost (its lease had already run out or
-- the data is gone; it is not brought back). Expired places and marks of others are pruned, and the
-- session's waiters are woken when that freed something.

local lease = tonumber(ARGV[1])
if not (lease and lease > 0) then
  return redis.error_reply('ERR turnstile renew: bad arguments')
end
if not types_ok({}) then
  return redis.error_reply('ERR turnstile renew: unexpected type of a key')
end

local now = clock()
local freed, expired = prune(now)
local result = {}
for i = 2, #ARGV do
  if redis.call('ZSCORE', K_PLACES, ARGV[i]) then
    redis.call('ZADD', K_PLACES, 'XX', now + lease, ARGV[i])
    result[#result + 1] = 1
  else
    result[#result + 1] = 0
  end
end
expire_all(now, false)
if freed + expired > 0 then
  redis.call('SPUBLISH', KEYS[6], '1')
end
return result
