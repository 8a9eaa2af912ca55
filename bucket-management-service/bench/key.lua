-- Single acquire of one token on the key in BENCH_KEY, counting the answers whose tokens came from the transfer
-- protocol ("borrowed" > 0); done() prints "borrowing decisions: N". With BENCH_DELAY_MS set, each connection pauses
-- that long after every answer (a bounded rate, as in many-keys.lua).
local key = os.getenv("BENCH_KEY") or "bench:one"
local pause = tonumber(os.getenv("BENCH_DELAY_MS") or "0")
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  borrowing = 0
end

wrk.method = "POST"
wrk.body = '{"tokens":1}'
wrk.headers["Content-Type"] = "application/json"
wrk.path = "/v1/buckets/" .. key .. "/acquire"

function response(status, headers, body)
  if body:find('"borrowed":[1-9]') then
    borrowing = borrowing + 1
  end
end

function done(summary, latency, requests)
  local total = 0
  for _, t in ipairs(threads) do
    total = total + t:get("borrowing")
  end
  io.write("borrowing decisions: " .. total .. "\n")
end

if pause > 0 then
  function delay()
    return pause
  end
end
