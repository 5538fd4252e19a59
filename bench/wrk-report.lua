-- wrk's end-of-run hook: one line with requests, p50 and p95 in ms, requests per second, errors.
done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.status + summary.errors.timeout
  io.write(string.format("RESULT %d %.1f %.1f %.1f %d\n", summary.requests, latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, summary.requests / (summary.duration / 1e6), errors))
end
