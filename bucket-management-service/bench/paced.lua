-- Single acquire over 10,000 keys with a pause after each answer (BENCH_DELAY_MS, default 2), so that a given number
-- of connections offers a bounded rate instead of saturating the server. wrk 4.1 has no fixed-rate mode (wrk2's -R);
-- see run.sh for how the connection count is chosen.
local keys = tonumber(os.getenv("BENCH_KEYS") or "10000")
local pause = tonumber(os.getenv("BENCH_DELAY_MS") or "2")
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

function delay()
  return pause
end
