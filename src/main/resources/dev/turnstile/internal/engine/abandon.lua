-- abandon.lua: clean up after a caller that gave up on an acquire (or a withdraw) whose reply never
-- came: the command may still run later, or may have run already. Removes whatever the token holds
-- (its place, its waiting mark) and leaves a short-lived tombstone that acquire.lua honours, so a
-- delayed acquire of this token that runs after this script takes nothing.
--
-- KEYS[1..5] the session's lock keys (see common.lua)
-- KEYS[6]  <prefix>:{<session>}:wake           sharded pub/sub channel of the session
-- KEYS[7]  <prefix>:{<session>}:gone:<token>   string: the tombstone
-- ARGV[1]  the token's turn hash
-- ARGV[2]  the token
-- ARGV[3]  how long the tombstone lives (ms, > 0)
--
-- Returns 1 when something of the token's was removed (and the session's waiters were woken), else 0.

local turn, token, ttl = ARGV[1], ARGV[2], tonumber(ARGV[3])
if turn == nil or turn == '' or token == nil or token == '' or not (ttl and ttl > 0) then
  return redis.error_reply('ERR turnstile abandon: bad arguments')
end
if not types_ok({{KEYS[7], 'string'}}) then
  return redis.error_reply('ERR turnstile abandon: unexpected type of a key')
end

redis.call('SET', KEYS[7], '1', 'PX', ttl)
local now = clock()
local removed = redis.call('ZREM', K_PLACES, 'r:' .. token, 'w:' .. token)
for _, member in ipairs(waiting_of(turn, token)) do
  removed = removed + unwait(member)
end
local freed, expired = prune(now)
expire_all(now, false)
if removed + freed + expired > 0 then
  redis.call('SPUBLISH', KEYS[6], '1')
end
if removed > 0 then
  return 1
end
return 0
