#!/usr/bin/env python3
"""The chaos test's task handler (tests/chaos_test.cpp): a drover worker
whose every execution leaves a side effect of its own, a line in the ledger
file named by $CHAOS_LEDGER:

    <task id> <attempt> <lease> <outcome>

written with one O_APPEND write and fsynced before the result goes back to
the consumer, so the test counts executions as the user's code saw them.

Types: chaos.echo (returns the payload), chaos.sleep (payload: ms),
chaos.fail (payload N: attempts 1..N fail, later ones succeed).
"""
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "workers", "python"))
import drover_worker  # noqa: E402

_ledger = os.open(os.environ["CHAOS_LEDGER"], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)


def _record(task, outcome):
    line = "%s %d %d %s\n" % (task.id, task.attempt, task.lease, outcome)
    os.write(_ledger, line.encode())
    os.fsync(_ledger)


@drover_worker.handler("chaos.echo")
def echo(payload, task):
    _record(task, "succeeded")
    return payload


@drover_worker.handler("chaos.sleep")
def sleep(payload, task):
    time.sleep(int(payload) / 1000.0)
    _record(task, "succeeded")
    return ""


@drover_worker.handler("chaos.fail")
def fail(payload, task):
    if task.attempt <= int(payload):
        _record(task, "failed")
        raise RuntimeError("failing attempt %d of the first %s on purpose"
                           % (task.attempt, payload))
    _record(task, "succeeded")
    return ""


if __name__ == "__main__":
    drover_worker.run()
