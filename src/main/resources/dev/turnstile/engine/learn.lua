-- learn.lua: the tool classes an endpoint's server declared (readOnlyHint), learned from tools/list
-- results, and dropped when the server says its tools changed. Run without common.lua.
--
-- KEYS[1]  <prefix>:{t.<endpoint>}:tools          hash: tool name -> "r" | "w"; field "" marks the key
-- KEYS[2]  <prefix>:{t.<endpoint>}:walk:<cursor>  hash: the pages of an unfinished walk that returned
--                                                 <cursor>; field "" holds the epoch the walk began in
--                                                 (KEYS[1] when the page was asked for without a cursor)
-- KEYS[3]  <prefix>:{t.<endpoint>}:walk:<next>    the same for the page's nextCursor (KEYS[1] when none)
-- KEYS[4]  <prefix>:{t.<endpoint>}:epoch          string: how often the list changed (walks of an older
--                                                 epoch are void)
-- KEYS[5]  <prefix>:{t.<endpoint>}:tools-changed  sharded pub/sub channel: the learned classes changed
-- ARGV[1]  "page" or "forget"
-- ARGV[2]  TTL of the learned classes and of the epoch (ms, > 0)
-- ARGV[3]  TTL of an unfinished walk (ms, > 0)
-- ARGV[4]  "1" when the page was asked for with a cursor, else "0"
-- ARGV[5]  "1" when the page has a nextCursor, else "0"
-- ARGV[6..] tool name, "r" | "w", ... (the page's tools that carry a readOnlyHint)
--
-- Returns 0 when the page continued no known walk of the current epoch (nothing learned), 1 when the
-- walk goes on, 2 when the walk ended and replaced the learned classes (published), 3 after forget.

local op, ttl, walk_ttl = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
if not (op == 'page' or op == 'forget') or not (ttl and ttl > 0 and walk_ttl and walk_ttl > 0)
    or (#ARGV - 5) % 2 ~= 0 then
  return redis.error_reply('ERR turnstile learn: bad arguments')
end
for i = 1, 4 do
  local t = redis.call('TYPE', KEYS[i])['ok']
  if t ~= 'none' and t ~= (i == 4 and 'string' or 'hash') then
    return redis.error_reply('ERR turnstile learn: unexpected type of a key')
  end
end

local epoch = redis.call('GET', KEYS[4]) or '0'
if op == 'forget' then
  redis.call('DEL', KEYS[1])
  redis.call('INCR', KEYS[4])
  redis.call('PEXPIRE', KEYS[4], ttl)
  redis.call('SPUBLISH', KEYS[5], '1')
  return 3
end

local has_cursor, has_next = ARGV[4] == '1', ARGV[5] == '1'
local merged = {}
if has_cursor then
  if redis.call('HGET', KEYS[2], '') ~= epoch then
    return 0 -- a walk not seen to begin here, one that ran out, or one from before the list changed
  end
  local before = redis.call('HGETALL', KEYS[2])
  redis.call('DEL', KEYS[2])
  for i = 1, #before, 2 do
    if before[i] ~= '' then
      merged[before[i]] = before[i + 1]
    end
  end
end
for i = 6, #ARGV, 2 do
  local class = ARGV[i + 1]
  if ARGV[i] == '' or (class ~= 'r' and class ~= 'w') then
    return redis.error_reply('ERR turnstile learn: bad arguments')
  end
  merged[ARGV[i]] = class
end

local target = has_next and KEYS[3] or KEYS[1]
redis.call('DEL', target)
local batch = {'', has_next and epoch or ''}
for name, class in pairs(merged) do
  batch[#batch + 1] = name
  batch[#batch + 1] = class
  if #batch >= 200 then
    redis.call('HSET', target, unpack(batch))
    batch = {}
  end
end
if #batch > 0 then
  redis.call('HSET', target, unpack(batch))
end
redis.call('PEXPIRE', target, has_next and walk_ttl or ttl)
if has_next then
  return 1
end
redis.call('SPUBLISH', KEYS[5], '1')
return 2
