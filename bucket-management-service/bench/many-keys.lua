-- Single acquire over 10,000 keys, chosen at random per request (spread over every partition).
local keys = tonumber(os.getenv("BENCH_KEYS") or "10000")
local body = '{"tokens":1}'
local headers = { ["Content-Type"] = "application/json" }

function setup(thread)
  thread:set("seed", math.random(1, 1000000))
end

function init(args)
  math.randomseed(seed or os.time())
end

function request()
  return wrk.format("POST", "/v1/buckets/bench:k" .. math.random(1, keys) .. "/acquire", headers, body)
end
