#!/usr/bin/env python3
"""Remote HTTP workers measured against a running `drover run` (standard library only).

latency SERVER N     a worker polls (wait_ms 30 s) before each task is submitted;
                     prints "p50 US p99 US" from the start of POST /v1/jobs to the
                     poll's answer (and completes each task)
throughput SERVER N  submits N no-op tasks (type noop) as one job and waits until
                     the workers already polling finished them; prints "tasks/s R"
"""
import http.client
import json
import sys
import threading
import time
import urllib.parse


def client(server):
    u = urllib.parse.urlsplit(server)
    return http.client.HTTPConnection(u.hostname, u.port, timeout=120)


def post(conn, path, body):
    conn.request("POST", path, json.dumps(body), {"Content-Type": "application/json"})
    r = conn.getresponse()
    data = r.read()
    if r.status >= 300:
        raise SystemExit("%s -> %d %s" % (path, r.status, data[:300]))
    return json.loads(data)


def get(conn, path):
    conn.request("GET", path)
    r = conn.getresponse()
    return json.loads(r.read())


def latency(server, n):
    poller, submitter = client(server), client(server)
    got = []
    start = [0.0]
    ready = threading.Event()
    lat = []

    def poll_loop():
        for _ in range(n):
            ready.set()
            ans = post(poller, "/v1/workers/poll", {"worker": "latency", "types": ["lat"],
                                                     "max": 1, "wait_ms": 30000, "capacity": 1})
            t = time.perf_counter()
            tasks = ans["tasks"]
            if not tasks:
                continue
            lat.append(t - start[0])
            got.append(tasks[0])
            post(poller, "/v1/tasks/complete", {"results": [
                {"id": tasks[0]["id"], "lease": tasks[0]["lease"], "result": ""}]})

    th = threading.Thread(target=poll_loop)
    th.start()
    for i in range(n):
        ready.wait()
        ready.clear()
        time.sleep(0.005)  # the poll is parked by now
        start[0] = time.perf_counter()
        post(submitter, "/v1/jobs", {"name": "lat", "tasks": [{"type": "lat"}]})
        while len(got) < i + 1 and th.is_alive():
            time.sleep(0.0005)
    th.join()
    lat.sort()
    us = lambda q: round(lat[min(len(lat) - 1, int(q * len(lat)))] * 1e6)  # noqa: E731
    print("p50 %d p99 %d n %d" % (us(0.50), us(0.99), len(lat)))


def throughput(server, n):
    c = client(server)
    t0 = time.monotonic()
    job = post(c, "/v1/jobs", {"name": "tput", "tasks": [{"type": "noop", "count": n}]})
    while True:
        j = get(c, "/v1/jobs/%d" % job["job_id"])
        if j.get("finished"):
            break
        time.sleep(0.01)
    took = time.monotonic() - t0
    ok = j["counts"]["SUCCEEDED"]
    if ok != n:
        raise SystemExit("only %d of %d succeeded" % (ok, n))
    print("tasks/s %d" % round(n / took))


if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[1] not in ("latency", "throughput"):
        raise SystemExit(__doc__)
    {"latency": latency, "throughput": throughput}[sys.argv[1]](sys.argv[2], int(sys.argv[3]))
