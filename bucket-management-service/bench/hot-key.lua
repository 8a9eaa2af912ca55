-- Single acquire, always the same key (BENCH_KEY, default bench:hot), counting the grants and denials in the answers:
-- the script prints "grants=<n> denials=<n>" at the end, for the over-admission check of bench/hot-key.sh.
local key = os.getenv("BENCH_KEY") or "bench:hot"
wrk.method = "POST"
wrk.body = '{"tokens":1}'
wrk.headers["Content-Type"] = "application/json"
wrk.path = "/v1/buckets/" .. key .. "/acquire"

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  grants = 0
  denials = 0
end

function response(status, headers, body)
  if body:find('"granted":true', 1, true) then
    grants = grants + 1
  else
    denials = denials + 1
  end
end

function done(summary, latency, requests)
  local g, d = 0, 0
  for _, t in ipairs(threads) do
    g = g + t:get("grants")
    d = d + t:get("denials")
  end
  io.write(string.format("grants=%d denials=%d\n", g, d))
end
