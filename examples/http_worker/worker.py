#!/usr/bin/env python3
"""An example remote worker over HTTP, in Python (standard library only).

    drover run --http=127.0.0.1:8080 &
    python3 examples/http_worker/worker.py --server=http://127.0.0.1:8080 --worker=py1
    curl --json '{"tasks":[{"type":"wc","payload":"the quick brown fox"}]}' \
         http://127.0.0.1:8080/v1/jobs

Options: --server (or DROVER_URL), --token (or DROVER_TOKEN), --worker,
--concurrency, --max-batch. SIGTERM finishes what it holds, then exits.
"""
import argparse
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "workers", "python"))
import drover_http_worker as dw  # noqa: E402


def wc(payload, task):
    """The payload is text; the result is how many words it has."""
    if not payload.strip():
        raise dw.PermanentError("empty text: nothing to count")
    return str(len(payload.split()))


def slow(payload, task):
    """Sleeps `payload` seconds (heartbeats keep the lease); stops if cancelled."""
    end = time.monotonic() + float(payload or 1)
    while time.monotonic() < end:
        if task.cancelled:
            return "cancelled"  # the manager answers 409: nothing is recorded
        time.sleep(0.05)
    return "slept"


def noop(payload, task):
    return ""


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--server", default=None)
    ap.add_argument("--token", default=None)
    ap.add_argument("--worker", default=None)
    ap.add_argument("--concurrency", type=int, default=8)
    ap.add_argument("--max-batch", type=int, default=64)
    ap.add_argument("--wait-ms", type=int, default=5000)
    ap.add_argument("--lease-ms", type=int, default=30000)
    a = ap.parse_args()
    w = dw.run({"wc": wc, "slow": slow, "noop": noop}, server=a.server, token=a.token,
               worker=a.worker, concurrency=a.concurrency, max_batch=a.max_batch,
               wait_ms=a.wait_ms, lease_ms=a.lease_ms)
    print("completed %d, stale %d" % (w.completed, w.stale), file=sys.stderr)
