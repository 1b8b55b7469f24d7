-- wrk script: POST distinct service requests, each with its own Idempotency-Key.
local next_thread = 0
function setup(thread)
  thread:set("thread_id", next_thread)
  next_thread = next_thread + 1
end

function init(args)
  counter = 0
  prefix = string.format("bench-%d-%d-", os.time(), thread_id)
  body = '{"intent":"repair","product_line":"inverter","full_name":"王建国","phone":"138 1234 5678",'
    .. '"email":"wang@example.cn","company":"苏州某机床厂","model":"VF-7.5K","serial_number":"SN2407-88321",'
    .. '"purchase_date":"2023-05-10","resolution":"repair","priority":"high",'
    .. '"description":"变频器上电后显示 OC1 过流故障，电机无法启动。"}'
end

function request()
  counter = counter + 1
  return wrk.format("POST", "/api/v1/requests",
    { ["Content-Type"] = "application/json", ["Idempotency-Key"] = prefix .. counter }, body)
end

function done(summary, latency, requests)
  io.write(string.format("created/s: %.0f   p50: %.2f ms   p99: %.2f ms   errors: %d non-2xx, %d socket\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
