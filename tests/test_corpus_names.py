"""Names the run already knows (kg/extract/corpus.py): a name one paper gives with strong
evidence is found in the run's other papers that write it verbatim."""
from __future__ import annotations

import json

import pytest

from kg.extract.corpus import EXTRACTOR, NameTable, learned_mentions, strong, with_learned_names
from kg.records import Evidence, Extraction, Mention, Paper


def paper(pid: str, abstract: str, *entities: Mention, title: str = "A study") -> Extraction:
    return Extraction(Paper(pid, title, abstract, ()), tuple(entities))


def proposed(name: str, etype: str = "method") -> Mention:
    return Mention(etype, name, role="proposed", confidence=0.9, extractor="proposals+tagger",  # type: ignore[arg-type]
                   evidence=(Evidence("We propose it.", 0, len(name)),))


A = paper("a", "We propose GlideNorm, a normalization layer for deep networks.", proposed("GlideNorm"))
B = paper("b", "Training is stable. We compare against GlideNorm and batch statistics.")


def learned(extraction: Extraction, *others: Extraction) -> list[Mention]:
    table = NameTable()
    for ext in (extraction, *others):
        table.add(ext)
    return learned_mentions(extraction, table.index())


def test_a_proposed_name_is_found_in_another_paper_with_its_evidence():
    (m,) = learned(B, A)
    assert (m.type, m.name, m.role, m.extractor) == ("method", "GlideNorm", "mentioned", EXTRACTOR)
    (ev,) = m.evidence
    assert ev.field == "abstract"
    assert B.paper.abstract[ev.start:ev.end] == "GlideNorm"
    assert ev.sentence == "We compare against GlideNorm and batch statistics."
    assert 0 < m.confidence < 1


def test_a_title_mention_has_title_evidence():
    c = paper("c", "Nothing here.", title="Revisiting GlideNorm")
    (m,) = learned(c, A)
    assert m.evidence[0].field == "title" and c.paper.title[m.evidence[0].start:m.evidence[0].end] == "GlideNorm"


@pytest.mark.parametrize("abstract", [
    "We scale GlideNorm-XL to billions of parameters.",  # part of a longer token
    "We study glidenorm variants.",  # another case: not the name as written
    "Our Fast GlideNorm layer is new.",  # after a capitalized word: a longer name
    "MyGlideNorm is unrelated.",  # inside a word
])
def test_no_mention_inside_a_longer_name_or_in_another_case(abstract):
    assert learned(paper("x", abstract), A) == []


def test_a_name_at_a_sentence_start_after_a_capital_is_still_found():
    (m,) = learned(paper("x", "It is hard. Then GlideNorm wins."), A)
    assert m.name == "GlideNorm"


def test_a_name_the_paper_outputs_already_is_not_repeated():
    own = Mention("method", "GlideNorm", confidence=0.6, extractor="tagger",
                  evidence=(Evidence("x", 19, 28),))
    assert learned(paper("b", B.paper.abstract, own), A) == []


def test_inside_another_output_name_is_not_a_mention():
    longer = Mention("method", "GlideNorm Transformer", extractor="tagger", confidence=0.5)
    assert learned(paper("x", "The GlideNorm Transformer is fast.", longer), A) == []


def test_weak_evidence_does_not_teach_a_name():
    weak = Mention("method", "ZetaFlow", confidence=0.4, extractor="tagger")
    sure = Mention("method", "ZetaFlow", confidence=0.9, extractor="tagger")
    assert not strong(weak) and strong(sure)
    other = paper("y", "ZetaFlow is used here.")
    assert learned(other, paper("x", "ZetaFlow.", weak)) == []
    assert [m.name for m in learned(other, paper("x", "ZetaFlow.", sure))] == ["ZetaFlow"]


def test_curated_generic_and_short_names_are_not_learned():
    for name in ("BERT", "CNNs", "Ab"):  # a list name (found everywhere already), a class term, too short
        assert learned(paper("y", f"We use {name} here."), paper("x", name, proposed(name))) == []


def test_a_dataset_keeps_its_type_and_votes_decide_a_disputed_type():
    ds = proposed("TinyStoriesX", "dataset")
    (m,) = learned(paper("y", "Results on TinyStoriesX."), paper("x", "x", ds))
    assert m.type == "dataset"
    votes = [paper(str(i), "x", proposed("QuuxNet", t)) for i, t in enumerate(["dataset", "method", "method"])]
    (m,) = learned(paper("y", "QuuxNet again."), *votes)
    assert m.type == "method"


