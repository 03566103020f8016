"""The C library, for the calls Python does not wrap (``malloc_trim``, ``prctl``)."""

from __future__ import annotations

import ctypes
import ctypes.util
import functools


@functools.cache
def libc() -> ctypes.CDLL | None:
    """This process's C library, or ``None`` where it cannot be found or loaded."""
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        return ctypes.CDLL(name)
    except OSError:
        return None
