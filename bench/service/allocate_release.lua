-- wrk script: allocate + release cycles across several companies.
-- Each connection alternates: POST /v1/allocations (a new session), then DELETE that session.
-- env: POOLDESK_BENCH_KEY (API key), POOLDESK_BENCH_COMPANIES (count, companies are bench-1..N)

local key = os.getenv("POOLDESK_BENCH_KEY")
local companies = tonumber(os.getenv("POOLDESK_BENCH_COMPANIES") or "4")
local counter = 0
local run_id = os.getenv("POOLDESK_BENCH_RUN") or tostring(os.time())
thread_id = 0
local pending = {}   -- sessions allocated, waiting to be released
failures = 0        -- globals: done() reads them from each thread
statuses = ""

local threads = {}
function setup(thread)
  thread:set("thread_id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  wrk.headers["Authorization"] = "Bearer " .. key
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  local session = table.remove(pending)
  if session ~= nil then
    return wrk.format("DELETE", "/v1/allocations/" .. session, nil,
                      '{"duration_seconds":' .. (counter % 300) .. ',"direction":"outbound"}')
  end
  counter = counter + 1
  local company = "bench-" .. ((counter % companies) + 1)
  local s = run_id .. "-" .. thread_id .. "-" .. counter
  return wrk.format("POST", "/v1/allocations", nil,
                    '{"company":"' .. company .. '","operator":"op-' .. (counter % 50) .. '","session":"' .. s .. '","ttl_seconds":120}')
end

function response(status, headers, body)
  if status == 201 then
    local session = string.match(body, '"session":"([^"]+)"')
    if session then table.insert(pending, session) end
  elseif status ~= 200 then
    failures = failures + 1
    if failures <= 3 then statuses = statuses .. status .. ":" .. body .. "\n" end
  end
end

function done(summary, latency, requests)
  local total = 0
  local samples = ""
  for _, t in ipairs(threads) do
    total = total + (t:get("failures") or 0)
    samples = samples .. (t:get("statuses") or "")
  end
  io.write(string.format("lua: failed_requests=%d\n", total))
  if total > 0 then io.write("lua: first failures:\n" .. samples) end
end
