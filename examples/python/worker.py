#!/usr/bin/env python3
"""An example drover worker: word counts and a no-op, in Python.

Run by a consumer whose handlers file says
    pyjobs: { worker: { argv: [python3, examples/python/worker.py], processes: 2 } }
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "workers", "python"))
import drover_worker  # noqa: E402


@drover_worker.handler("py.wordcount")
def wordcount(payload, task):
    """The payload is text; the result is how many words it has."""
    if not payload.strip():
        raise drover_worker.PermanentError("empty text: nothing to count")
    task.log("counting %d bytes" % len(payload))
    return str(len(payload.split()))


@drover_worker.handler("py.noop")
def noop(payload, task):
    return ""


if __name__ == "__main__":
    drover_worker.run()
