"""Bounded verification: every uploaded PDF is checked in a child process with hard limits.

A hostile PDF can make a parser allocate gigabytes (a Flate bomb in a cross-reference stream)
or spin for minutes (a thousand signature fields). The web worker therefore never parses an
upload itself: :func:`run_bounded` hands the work and the bytes to a child process which, before
reading them, lowers its own limits with ``setrlimit``:

- ``RLIMIT_AS``: address space, the child's size at start plus ``memory_mb`` (512 MB);
- ``RLIMIT_CPU``: CPU seconds (the kernel stops the child on the hard limit);
- ``RLIMIT_FSIZE`` 0: it writes no file; its one answer is a JSON message of at most
  ``output_bytes``, read with that cap (never unpickled: the child handles hostile input);
- a wall-clock deadline in the parent as the last resort (then the child is killed).

A child that runs out of memory, time or room, or dies in any way, gives no answer, which
``approvals.verification.verify_pdf_bytes`` turns into the verdict ``too_complex``
(「文件过于复杂，无法核验」), never a 500.

Children come from a ``forkserver`` started once per worker process, which imports Django and
pyHanko up front (``approvals.sandbox_server``): forking it costs milliseconds, and the child
inherits no database connection, lock or thread of the web worker. The child reads nothing from
the database: what it needs (CA certificates, key fingerprints) travels with the bytes.
"""

from __future__ import annotations

import json
import logging
import multiprocessing
import resource
import threading
from dataclasses import dataclass

from django.conf import settings

logger = logging.getLogger(__name__)

_context_lock = threading.Lock()
_context = None


@dataclass(frozen=True)
class Limits:
    memory_mb: int = 512  # address space the check may add to the child's starting size
    cpu_seconds: int = 20
    wall_seconds: int = 60
    output_bytes: int = 1_000_000


def limits() -> Limits:
    return Limits(**getattr(settings, "APPROVALS_VERIFY_SANDBOX", {}))


def _mp_context():
    """The forkserver context, its server preloading Django and pyHanko (started once)."""
    global _context
    with _context_lock:
        if _context is None:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["approvals.sandbox_server"])
            _context = context
        return _context


def address_space_kb() -> int:
    """This process's current virtual size (VmSize), in kB."""
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith("VmSize:"):
                return int(line.split()[1])
    return 0


def apply_limits(bounds: Limits) -> dict:
    """In the child: lower its own limits (they cannot be raised again); what was set."""
    memory = address_space_kb() * 1024 + bounds.memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (bounds.cpu_seconds, bounds.cpu_seconds + 1))
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))
    return {
        "as": resource.getrlimit(resource.RLIMIT_AS),
        "cpu": resource.getrlimit(resource.RLIMIT_CPU),
        "fsize": resource.getrlimit(resource.RLIMIT_FSIZE),
    }


def _child(connection, work, args: tuple, bounds: Limits) -> None:
    """The child process: limits first, then ``work(*args)``; one JSON answer on `connection`."""
    applied = apply_limits(bounds)
    try:
        answer = {"result": work(*args, limits=applied)}
    except MemoryError:
        answer = {"error": "memory"}
    except Exception as exc:  # the work never raises on bad input; this is the last net
        answer = {"error": exc.__class__.__name__}
    try:
        connection.send_bytes(json.dumps(answer, ensure_ascii=False).encode())
    except MemoryError:
        pass
    connection.close()


def run_bounded(work, *args) -> dict | None:
    """``work(*args, limits=…)`` in a bounded child; its JSON-able result, or None when the
    child died, ran out of memory or time, or answered more than ``output_bytes``.

    `work` must be a module-level function (it is sent by name) returning JSON-able data.
    """
    bounds = limits()
    context = _mp_context()
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(sender, work, args, bounds), daemon=True)
    process.start()
    sender.close()
    answer = None
    try:
        if receiver.poll(bounds.wall_seconds):
            answer = json.loads(receiver.recv_bytes(maxlength=bounds.output_bytes))
    except (EOFError, OSError, ValueError) as exc:  # died, or an answer over the cap
        logger.warning("bounded child gave no answer: %s", exc.__class__.__name__)
    finally:
        receiver.close()
        process.join(timeout=5)
        if process.is_alive():
            process.kill()
            process.join()
    if answer is None or "result" not in answer:
        logger.warning("bounded child stopped (exit code %s, %s)", process.exitcode, answer)
        return None
    return answer["result"]


__all__ = ["Limits", "apply_limits", "limits", "run_bounded"]