def test_the_output_does_not_depend_on_input_order():
    c = paper("c", "GlideNorm and ZetaFlow both help.", Mention("method", "ZetaFlow", confidence=0.9, extractor="tagger"))
    d = paper("d", "ZetaFlow is cited; GlideNorm too.")
    runs = [list(with_learned_names(order)) for order in ([A, B, c, d], [d, c, B, A])]
    by_id = [{e.paper.id: e.to_dict() for e in run} for run in runs]
    assert by_id[0] == by_id[1]
    assert [m["name"] for m in by_id[0]["d"]["entities"]] == ["ZetaFlow", "GlideNorm"]
    assert [e.paper.id for e in runs[0]] == ["a", "b", "c", "d"]  # input order kept


def test_papers_without_new_names_come_out_unchanged():
    out = list(with_learned_names([A, paper("z", "Nothing to see.")]))
    assert out[0] == A and out[1].entities == ()


def test_the_real_pipeline_and_the_command_line(trained_nlp, tmp_path, monkeypatch):
    """End to end: the trained pipeline, then ``paperkg extract --corpus-names`` (sentences written here)."""
    from click.testing import CliRunner

    import kg.extract.pipeline
    from kg.cli.main import main

    rows = [{"id": "p1", "title": "Filling sparse depth maps",
             "abstract": "We propose Sparse Pyramid Fusion (SPF), a network for depth completion. "
                         "SPF outperforms prior work on standard benchmarks."},
            {"id": "p2", "title": "A survey of depth completion",
             "abstract": "We revisit depth completion, where Sparse Pyramid Fusion is common."}]
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    monkeypatch.setattr(kg.extract.pipeline, "build_nlp", lambda *args, **kwargs: trained_nlp)
    out = {}
    for flag in ("--no-corpus-names", "--corpus-names"):
        dest = tmp_path / f"{flag}.jsonl"
        result = CliRunner().invoke(main, ["-q", "extract", str(src), "-o", str(dest), flag])
        assert result.exit_code == 0, result.output
        out[flag] = [json.loads(line) for line in dest.read_text("utf-8").splitlines()]
    names = {flag: {e["name"]: e["extractor"] for e in recs[1]["entities"]} for flag, recs in out.items()}
    if "Sparse Pyramid Fusion" in names["--no-corpus-names"]:
        pytest.fail("the second paper's own context already finds the name: this test needs a weaker sentence")
    assert names["--corpus-names"]["Sparse Pyramid Fusion"] == EXTRACTOR
    assert out["--corpus-names"][0] == out["--no-corpus-names"][0]


# --- the store (kg/store/learned.py) ---------------------------------------------------------

def _store(directory) -> dict[str, dict]:
    """Each stored paper's record, and the name votes and text index rows, by table."""
    import sqlite3

    from support import stored_content

    conn = sqlite3.connect(directory / "graph.sqlite")
    try:
        tables = {name for (name,) in conn.execute("SELECT name FROM sqlite_master")}
        strong_rows = sorted(conn.execute("SELECT * FROM strong")) if "strong" in tables else None
        text_rows = sorted(conn.execute("SELECT paper, text FROM ptext")) if "ptext" in tables else None
        records = {pid: json.loads(r) for pid, r in conn.execute("SELECT id, record FROM papers")}
    finally:
        conn.close()
    return {"content": stored_content(directory), "strong": strong_rows, "ptext": text_rows, "records": records}


def _learned(directory, pid: str) -> list[str]:
    return [e["name"] for e in _store(directory)["records"][pid]["entities"] if e["extractor"] == EXTRACTOR]


STORE_A = [A, paper("c", "Unlike ZetaFlow, our layer keeps GlideNorm.")]
STORE_B = [B, paper("d", "We adopt ZetaFlow.", Mention("method", "ZetaFlow", role="proposed", extractor="proposals",
                                                      confidence=0.9))]


