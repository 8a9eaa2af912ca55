-- Single acquire over BENCH_KEYS keys (default 10,000), chosen at random per request (spread over every partition).
-- With BENCH_DELAY_MS set, each connection pauses that long after every answer, so a given number of connections
-- offers a bounded rate instead of saturating the server (wrk 4.1 has no fixed-rate mode; see run.sh).
local keys = tonumber(os.getenv("BENCH_KEYS") or "10000")
local pause = tonumber(os.getenv("BENCH_DELAY_MS") or "0")
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

if pause > 0 then
  function delay()
    return pause
  end
end
