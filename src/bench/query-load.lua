-- wrk script for the load benchmark's query load: GET a random path of a list, then think.
--   WRK_OUT=result.json wrk -t1 -cN -dSECONDS -H "Authorization: ..." -s query-load.lua URL -- PATHS_FILE THINK_MS
-- Each connection sends one request at a time and waits THINK_MS after each answer. Stopped with SIGINT (wrk then
-- reports what it measured so far); writes the latency percentiles (wrk's own histogram, microseconds) to $WRK_OUT.
local paths, think = {}, 0

function init(args)
   for line in io.lines(args[1]) do
      if line ~= "" then paths[#paths + 1] = line end
   end
   think = tonumber(args[2])
   math.randomseed(os.time())
end

function request()
   return wrk.format("GET", paths[math.random(#paths)])
end

function delay()
   return think
end

function done(summary, latency, requests)
   local f = io.open(os.getenv("WRK_OUT"), "w")
   local e = summary.errors
   f:write(string.format('{"requests": %d, "duration_us": %d, "bytes": %d, "errors": {"connect": %d, "read": %d, '
      .. '"write": %d, "status": %d, "timeout": %d}, "p50_ms": %.3f, "p90_ms": %.3f, "p99_ms": %.3f, '
      .. '"p999_ms": %.3f, "max_ms": %.3f, "mean_ms": %.3f}\n',
      summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
      latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
      latency:percentile(99.9) / 1000, latency.max / 1000, latency.mean / 1000))
   f:close()
end
