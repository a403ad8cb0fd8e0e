-- wrk: POST a SendSms-shaped form (the provider's ceiling in Benchmarks/notify.sh).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.body = "Action=SendSms&OutId=&PhoneNumbers=13800000000&TemplateCode=SMS_1&TemplateParam=%7B%7D"
done = function(summary, latency, requests)
  io.write(string.format("RESULT %.1f %.1f %.1f\n", summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
