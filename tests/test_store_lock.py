"""One writer per store (issue 12, #1): two builds into the same store at once never lose
papers silently, a second writer fails at once naming the holder (or waits with --wait),
a dead holder's lock is taken over, and readers never see a half-swapped store."""
from __future__ import annotations

import json
import logging
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

import kg.store.core
from kg.api import build_store
from kg.errors import StoreLockedError
from kg.store.lock import lock_path, read_holder, write_lock

REPO = Path(__file__).resolve().parents[1]
PAPERKG = [sys.executable, "-m", "kg.cli.main"]
HOLD = ("import sys, time; from kg.store.lock import write_lock\n"
        "with write_lock(sys.argv[1]):\n    print('locked', flush=True); time.sleep(120)\n")


@pytest.fixture
def holder(tmp_path):
    """A separate process holding the lock of ``tmp_path/g``; yields its Popen."""
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(tmp_path / "g")], cwd=REPO, stdout=subprocess.PIPE,
                            text=True)
    assert proc.stdout.readline().strip() == "locked"
    yield proc
    proc.kill()
    proc.wait(timeout=30)


def test_second_writer_fails_at_once_naming_the_holder(tmp_path, holder):
    start = time.monotonic()
    with pytest.raises(StoreLockedError) as info:
        with write_lock(tmp_path / "g"):
            pass
    assert time.monotonic() - start < 2
    assert info.value.format() == (
        f"{tmp_path / 'g'}: locked by a paperkg build (pid {holder.pid} on {socket.gethostname()}, started "
        f"{read_holder(tmp_path / 'g')['started']}) (wait for it to finish, or pass --wait SECONDS to queue behind it) [E201]")
    start = time.monotonic()
    with pytest.raises(StoreLockedError, match=r"after waiting 0\.5 s"):
        with write_lock(tmp_path / "g", wait=0.5):
            pass
    assert time.monotonic() - start >= 0.5


def test_lock_of_a_killed_process_is_taken_over(tmp_path, holder, caplog):
    holder.send_signal(signal.SIGKILL)
    holder.wait(timeout=30)
    assert read_holder(tmp_path / "g")["pid"] == holder.pid  # its note is still there
    with caplog.at_level(logging.WARNING, logger="kg.store.lock"), write_lock(tmp_path / "g"):
        assert read_holder(tmp_path / "g")["pid"] == os.getpid()
    assert f"took over the lock left by a paperkg build (pid {holder.pid}" in caplog.text
    assert lock_path(tmp_path / "g").read_text() == ""  # released cleanly: no note left


def test_processes_forked_by_a_killed_build_do_not_keep_the_lock(tmp_path):
    """A build's worker processes (``--workers``) outlive a kill -9 of the build; the lock
    must not be theirs, or the store would stay locked."""
    script = ("import os, sys, time; from kg.store.lock import write_lock\n"
              "with write_lock(sys.argv[1]):\n"
              "    child = os.fork()\n"
              "    if child == 0:\n        time.sleep(120); os._exit(0)\n"
              "    print(child, flush=True); time.sleep(120)\n")
    proc = subprocess.Popen([sys.executable, "-c", script, str(tmp_path / "g")], cwd=REPO, stdout=subprocess.PIPE,
                            text=True)
    child = int(proc.stdout.readline())
    try:
        proc.kill()
        proc.wait(timeout=30)
        with write_lock(tmp_path / "g"):
            assert read_holder(tmp_path / "g")["pid"] == os.getpid()
    finally:
        os.kill(child, signal.SIGKILL)


def test_build_waits_for_the_holder_with_wait(tmp_path, holder):
    from tests.test_store import CORPUS

    def release() -> None:
        time.sleep(1.0)
        holder.kill()

    import threading

    threading.Thread(target=release, daemon=True).start()
    report = kg.store.core.build(CORPUS[:2], tmp_path / "g", wait=30)
    assert report.papers == 2


def _papers(directory: Path) -> set[str]:
    with kg.store.core.open_store(directory) as store:
        return {e.paper.title for e in store.extractions()}


def _corpus(path: Path, prefix: str, n: int) -> set[str]:
    titles = [f"{prefix} Paper Number {i}" for i in range(n)]
    path.write_text("".join(json.dumps({"title": t, "abstract": f"We propose {prefix}Net{i} for image "
                                        "classification on CIFAR-10."}) + "\n" for i, t in enumerate(titles)))
    return set(titles)


@pytest.mark.slow
@pytest.mark.parametrize(("existing", "wait"), [(False, None), (True, None), (True, "60")],
                         ids=["fresh-store", "existing-store", "existing-store-wait"])
def test_two_builds_into_one_store_at_once(tmp_path, existing, wait):
    """Both sets of papers end up in the store, or the second build failed with the lock
    message; never a silent loss. With --wait both always succeed."""
    store = tmp_path / "g"
    base = set()
    if existing:
        base = _corpus(tmp_path / "base.jsonl", "Base", 5)
        assert build_store([str(tmp_path / "base.jsonl")], store, model="blank").store.papers == 5
    sets = {side: _corpus(tmp_path / f"{side}.jsonl", side, 40) for side in ("Alpha", "Beta")}
    extra = ["--wait", wait] if wait else []
    procs = {side: subprocess.Popen([*PAPERKG, "-q", "build", "--model", "blank", str(tmp_path / f"{side}.jsonl"),
                                     "-o", str(store), *extra], cwd=REPO, stderr=subprocess.PIPE, text=True)
             for side in sets}
    results = {side: (proc.wait(timeout=300), proc.stderr.read()) for side, proc in procs.items()}
    expected = set(base)
    for side, (code, stderr) in results.items():
        assert "Traceback" not in stderr
        if code == 0:
            expected |= sets[side]
        else:
            assert code == 1 and not wait
            assert stderr.startswith(f"Error: {store}: locked by a paperkg build (pid "), stderr
            assert len(stderr.splitlines()) == 1
    assert any(code == 0 for code, _ in results.values())
    if wait:
        assert all(code == 0 for code, _ in results.values())
    assert _papers(store) == expected
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".g")) == [".g.lock"]


@pytest.mark.slow
def test_readers_never_see_a_half_swapped_store(tmp_path):
    """A reader opening the store over and over while another process rebuilds it always
    gets one whole store (5 or 9 papers), never an error."""
    from tests.test_store import CORPUS

    store = tmp_path / "g"
    kg.store.core.build(CORPUS[:5], store)
    writer = subprocess.Popen([sys.executable, "-c", (
        "import sys, time\nfrom kg.store.core import build\nfrom tests.test_store import CORPUS\n"
        # start-up paid before the clock: the corpus-name pass loads the curated lists once per process
        "from extractors.gazetteer import default_type_index\ndefault_type_index()\n"
        "end = time.monotonic() + float(sys.argv[2])\ni = 0\n"
        "while time.monotonic() < end:\n    build(CORPUS[:9] if i % 2 else CORPUS[:5], sys.argv[1], wait=30)\n"
        "    i += 1\nprint(i)\n"), str(store), "4"], cwd=REPO, stdout=subprocess.PIPE, text=True)
    seen = set()
    try:
        while writer.poll() is None:
            seen.add(kg.store.core.open_store(store).stats()["papers"])
    finally:
        writer.wait(timeout=60)
    assert writer.returncode == 0 and int(writer.stdout.read()) > 3
    assert seen <= {5, 9} and seen
