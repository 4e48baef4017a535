#!/usr/bin/env python3
"""A remote HTTP worker for the cross-process tests (workers/python/drover_http_worker.py).

--mode=ok    runs each task: appends "ID LEASE" to --record, answers the worker's name
             (after --sleep-ms)
--mode=hold  appends "ID LEASE" to --record, then holds the task until killed
--mode=slow  runs until a heartbeat says cancel; then appends "cancelled ID" and returns
Prints "completed N stale M" on stdout when it stops (SIGTERM finishes what it holds).
"""
import argparse
import os
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "workers", "python"))
import drover_http_worker as dw  # noqa: E402

ap = argparse.ArgumentParser()
ap.add_argument("--server", required=True)
ap.add_argument("--worker", required=True)
ap.add_argument("--types", default="t")
ap.add_argument("--tags", default="")
ap.add_argument("--mode", default="ok", choices=["ok", "hold", "slow"])
ap.add_argument("--record", required=True)
ap.add_argument("--concurrency", type=int, default=4)
ap.add_argument("--max-batch", type=int, default=64)
ap.add_argument("--lease-ms", type=int, default=30000)
ap.add_argument("--wait-ms", type=int, default=2000)
ap.add_argument("--token", default="")
ap.add_argument("--sleep-ms", type=int, default=0)
a = ap.parse_args()

fd = os.open(a.record, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
lock = threading.Lock()


def note(line):
    with lock:
        os.write(fd, (line + "\n").encode())


def handler(payload, task):
    if a.mode == "slow":
        note("started %s %d" % (task.id, task.lease))
        while not task.cancelled:
            time.sleep(0.02)
        note("cancelled %s" % task.id)
        return "stopped"
    note("%s %d" % (task.id, task.lease))
    if a.mode == "hold":
        time.sleep(3600)
    time.sleep(a.sleep_ms / 1000.0)
    return a.worker


types = a.types.split(",")
w = dw.run({t: handler for t in types}, server=a.server, worker=a.worker, token=a.token,
           concurrency=a.concurrency, max_batch=a.max_batch, lease_ms=a.lease_ms,
           wait_ms=a.wait_ms, tags=[t for t in a.tags.split(",") if t])
print("completed %d stale %d" % (w.completed, w.stale), flush=True)
