-- Single acquire, always the same key: every decision goes to one partition (one Hazelcast partition thread).
wrk.method = "POST"
wrk.body = '{"tokens":1}'
wrk.headers["Content-Type"] = "application/json"
wrk.path = "/v1/buckets/bench:one/acquire"
