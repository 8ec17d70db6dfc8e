-- wrk script for `make bench`, configured through the environment by bench/run.py:
--   BENCH_METHOD   GET (default) or POST
--   BENCH_PATHS    file with one request path per line, taken in turn (per-request ids)
--   BENCH_BODIES   file with one JSON body per line, taken in turn (POST)
--   BENCH_AUTH     the value of the Authorization header, if any
--   BENCH_LIMIT    stop each thread after this many responses (cold PDFs: each id once)
--   BENCH_OUT      where done() writes the summary as JSON
-- Each thread takes the entries i ≡ thread id (mod threads), so with a limit no entry is
-- requested twice.

local threads = {}
local counter = 0

function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

local function read_lines(name)
  local items = {}
  if name == nil or name == "" then return items end
  for line in io.lines(name) do
    if line ~= "" then table.insert(items, line) end
  end
  return items
end

local paths, bodies, headers, method
local index, limit, seen = 0, nil, 0

function init(args)
  method = os.getenv("BENCH_METHOD") or "GET"
  local nthreads = tonumber(os.getenv("BENCH_THREADS") or "1")
  local all = read_lines(os.getenv("BENCH_PATHS"))
  paths = {}
  for i, p in ipairs(all) do
    if (i - 1) % nthreads == tid then table.insert(paths, p) end
  end
  bodies = read_lines(os.getenv("BENCH_BODIES"))
  headers = {}
  local auth = os.getenv("BENCH_AUTH")
  if auth and auth ~= "" then headers["Authorization"] = auth end
  if method == "POST" then headers["Content-Type"] = "application/json" end
  limit = tonumber(os.getenv("BENCH_LIMIT") or "")
  if limit then limit = math.min(limit, #paths) end
  index = 0
end

function request()
  index = index + 1
  local path = wrk.path
  if #paths > 0 then path = paths[((index - 1) % #paths) + 1] end
  local body = nil
  if #bodies > 0 then body = bodies[((index - 1) % #bodies) + 1] end
  return wrk.format(method, path, headers, body)
end

if os.getenv("BENCH_LIMIT") then
  function response(status, hdrs, body)
    seen = seen + 1
    if seen >= limit then wrk.thread:stop() end
  end
end

function done(summary, latency, requests)
  local out = os.getenv("BENCH_OUT")
  local e = summary.errors
  local f = io.open(out, "w")
  -- The latency distribution as 1000 quantiles, so bench/run.py can merge several runs.
  local q = {}
  for i = 1, 1000 do q[i] = tostring(latency:percentile(i / 10)) end
  f:write(string.format(
    '{"duration_us": %d, "requests": %d, "bytes": %d, ' ..
    '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, ' ..
    '"latency_us": {"min": %d, "mean": %.1f, "max": %d}, "quantiles_us": [%s]}\n',
    summary.duration, summary.requests, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency.min, latency.mean, latency.max, table.concat(q, ",")))
  f:close()
end
