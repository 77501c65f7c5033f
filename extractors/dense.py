"""The tagger's matrix products on numpy's BLAS, held to one thread (a speed-up only).

thinc multiplies with its bundled BLIS. A BLIS build that does not know the CPU falls back
to its generic kernel: blis 1.3 on AMD Zen 3 (family 25) selects ``generic`` and is about
2.7x slower than numpy's OpenBLAS on one thread for the tagger's shapes (a 6,400 x 256 by
256 x 192 product: 23 ms against 9 ms). The dense layers of the tagger's model then
take thinc's ``NumpyOps(use_blis=False)`` (numpy's ``dot``), run with OpenBLAS limited
to one thread: extraction's parallelism is one worker process per core, and BLAS threads
would only compete with it. Where numpy's OpenBLAS cannot be found (another BLAS, another
platform), nothing changes. The tagger keeps only the arg-max spans of its scores; the
extraction records were checked byte-identical on the seeds and evaluation inputs
(docs/decisions.md).
"""
from __future__ import annotations

import ctypes
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from spacy.language import Language
from thinc.api import NumpyOps

# (get, set) thread-count functions of OpenBLAS builds: numpy's wheels (scipy-openblas, 64-bit
# integers) and a system OpenBLAS
_THREAD_FUNCTIONS = (("scipy_openblas_get_num_threads64_", "scipy_openblas_set_num_threads64_"),
                     ("openblas_get_num_threads64_", "openblas_set_num_threads64_"),
                     ("openblas_get_num_threads", "openblas_set_num_threads"))


@lru_cache(maxsize=1)
def openblas_threads() -> tuple[Callable[[], int], Callable[[int], None]] | None:
    """The (get, set) thread-count functions of the OpenBLAS this process has loaded, or None."""
    import numpy  # noqa: F401  (loads numpy's BLAS)

    try:
        maps = Path("/proc/self/maps").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    libraries = sorted({line.split()[-1] for line in maps.splitlines()
                        if "openblas" in line.rsplit("/", 1)[-1].lower() and line.split()[-1].startswith("/")})
    for path in libraries:
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        for get_name, set_name in _THREAD_FUNCTIONS:
            get, set_ = getattr(lib, get_name, None), getattr(lib, set_name, None)
            if get is not None and set_ is not None:
                get.restype, get.argtypes = ctypes.c_int, []
                set_.restype, set_.argtypes = None, [ctypes.c_int]
                return get, set_
    return None


@contextmanager
def one_blas_thread() -> Iterator[None]:
    """numpy's OpenBLAS on one thread inside the block (its setting restored after)."""
    functions = openblas_threads()
    if functions is None:
        yield
        return
    get, set_ = functions
    before = get()
    if before != 1:
        set_(1)
    try:
        yield
    finally:
        if before != 1:
            set_(before)


def use_numpy_blas(model: Language) -> bool:
    """Let every layer of ``model``'s components multiply with numpy (see the module doc),
    where numpy's OpenBLAS can be held to one thread. True when it was changed."""
    if openblas_threads() is None:
        return False
    ops = NumpyOps(use_blis=False)
    for _, component in model.pipeline:
        net = getattr(component, "model", None)
        if net is not None and hasattr(net, "walk"):
            for layer in net.walk():
                layer.ops = ops
    return True


__all__ = ["one_blas_thread", "openblas_threads", "use_numpy_blas"]
