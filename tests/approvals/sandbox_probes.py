"""Work for the bounded child in tests (sent by name, so it lives in a module of its own):
report the limits, or try to exceed each of them."""

from __future__ import annotations


def report(*, limits: dict) -> dict:
    return {"limits": limits}


def allocate(size: int, *, limits: dict) -> int:
    hog = bytearray(size)  # must fail under RLIMIT_AS
    return len(hog)


def spin(*, limits: dict) -> None:
    while True:  # stopped by RLIMIT_CPU
        pass


def shout(size: int, *, limits: dict) -> str:
    return "x" * size  # an answer over the output cap


def write_file(path: str, *, limits: dict) -> str:
    with open(path, "wb") as handle:  # RLIMIT_FSIZE 0: the child writes no file
        handle.write(b"x" * 1024)
    return "written"
