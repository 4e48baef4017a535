"""drover remote worker over HTTP, for Python (standard library only).

A worker anywhere (a container, another host) takes tasks from the
manager's REST server and reports results back (http/API.md, "Remote
workers"). Example:

    import drover_http_worker as dw

    def resize(payload, task):
        return "resized " + payload     # a str, or anything JSON can encode

    dw.run({"resize": resize}, server="http://127.0.0.1:8080", worker="w1")

`server` may name several managers that share a PostgreSQL store, as a
list or comma-separated ("http://a:8080,http://b:8080"): the worker talks
to the leader. A standby answers 503 not_leader with the leader in the
X-Drover-Leader header, which the worker follows; a manager that does not
answer sends it on to the next URL, with a bounded backoff (0.1 s doubling
to 1 s). When the leader changes, the worker polls the new one only after
every task it holds has finished and its result was sent there: the new
leader still holds those leases for this worker (until its --grace) and
applies the results, so nothing is lost or run twice.

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

    def __init__(self, status, body, leader=""):
        super().__init__("HTTP %d: %s" % (status, body))
        self.status = status
        self.body = body
        self.leader = leader  # X-Drover-Leader of a standby's 503

    @property
    def not_leader(self):
        return self.status == 503 and isinstance(self.body, dict) \
            and self.body.get("error") == "not_leader"


def _server_list(server):
    urls = server.split(",") if isinstance(server, str) else list(server)
    urls = [u.strip().rstrip("/") for u in urls if u and u.strip()]
    if not urls:
        raise ValueError("server: give at least one URL")
    for u in urls:
        if urllib.parse.urlsplit(u).scheme not in ("http", "https"):
            raise ValueError("server must be http://HOST:PORT or https://..., got %r" % u)
    return urls


class _Servers:
    """The manager URLs and the one this worker takes for the leader; shared
    by the worker's threads, which report what they saw (moved)."""

    def __init__(self, urls, log):
        self._urls = urls
        self._at = 0
        self._leader = urls[0]
        self._lock = threading.Lock()
        self._log = log

    def leader(self):
        with self._lock:
            return self._leader

    def moved(self, url, error):
        """A request to `url` failed with `error`: follow the leader a
        standby named, else go on to the next URL. Another thread may have
        moved on already (then nothing changes)."""
        hint = getattr(error, "leader", "") if isinstance(error, HttpError) else ""
        with self._lock:
            if url != self._leader or len(self._urls) == 1 and not hint:
                return
            if hint and hint.rstrip("/") != url.rstrip("/"):
                self._leader = hint.rstrip("/")
            else:
                self._at = (self._at + 1) % len(self._urls)
                self._leader = self._urls[self._at]
            if self._leader != url:
                self._log("%s is not the leader (%s); trying %s" % (url, error, self._leader))


def _retry_later(error):
    """Whether a failed request may succeed later or at another manager."""
    if isinstance(error, HttpError):
        return error.status >= 500 or error.status == 429
    return isinstance(error, (OSError, http.client.HTTPException, ValueError))


class Task:
    """One task handed to this worker; `lease` fences its completion."""
    __slots__ = ("id", "type", "payload", "attempt", "lease", "heartbeat_ms",
                 "lease_expires_ms", "cancelled", "started", "last_beat", "source")

    def __init__(self, t, source=""):
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
        self.source = source  # the manager that leased it


class _Client:
    """One keep-alive HTTP connection to the leader as `servers` knows it
    (not shared between threads); it reconnects when the leader moved."""

    def __init__(self, servers, token, timeout):
        self._servers = servers
        self.url = None
        self._timeout = timeout
        self._headers = {"Content-Type": "application/json"}
        if token:
            self._headers["Authorization"] = "Bearer " + token
        self._conn = None

    def _aim(self):
        url = self._servers.leader()
        if url != self.url:
            self.close()
            u = urllib.parse.urlsplit(url)
            self._https = u.scheme == "https"
            self._host = u.hostname
            self._port = u.port or (443 if self._https else 80)
            self.url = url

    def post(self, path, body, timeout=None):
        """POSTs to the leader; a failure that another manager may not have
        (no answer, 503 not_leader) moves `servers` on before it is raised."""
        self._aim()
        url = self.url
        try:
            return self._post(path, body, timeout)
        except (OSError, http.client.HTTPException, HttpError) as e:
            if not isinstance(e, HttpError) or e.not_leader:
                self._servers.moved(url, e)
            raise

    def _post(self, path, body, timeout=None):
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
                raise HttpError(r.status, payload, r.getheader("X-Drover-Leader", "") or "")
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
        self.servers = _server_list(server or os.environ.get("DROVER_URL",
                                                             "http://127.0.0.1:8080"))
        self.server = self.servers[0]
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
        self._leader = _Servers(self.servers, self.log)

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
        poller = _Client(self._leader, self.token, self.wait_ms / 1000.0 + 30)
        backoff = 0.1
        try:
            while not self._stop.is_set():
                with self._lock:
                    while not self._stop.is_set() and (
                            len(self._held) >= self.limit or self._from_old_leader()):
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
                except (OSError, http.client.HTTPException, ValueError, HttpError) as e:
                    if not _retry_later(e):
                        raise  # our request is wrong: retrying will not fix it
                    self.log("poll failed (%s); again in %.1f s" % (e, backoff))
                    self._stop.wait(backoff)
                    backoff = min(backoff * 2, 1.0)
                    continue
                tasks = [Task(t, poller.url) for t in got.get("tasks", [])]
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

    def _from_old_leader(self):
        """Whether a held task was leased by another manager than the one
        taken for the leader now (call with _lock held). Polling the new
        leader would make it move those tasks (this worker, joining, reports
        no leases): their results go there first, the leases still stand."""
        leader = self._leader.leader()
        return any(t.source != leader for t in self._held.values())

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
        client = _Client(self._leader, self.token, 60)
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
                if not _retry_later(e):
                    self.log("results refused (%s); dropped %d" % (e, len(batch)))
                    answer = {"results": [{"id": b["id"], "status": e.status} for b in batch]}
                    break
                # Not judged: send again, to the leader as it is known now
                # (the lease check makes a copy harmless).
                self.log("completing failed (%s); again in %.1f s" % (e, backoff))
                time.sleep(backoff)
                backoff = min(backoff * 2, 1.0)
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
        client = _Client(self._leader, self.token, 30)
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
                    # Not ours any more: its result would be refused. A new
                    # leader knows no lease of its predecessor's: not a cancel.
                    if e.status == 409 and t.source == client.url:
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
