"""drover remote worker over HTTP, for Python (standard library only).

A worker anywhere (a container, another host) takes tasks from the
manager's REST server and reports results back (http/API.md, "Remote
workers"). Example:

    import drover_http_worker as dw

    def resize(payload, task):
        return "resized " + payload     # a str, or anything JSON can encode

    dw.run({"resize": resize}, server="http://127.0.0.1:8080", worker="w1")

run() polls in batches (up to `max_batch` tasks per poll, waiting up to
`wait_ms` for work), runs handlers on `concurrency` threads, heartbeats
tasks that run longer than the server's heartbeat_ms (a task cancelled
meanwhile shows `task.cancelled`), and completes in batches. SIGTERM or
SIGINT (or stop()) ends it cleanly: no new polls, the tasks it holds finish
and their results are sent, then run() returns.

A handler that raises fails the attempt ("ValueError: bad path"); drover
retries it by the task's policy unless the exception is a PermanentError
(or has `retryable = False`). A result the manager answers 409 for (the
lease is old: the task was cancelled, timed out, or moved to another worker
after this one was lost) is dropped and counted in `stale`.
"""
import http.client
import json
import os
import queue
import signal
import socket
import sys
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor

__all__ = ["run", "Worker", "Task", "PermanentError", "HttpError"]


class PermanentError(Exception):
    """Fails the task at once: no further attempts."""
    retryable = False


class HttpError(Exception):
    """The server answered with an error status."""

    def __init__(self, status, body):
        super().__init__("HTTP %d: %s" % (status, body))
        self.status = status
        self.body = body


class Task:
    """One task handed to this worker; `lease` fences its completion."""
    __slots__ = ("id", "type", "payload", "attempt", "lease", "heartbeat_ms",
                 "lease_expires_ms", "cancelled", "started", "last_beat")

    def __init__(self, t):
        self.id = t["id"]
        self.type = t["type"]
        self.payload = t["payload"]
        self.attempt = t.get("attempt", 1)
        self.lease = t["lease"]
        self.heartbeat_ms = t.get("heartbeat_ms", 10000)
        self.lease_expires_ms = t.get("lease_expires_ms", 0)
        self.cancelled = False  # set when a heartbeat says cancel, or the lease is gone
        self.started = time.monotonic()
        self.last_beat = self.started


class _Client:
    """One keep-alive HTTP connection (not shared between threads)."""

    def __init__(self, server, token, timeout):
        u = urllib.parse.urlsplit(server)
        if u.scheme not in ("http", "https"):
            raise ValueError("server must be http://HOST:PORT or https://..., got %r" % server)
        self._https = u.scheme == "https"
        self._host = u.hostname
        self._port = u.port or (443 if self._https else 80)
        self._timeout = timeout
        self._headers = {"Content-Type": "application/json"}
        if token:
            self._headers["Authorization"] = "Bearer " + token
        self._conn = None

    def post(self, path, body, timeout=None):
        data = json.dumps(body).encode()
        for attempt in (1, 2):  # a keep-alive connection the server closed: once more
            if self._conn is None:
                cls = http.client.HTTPSConnection if self._https else http.client.HTTPConnection
                self._conn = cls(self._host, self._port, timeout=timeout or self._timeout)
            elif timeout:
                self._conn.timeout = timeout
                if self._conn.sock:
                    self._conn.sock.settimeout(timeout)
            try:
                self._conn.request("POST", path, data, self._headers)
                r = self._conn.getresponse()
                text = r.read()
            except (http.client.HTTPException, OSError):
                self.close()
                if attempt == 2:
                    raise
                continue
            if r.getheader("Connection", "").lower() == "close":
                self.close()
            payload = json.loads(text) if text else {}
            if r.status >= 400:
                raise HttpError(r.status, payload)
            return payload

    def close(self):
        if self._conn is not None:
            self._conn.close()
            self._conn = None


