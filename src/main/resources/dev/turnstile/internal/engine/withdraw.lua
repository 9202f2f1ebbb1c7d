-- withdraw.lua: a call that gives up waiting takes its mark back, so that the calls it held back
-- (readers behind a waiting writer, turns behind its turn) go on.
--
-- KEYS[1..5] the session's lock keys (see common.lua)
-- KEYS[6]  <prefix>:{<session>}:wake     sharded pub/sub channel of the session
-- ARGV[1]  the caller's turn hash
-- ARGV[2]  mode: "r" or "w"
-- ARGV[3]  the caller's permit token
-- ARGV[4]  the caller's arrival, as its last denial returned it ('' when unknown: every waiting call
--          of the token goes)
--
-- Returns 1 when a mark was removed (and the session's waiters were woken), else 0.

if ARGV[1] == nil or ARGV[1] == '' or (ARGV[2] ~= 'r' and ARGV[2] ~= 'w') or ARGV[3] == nil or ARGV[3] == ''
    or ARGV[4] == nil or string.find(ARGV[4], '|', 1, true) then
  return redis.error_reply('ERR turnstile withdraw: bad arguments')
end
if not types_ok({}) then
  return redis.error_reply('ERR turnstile withdraw: unexpected type of a key')
end

local now = clock()
local removed = 0
if ARGV[4] ~= '' then
  removed = unwait(waiting_member(ARGV[1], ARGV[2], ARGV[4], ARGV[3]))
else
  for _, member in ipairs(waiting_of(ARGV[1], ARGV[3])) do
    removed = removed + unwait(member)
  end
end
local freed, expired = prune(now)
expire_all(now, false)
if removed + freed + expired > 0 then
  redis.call('SPUBLISH', KEYS[6], '1')
end
return removed
