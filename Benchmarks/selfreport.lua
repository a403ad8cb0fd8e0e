-- wrk script: every request is a different person's arrival report (a valid GB 11643 number each time).
local weights = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
local checks = {"1", "0", "X", "9", "8", "7", "6", "5", "4", "3", "2"}
local counter = 0
local thread_id = 0

function setup(thread)
  thread:set("tid", thread_id)
  thread_id = thread_id + 1
end

function init(args)
  counter = 0
end

local function make_id(n)
  -- 210102 (Shenyang Heping) + a birth date spread over 1960–1999 + a sequence number
  local day = n % 28 + 1
  local month = math.floor(n / 28) % 12 + 1
  local year = 1960 + math.floor(n / 336) % 40
  local seq = (math.floor(n / 13440) + tid * 331) % 1000
  local body = string.format("210102%04d%02d%02d%03d", year, month, day, seq)
  local sum = 0
  for i = 1, 17 do sum = sum + tonumber(body:sub(i, i)) * weights[i] end
  return body .. checks[sum % 11 + 1]
end

request = function()
  counter = counter + 1
  local n = counter * 7 + tid
  local body = string.format(
    '{"kind":"arrival","orgCode":"X110105","name":"压测%d","idNumber":"%s","phone":"139%08d","address":"望京西园%d号","employer":"压测公司"}',
    n, make_id(n), (tid * 10000000 + counter) % 100000000, counter)
  return wrk.format("POST", "/api/v1/self-reports", {["Content-Type"] = "application/json"}, body)
end
