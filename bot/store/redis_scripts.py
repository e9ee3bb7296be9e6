"""Lua scripts of the Redis store: each check-and-write runs atomically inside Redis.

Every script first checks the fence (KEYS[1] must hold ARGV[1] when a token is
given), so a former leader's write fails as a whole.
"""

_FENCE = """
if ARGV[1] ~= '' and redis.call('GET', KEYS[1]) ~= ARGV[1] then
  return redis.error_reply('FENCED')
end
"""

# KEYS: fence, incidents, versions, by_time  ARGV: token, number, json, version, expected, score
_PUT_INCIDENT = (
    _FENCE
    + """
if ARGV[5] ~= '' then
  local cur = redis.call('HGET', KEYS[3], ARGV[2])
  if cur ~= ARGV[5] then return tostring(cur) end
end
redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
redis.call('HSET', KEYS[3], ARGV[2], ARGV[4])
redis.call('ZADD', KEYS[4], ARGV[6], ARGV[2])
return 'OK'
"""
)

# KEYS: fence, ids, all, per-incident  ARGV: token, id, json
_APPEND_ACTION = (
    _FENCE
    + """
if redis.call('HSETNX', KEYS[2], ARGV[2], '1') == 0 then return 0 end
redis.call('RPUSH', KEYS[3], ARGV[3])
redis.call('RPUSH', KEYS[4], ARGV[3])
return 1
"""
)

# KEYS: fence, outbox, pending  ARGV: token, then (id, json, score-or-empty) triples
_ENQUEUE = (
    _FENCE
    + """
local out = {}
for i = 2, #ARGV, 3 do
  if redis.call('HSETNX', KEYS[2], ARGV[i], ARGV[i + 1]) == 1 then
    if ARGV[i + 2] ~= '' then redis.call('ZADD', KEYS[3], ARGV[i + 2], ARGV[i]) end
    out[#out + 1] = 1
  else
    out[#out + 1] = 0
  end
end
return out
"""
)

# KEYS: fence, outbox, pending  ARGV: token, id, json, score-or-empty
_UPDATE_NOTE = (
    _FENCE
    + """
if redis.call('HEXISTS', KEYS[2], ARGV[2]) == 0 then return 0 end
redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
if ARGV[4] == '' then redis.call('ZREM', KEYS[3], ARGV[2]) else redis.call('ZADD', KEYS[3], ARGV[4], ARGV[2]) end
return 1
"""
)

# KEYS: fence, hash  ARGV: token, field, value, only-if-absent ('1'/'')
_HSET = (
    _FENCE
    + """
if ARGV[4] == '1' then return redis.call('HSETNX', KEYS[2], ARGV[2], ARGV[3]) end
redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
return 1
"""
)

# KEYS: fence, refs-by-key, refs-by-incident:<n>  ARGV: token, field, json, incident, by-incident key prefix
_ADD_REF = (
    _FENCE
    + """
local old = redis.call('HGET', KEYS[2], ARGV[2])
if old then
  local was = cjson.decode(old)['incident']
  if was ~= ARGV[4] then redis.call('HDEL', ARGV[5] .. was, ARGV[2]) end
end
redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
redis.call('HSET', KEYS[3], ARGV[2], ARGV[3])
return 1
"""
)

# KEYS: fence, file  ARGV: token, bytes, keep (ms)  -- a shorter keep never cuts a longer one
_PUT_FILE = (
    _FENCE
    + """
if redis.call('PTTL', KEYS[2]) < tonumber(ARGV[3]) then
  redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
end
return 1
"""
)
