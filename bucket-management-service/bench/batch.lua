-- Batch acquire: 100 decisions per request over 10,000 keys. Bodies are built once (200 of them) and cycled, so
-- Lua's string building does not limit the load.
local keys = tonumber(os.getenv("BENCH_KEYS") or "10000")
local perRequest = 100
local headers = { ["Content-Type"] = "application/json" }
local bodies = {}
local n = 0

function setup(thread)
  thread:set("seed", math.random(1, 1000000))
end

function init(args)
  math.randomseed(seed or os.time())
  for b = 1, 200 do
    local items = {}
    for i = 1, perRequest do
      items[i] = '{"key":"bench:k' .. math.random(1, keys) .. '"}'
    end
    bodies[b] = '{"requests":[' .. table.concat(items, ",") .. ']}'
  end
end

function request()
  n = n % #bodies + 1
  return wrk.format("POST", "/v1/acquire", headers, bodies[n])
end
