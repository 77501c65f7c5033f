"""The tagger multiplies with numpy's BLAS on one thread (extractors/dense.py): a speed-up
only, so its spans are those of thinc's BLIS, and the BLAS thread setting is restored."""
from __future__ import annotations

import numpy
import pytest
from thinc.api import NumpyOps

from extractors.dense import one_blas_thread, openblas_threads
from extractors.tagger import load_model, predict
from kg.ingest import read_papers
from support import EXAMPLES


def _numpy_uses_openblas() -> bool:
    blas = numpy.show_config(mode="dicts").get("Build Dependencies", {}).get("blas", {})
    return "openblas" in str(blas.get("name", "")).lower()


def test_openblas_of_numpy_is_found_and_held_to_one_thread() -> None:
    functions = openblas_threads()
    if functions is None:
        assert not _numpy_uses_openblas(), "numpy is built on OpenBLAS, but its thread functions were not found"
        pytest.skip("numpy is not built on OpenBLAS: the tagger keeps thinc's BLIS")
    get, set_ = functions
    before = get()
    try:
        set_(2)
        with one_blas_thread():
            assert get() == 1
        assert get() == 2  # restored
    finally:
        set_(before)


def test_tagger_spans_are_the_same_with_numpy_and_blis(trained_nlp) -> None:  # type: ignore[no-untyped-def]
    model = load_model()
    layers = list(model.get_pipe("ner").model.walk())
    texts = [f"{p.title}\n\n{p.abstract}" for p in read_papers(EXAMPLES)][:40]
    assert len(texts) >= 10
    docs = [trained_nlp.make_doc(t) for t in texts]
    now = predict(model, docs)
    if openblas_threads() is not None:
        assert all(not layer.ops.use_blis for layer in layers)  # type: ignore[attr-defined]
    original = [layer.ops for layer in layers]
    try:
        for layer in layers:
            layer.ops = NumpyOps(use_blis=True)
        blis = predict(model, [trained_nlp.make_doc(t) for t in texts])
    finally:
        for layer, ops in zip(layers, original):
            layer.ops = ops
    assert sum(len(tags) for tags in now) > 20
    assert now == blis
