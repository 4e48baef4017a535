"""drover worker library for Python (standard library only).

Serve task types to a drover consumer over its worker protocol: one JSON
object per line on stdin/stdout (docs/worker-protocol.md). Example:

    import drover_worker

    @drover_worker.handler("resize")
    def resize(payload, task):
        task.log("resizing " + payload)
        return "done"            # a str (anything else is sent as its JSON text)

    drover_worker.run()

A handler that raises fails the attempt ("ValueError: bad path"); drover
retries it by the task's policy unless the exception is a PermanentError
(or has `retryable = False`). print() goes to stderr, the worker's log:
stdout belongs to the protocol. Tasks run one at a time; drover sends the
next only after the result, and stops a cancelled or timed-out task by
killing the process after the handler's kill_grace (then starts a new one).
"""
import json
import sys
import traceback

__all__ = ["handler", "run", "PermanentError", "Task"]

_handlers = {}
_out = sys.stdout


class PermanentError(Exception):
    """Fails the task at once: no further attempts."""
    retryable = False


class Task:
    """What a handler gets besides the payload."""
    __slots__ = ("id", "attempt", "lease", "type", "deadline_ms")

    def __init__(self, msg):
        self.id = msg["id"]
        self.attempt = msg.get("attempt", 1)
        self.lease = msg.get("lease", 0)  # this execution's lease: never run twice
        self.type = msg["type"]
        self.deadline_ms = msg.get("deadline_ms", 0)  # unix ms; 0: none

    def log(self, msg, level="info"):
        """A line kept with this attempt (GET /v1/tasks/{id} shows it)."""
        _send({"t": "log", "id": self.id, "level": level, "msg": str(msg)})

    def progress(self, done, total):
        _send({"t": "progress", "id": self.id, "done": done, "total": total})


def handler(type_name):
    """Decorator: the function serves tasks of `type_name`."""
    def register(fn):
        _handlers[type_name] = fn
        return fn
    return register


def _send(msg):
    _out.write(json.dumps(msg, separators=(",", ":")) + "\n")
    _out.flush()


def _result(task, fn, payload):
    try:
        value = fn(payload, task)
    except Exception as e:  # the task's failure, never the worker's
        traceback.print_exc(file=sys.stderr)
        return {"t": "result", "id": task.id, "ok": False,
                "error": {"type": type(e).__name__, "message": str(e),
                          "retryable": bool(getattr(e, "retryable", True))}}
    if value is None:
        value = ""
    elif not isinstance(value, str):
        value = json.dumps(value)
    return {"t": "result", "id": task.id, "ok": True, "result": value}


def run(handlers=None):
    """Says ready with the registered types, then serves tasks until stdin
    closes or drover sends shutdown. `handlers` (type -> function) adds to
    the decorated ones."""
    global _out
    if handlers:
        _handlers.update(handlers)
    if not _handlers:
        raise SystemExit("drover_worker.run(): no handlers registered")
    _out = sys.stdout
    sys.stdout = sys.stderr  # print() in a handler must not break the protocol
    _send({"t": "ready", "types": sorted(_handlers)})
    for line in sys.stdin:
        msg = json.loads(line)
        kind = msg.get("t")
        if kind == "task":
            task = Task(msg)
            fn = _handlers.get(task.type)
            if fn is None:
                _send({"t": "result", "id": task.id, "ok": False,
                       "error": {"type": "UnknownType", "retryable": False,
                                 "message": "this worker has no handler for " + task.type}})
            else:
                _send(_result(task, fn, msg.get("payload", "")))
        elif kind == "shutdown":
            break
        # "cancel" names a task that already ended here (tasks run one at a time)
    sys.stdout = _out
