-- learn.lua: the tool classes an endpoint's server declared (readOnlyHint), learned from tools/list
-- results, and dropped when the server says its tools changed. Run without common.lua.
--
-- KEYS[1]  <prefix>:{t.<endpoint>}:tools          hash: tool name -> "r" | "w"; field "" holds the version
--                                                 "<epoch>:<n>:<sha1 of the classes>", n counting the
--                                                 lists learned in the epoch
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
-- ARGV[6]  the most tools one list may teach
-- ARGV[7..] tool name, "r" | "w", ... (the page's tools that carry a readOnlyHint)
--
-- Returns 0 when the page continued no known walk of the current epoch, or the list grew past the
-- limit (nothing learned; the walk ends), 1 when the walk goes on, 2 when the walk ended and replaced
-- the learned classes (published), 3 after forget, 4 when the walk ended with the classes already
-- learned (their TTL is set again; nothing published, so that a list seen again costs no instance a read).

local op, ttl, walk_ttl, max_tools = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[6])
if not (op == 'page' or op == 'forget') or not (ttl and ttl > 0 and walk_ttl and walk_ttl > 0)
    or not (max_tools and max_tools > 0) or (#ARGV - 6) % 2 ~= 0 then
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
local merged, count = {}, 0
if has_cursor then
  if redis.call('HGET', KEYS[2], '') ~= epoch then
    return 0 -- a walk not seen to begin here, one that ran out, or one from before the list changed
  end
  local before = redis.call('HGETALL', KEYS[2])
  redis.call('DEL', KEYS[2])
  for i = 1, #before, 2 do
    if before[i] ~= '' then
      merged[before[i]] = before[i + 1]
      count = count + 1
    end
  end
end
for i = 7, #ARGV, 2 do
  local class = ARGV[i + 1]
  if ARGV[i] == '' or (class ~= 'r' and class ~= 'w') then
    return redis.error_reply('ERR turnstile learn: bad arguments')
  end
  if not merged[ARGV[i]] then
    count = count + 1
  end
  merged[ARGV[i]] = class
end
if count > max_tools then
  return 0 -- a list this long is not learned (its walk, deleted above, ends here)
end

local target = has_next and KEYS[3] or KEYS[1]
local marker = epoch
if not has_next then
  -- the version "<epoch>:<n>:<digest of the classes>"; the same classes learned again only set the TTL
  local names = {}
  for name in pairs(merged) do
    names[#names + 1] = name
  end
  table.sort(names)
  local parts = {}
  for _, name in ipairs(names) do
    parts[#parts + 1] = #name .. ':' .. name .. merged[name]
  end
  local digest = redis.sha1hex(table.concat(parts, ','))
  local last = redis.call('HGET', KEYS[1], '') or ''
  local n, known = string.match(last, '^(%d+):(%x+)$', #epoch + 2)
  if string.sub(last, 1, #epoch + 1) == epoch .. ':' and known == digest then
    redis.call('PEXPIRE', KEYS[1], ttl)
    return 4
  end
  marker = epoch .. ':' .. (tonumber(n or '0') + 1) .. ':' .. digest
end
redis.call('DEL', target)
local batch = {'', marker}
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