def test_store_a_then_b_equals_a_plus_b_and_b_teaches_a(tmp_path):
    from kg.store.core import build

    build(STORE_A, tmp_path / "step", corpus_names=True)
    assert _learned(tmp_path / "step", "c") == ["GlideNorm"]
    build(STORE_B, tmp_path / "step")  # the store's setting holds
    assert _learned(tmp_path / "step", "c") == ["ZetaFlow", "GlideNorm"]  # a name only B gave, in A's paper
    build(STORE_B + STORE_A, tmp_path / "once", corpus_names=True)
    build(STORE_B, tmp_path / "back", corpus_names=True)
    build(STORE_A, tmp_path / "back")
    once = _store(tmp_path / "once")
    assert _store(tmp_path / "step") == once == _store(tmp_path / "back")
    ext = {e.paper.id: e.to_dict() for e in with_learned_names(STORE_A + STORE_B)}
    assert {pid: r["entities"] for pid, r in once["records"].items()} == {p: r["entities"] for p, r in ext.items()}


def test_store_updated_paper_takes_back_what_only_it_taught(tmp_path):
    from kg.store.core import build

    build(STORE_A + STORE_B, tmp_path / "s", corpus_names=True)
    assert _learned(tmp_path / "s", "c") == ["ZetaFlow", "GlideNorm"]
    build([paper("d", "We adopt nothing new.")], tmp_path / "s")
    assert _learned(tmp_path / "s", "c") == ["GlideNorm"]
    build(STORE_A + [B, paper("d", "We adopt nothing new.")], tmp_path / "once", corpus_names=True)
    assert _store(tmp_path / "s") == _store(tmp_path / "once")


def test_store_setting_is_kept_and_switchable(tmp_path):
    from kg.store.core import build

    build(STORE_A + STORE_B, tmp_path / "on")  # a new store: on
    assert _learned(tmp_path / "on", "c") == ["ZetaFlow", "GlideNorm"]
    build(STORE_A + STORE_B, tmp_path / "s", corpus_names=False)
    assert _learned(tmp_path / "s", "c") == [] and _store(tmp_path / "s")["strong"] is None
    build([paper("e", "Nothing.")], tmp_path / "s")  # the store keeps its setting
    assert _learned(tmp_path / "s", "c") == [] and _store(tmp_path / "s")["strong"] is None
    build([], tmp_path / "s", corpus_names=True)
    assert _learned(tmp_path / "s", "c") == ["ZetaFlow", "GlideNorm"]
    build([], tmp_path / "s", corpus_names=False)
    after = _store(tmp_path / "s")
    assert _learned(tmp_path / "s", "c") == [] and after["strong"] is None and after["ptext"] is None
    build([*STORE_A, *STORE_B, paper("e", "Nothing.")], tmp_path / "never", corpus_names=False)
    assert after["records"] == _store(tmp_path / "never")["records"]


def test_a_spill_that_cannot_be_written_is_one_clear_error(monkeypatch):
    import errno
    import io

    import kg.extract.corpus as corpus
    from kg.errors import OutputError

    class Full(io.StringIO):
        def __init__(self, *args, **kwargs):
            super().__init__()

        def write(self, text):
            raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(corpus.tempfile, "SpooledTemporaryFile", Full)
    with pytest.raises(OutputError, match=r"cannot write the second pass's temporary file: No space left on device"):
        list(with_learned_names([A, B]))


def _learned_types(directory, pid: str) -> dict[str, str]:
    return {e["name"]: e["type"] for e in _store(directory)["records"][pid]["entities"] if e["extractor"] == EXTRACTOR}


def test_store_a_vote_that_flips_a_names_type_reaches_the_papers_that_only_mention_it(tmp_path):
    """A paper's corpus mention depends on the type the votes give a name: when later papers
    outvote it, the earlier papers that only mention the name follow (and A then B still
    equals A+B); a vote that changes no outcome leaves them as they are."""
    from kg.store.core import build

    first = [A, B]
    build(first, tmp_path / "step", corpus_names=True)
    assert _learned_types(tmp_path / "step", "b") == {"GlideNorm": "method"}
    same = [paper("e", "We propose GlideNorm again.", proposed("GlideNorm"))]
    build(same, tmp_path / "step")  # one more method vote: the outcome is unchanged
    assert _learned_types(tmp_path / "step", "b") == {"GlideNorm": "method"}
    flip = [paper(p, "We release GlideNorm.", proposed("GlideNorm", "dataset")) for p in ("f", "g", "h")]
    build(flip, tmp_path / "step")  # three dataset votes against two method votes
    assert _learned_types(tmp_path / "step", "b") == {"GlideNorm": "dataset"}
    build(first + same + flip, tmp_path / "once", corpus_names=True)
    assert _store(tmp_path / "step") == _store(tmp_path / "once")
