-- withdraw.lua: a writer that gives up waiting removes its waiting mark, so the readers it held back go on.
--
-- KEYS[1]  <prefix>:{<session>}:writers:<turn>   zset (see acquire.lua)
-- KEYS[2]  <prefix>:{<session>}:wake             sharded pub/sub channel of the session
-- ARGV[1]  the writer's permit token
--
-- Returns 1 when a mark was removed (and the session's waiters were woken), else 0.

local t = redis.call('TYPE', KEYS[1])['ok']
if ARGV[1] == nil or ARGV[1] == '' or (t ~= 'none' and t ~= 'zset') then
  return redis.error_reply('ERR turnstile withdraw: bad arguments or key type')
end
local removed = redis.call('ZREM', KEYS[1], ARGV[1])
if removed > 0 then
  redis.call('SPUBLISH', KEYS[2], '1')
end
return removed