class Worker:
    def __init__(self, handlers, server=None, worker=None, token=None, max_batch=64,
                 wait_ms=5000, concurrency=8, tags=(), lease_ms=30000, capacity=None,
                 complete_batch=256, complete_delay_ms=5, log=None):
        if not handlers:
            raise ValueError("handlers: give at least one {type: function}")
        self.handlers = dict(handlers)
        self.server = server or os.environ.get("DROVER_URL", "http://127.0.0.1:8080")
        self.worker = worker or "%s-%d" % (socket.gethostname(), os.getpid())
        self.token = token if token is not None else os.environ.get("DROVER_TOKEN", "")
        self.max_batch = max_batch
        self.wait_ms = wait_ms
        self.concurrency = concurrency
        self.tags = list(tags)
        self.lease_ms = lease_ms
        # Tasks held at once: what runs, what waits for a thread, what the
        # manager leases ahead so the next poll answers at once.
        self.limit = max(concurrency, max_batch)
        self.capacity = capacity or 2 * self.limit
        self.complete_batch = complete_batch
        self.complete_delay = complete_delay_ms / 1000.0
        self.log = log or (lambda msg: print("drover worker %s: %s" % (self.worker, msg),
                                             file=sys.stderr, flush=True))
        self.completed = 0  # results the manager applied
        self.stale = 0      # results it refused (409: old lease)
        self._stop = threading.Event()
        self._held = {}     # id -> Task, from poll until its result is judged
        self._lock = threading.Condition()
        self._results = queue.Queue()

    # -- the loop ---------------------------------------------------------------
    def stop(self):
        """No new polls; run() returns once the held tasks are reported."""
        self._stop.set()
        with self._lock:
            self._lock.notify_all()

    def run(self):
        pool = ThreadPoolExecutor(max_workers=self.concurrency,
                                  thread_name_prefix="drover-task")
        completer = threading.Thread(target=self._complete_loop, name="drover-complete",
                                     daemon=True)
        beater = threading.Thread(target=self._heartbeat_loop, name="drover-heartbeat",
                                  daemon=True)
        completer.start()
        beater.start()
        poller = _Client(self.server, self.token, self.wait_ms / 1000.0 + 30)
        backoff = 0.1
        try:
            while not self._stop.is_set():
                with self._lock:
                    while len(self._held) >= self.limit and not self._stop.is_set():
                        self._lock.wait(0.5)
                    room = self.limit - len(self._held)
                if self._stop.is_set():
                    break
                try:
                    got = poller.post("/v1/workers/poll", {
                        "worker": self.worker, "types": sorted(self.handlers),
                        "tags": self.tags, "max": min(self.max_batch, room),
                        "wait_ms": self.wait_ms, "capacity": self.capacity,
                        "lease_ms": self.lease_ms})
                    backoff = 0.1
                except HttpError as e:
                    if 400 <= e.status < 500 and e.status != 429:
                        raise  # our request is wrong: retrying will not fix it
                    self.log("poll failed (%s); again in %.1f s" % (e, backoff))
                    self._stop.wait(backoff)
                    backoff = min(backoff * 2, 5.0)
                    continue
                except (OSError, http.client.HTTPException, ValueError) as e:
                    self.log("poll failed (%s); again in %.1f s" % (e, backoff))
                    self._stop.wait(backoff)
                    backoff = min(backoff * 2, 5.0)
                    continue
                tasks = [Task(t) for t in got.get("tasks", [])]
                with self._lock:
                    for t in tasks:
                        self._held[t.id] = t
                for t in tasks:
                    pool.submit(self._run_task, t)
        finally:
            poller.close()
            pool.shutdown(wait=True)        # every held task ran
            self._results.put(None)         # then the completer sends the rest
            completer.join()
        return self

    def _run_task(self, t):
        fn = self.handlers.get(t.type)
        try:
            if fn is None:
                raise PermanentError("this worker has no handler for %r" % t.type)
            out = fn(t.payload, t)
            if not isinstance(out, str):
                out = json.dumps(out)
            item = {"id": t.id, "lease": t.lease, "result": out}
        except Exception as e:  # the attempt failed, the worker goes on
            item = {"id": t.id, "lease": t.lease,
                    "error": {"type": type(e).__name__, "message": str(e),
                              "retryable": bool(getattr(e, "retryable", True))}}
        self._results.put(item)

    # -- completions, in batches ------------------------------------------------
    def _complete_loop(self):
        client = _Client(self.server, self.token, 60)
        done = False
        while not done:
            item = self._results.get()
            if item is None:
                break
            batch = [item]
            deadline = time.monotonic() + self.complete_delay
            while len(batch) < self.complete_batch:
                try:
                    nxt = self._results.get(timeout=max(0, deadline - time.monotonic()))
                except queue.Empty:
                    break
                if nxt is None:
                    done = True
                    break
                batch.append(nxt)
            self._send_results(client, batch)
        client.close()

    def _send_results(self, client, batch):
        backoff = 0.1
        while True:
            try:
                answer = client.post("/v1/tasks/complete", {"results": batch})
                break
            except (OSError, http.client.HTTPException, HttpError, ValueError) as e:
                if isinstance(e, HttpError) and 400 <= e.status < 500 and e.status != 429:
                    self.log("results refused (%s); dropped %d" % (e, len(batch)))
                    answer = {"results": [{"id": b["id"], "status": e.status} for b in batch]}
                    break
                # Not judged: send again (the lease check makes a copy harmless).
                self.log("completing failed (%s); again in %.1f s" % (e, backoff))
                time.sleep(backoff)
                backoff = min(backoff * 2, 5.0)
        with self._lock:
            for r in answer.get("results", []):
                if r.get("status") == 200:
                    self.completed += 1
                else:
                    self.stale += 1
            for b in batch:
                self._held.pop(b["id"], None)
            self._lock.notify_all()

    # -- heartbeats for long tasks ---------------------------------------------
    def _heartbeat_loop(self):
        client = _Client(self.server, self.token, 30)
        while not (self._stop.is_set() and not self._held):
            time.sleep(0.2)
            now = time.monotonic()
            with self._lock:
                due = [t for t in self._held.values()
                       if now - t.last_beat >= t.heartbeat_ms / 1000.0]
            for t in due:
                t.last_beat = now
                try:
                    b = client.post("/v1/tasks/%s/heartbeat" % t.id, {"lease": t.lease})
                    t.lease_expires_ms = b.get("lease_expires_ms", 0)
                    if b.get("cancel_requested"):
                        t.cancelled = True
                except HttpError as e:
                    if e.status == 409:  # not ours any more: its result would be refused
                        t.cancelled = True
                except (OSError, http.client.HTTPException, ValueError):
                    pass  # the next beat tries again; the lease outlives a few misses
        client.close()


def run(handlers, **options):
    """Runs a Worker until SIGTERM/SIGINT; returns it (its counts)."""
    w = Worker(handlers, **options)
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: w.stop())
    return w.run()
