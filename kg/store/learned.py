"""The store's side of names the run already knows (:mod:`kg.extract.corpus`), for a store
built with ``--corpus-names``: its papers hold the same ``corpus`` mentions as
``paperkg extract --corpus-names`` over all of them, and adding papers B to a store of papers A
gives the store of A+B.

Two tables in the store's database: ``strong`` (each paper's votes for its strongly
evidenced names, indexed by name and first word) and ``ptext``, an FTS5 index of each
paper's title and abstract. Before the engine refreshes, :func:`update`

1. re-reads the papers whose content changed (without their ``corpus`` mentions): their votes
   and their text index rows are replaced, and every name whose votes changed is noted;
2. finds, through the text index, the stored papers that write one of those names (a phrase
   query, then the exact whole-word test), never scanning the corpus;
3. gives each of those papers, and each changed paper, its ``corpus`` mentions again from the
   votes of the names whose first word it contains, and puts the record back when it changed
   (the engine then re-resolves exactly those papers).
"""
from __future__ import annotations

import json
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterable

from kg.records import Extraction

SCHEMA = (
    "CREATE TABLE IF NOT EXISTS strong(paper TEXT NOT NULL, name TEXT NOT NULL, type TEXT NOT NULL, "
    "first TEXT NOT NULL, n INTEGER NOT NULL, PRIMARY KEY(paper, name, type)) WITHOUT ROWID",
    "CREATE INDEX IF NOT EXISTS strong_first ON strong(first)",
    "CREATE VIRTUAL TABLE IF NOT EXISTS ptext USING fts5(paper UNINDEXED, text)",
    # the text index row of each paper: an FTS5 table is scanned whole by a test on an
    # unindexed column, so a paper's row is found (and deleted) by its rowid
    "CREATE TABLE IF NOT EXISTS ptext_row(paper TEXT PRIMARY KEY, rid INTEGER NOT NULL) WITHOUT ROWID",
)
_TABLES = ("strong", "ptext", "ptext_row")
META_KEY = "corpus_names"
DEFAULT = True
"""The setting of a new store (a store keeps the one it was built with)."""
_CHUNK = 500


def setting(conn: sqlite3.Connection) -> bool:
    """Whether the store was built with ``--corpus-names``."""
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (META_KEY,)).fetchone()
    return bool(row and json.loads(row[0]))


def _phrase(name: str) -> str:
    """An FTS5 phrase query for the words of ``name`` (the exact test comes after)."""
    words = [w for w in "".join(ch if ch.isalnum() else " " for ch in name).split()]
    return '"' + " ".join(words) + '"'


def update(conn: sqlite3.Connection, dirty: Iterable[str], put: Callable[[str, Extraction], None],
           corpus_names: bool | None, min_confidence: float = 0.0) -> int:
    """Bring the ``corpus`` mentions of the stored papers in step (see the module doc);
    ``dirty`` are the papers whose content changed, ``put`` stores a paper's new record.
    ``corpus_names`` None keeps the store's setting; a change of setting redoes every paper.
    Returns how many papers got new mentions."""
    was = setting(conn)
    on = was if corpus_names is None else corpus_names
    if not on and not was:
        return 0
    # imported here: a store without the setting never loads the extractors (CLI start-up time)
    from kg.extract.corpus import NameTable, first_word, text_of, with_mentions, without_learned
    # tables lost (a copy of the known tables only): every paper again, as for a change of setting
    missing = conn.execute(f"SELECT count(*) FROM sqlite_master WHERE name IN ({', '.join('?' * len(_TABLES))})",
                           _TABLES).fetchone()[0] < len(_TABLES)
    conn.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (META_KEY, json.dumps(on)))
    for statement in SCHEMA:
        conn.execute(statement)
    if on != was or missing:  # every paper again (or none: all their corpus mentions go)
        conn.execute("DELETE FROM strong")
        conn.execute("DELETE FROM ptext")
        conn.execute("DELETE FROM ptext_row")
        dirty = [pid for (pid,) in conn.execute("SELECT id FROM papers ORDER BY id")]
    dirty = sorted(set(dirty))
    table = NameTable()
    delta: Counter[tuple[str, str]] = Counter()  # (name, type) -> votes added by this build
    for pid in dirty:
        ext = _stored(conn, pid)
        old = {(name, etype): n for name, etype, n in conn.execute(
            "SELECT name, type, n FROM strong WHERE paper = ?", (pid,))}
        new = dict(table.names_of(without_learned(ext))) if ext is not None and on else {}
        if old != new:
            delta.update(new)
            delta.subtract(old)
            conn.execute("DELETE FROM strong WHERE paper = ?", (pid,))
            conn.executemany("INSERT INTO strong VALUES (?, ?, ?, ?, ?)",
                             [(pid, name, etype, first_word(name), n) for (name, etype), n in sorted(new.items())])
        row = conn.execute("SELECT rid FROM ptext_row WHERE paper = ?", (pid,)).fetchone()
        if row is not None:
            conn.execute("DELETE FROM ptext WHERE rowid = ?", row)
            conn.execute("DELETE FROM ptext_row WHERE paper = ?", (pid,))
        if ext is not None and on:
            rid = conn.execute("INSERT INTO ptext(paper, text) VALUES (?, ?)", (pid, text_of(ext))).lastrowid
            conn.execute("INSERT INTO ptext_row VALUES (?, ?)", (pid, rid))
    todo = set(dirty)
    everyone = len(todo) >= conn.execute("SELECT count(*) FROM papers").fetchone()[0]
    changed_names = set() if everyone else _outcome_changed(conn, delta, first_word)
    for name in sorted(changed_names):  # (every paper is redone anyway when all are dirty)
        todo.update(pid for (pid,) in conn.execute("SELECT paper FROM ptext WHERE ptext MATCH ?", (_phrase(name),)))
    firsts = {f for (f,) in conn.execute("SELECT DISTINCT first FROM strong")} if on else set()
    redone = 0
    for pid in sorted(todo):
        ext = _stored(conn, pid)
        if ext is None:
            continue
        new_ext = with_mentions(ext, _index_for(conn, ext, firsts) if on else {}, min_confidence)
        if new_ext.to_dict() != ext.to_dict():
            put(pid, new_ext)
            redone += 1
    if not on:
        for name in _TABLES:
            conn.execute(f"DROP TABLE IF EXISTS {name}")
    return redone


def _winner(counts: dict[str, int]) -> str | None:
    """The type a name's votes give it (:func:`kg.extract.corpus.index_of`), None without votes."""
    live = {t: n for t, n in counts.items() if n > 0}
    return min(live, key=lambda t: (-live[t], t)) if live else None


def _outcome_changed(conn: sqlite3.Connection, delta: Counter[tuple[str, str]],
                     first_word: Callable[[str], str]) -> set[str]:
    """The names whose table entry this build changed: a paper's ``corpus`` mentions depend on
    whether a name is in the table and on the type its votes give it, not on how many votes
    it has, so only a name that enters, leaves or changes type sends its other papers back."""
    names: dict[str, dict[str, int]] = {}
    for (name, etype), n in delta.items():
        if n:
            names.setdefault(name, {})[etype] = n
    out = set()
    for name, added in names.items():
        after = {t: int(n) for t, n in conn.execute(
            "SELECT type, sum(n) FROM strong WHERE first = ? AND name = ? GROUP BY type", (first_word(name), name))}
        before = dict(after)
        for etype, n in added.items():
            before[etype] = before.get(etype, 0) - n
        if _winner(before) != _winner(after):
            out.add(name)
    return out


def _stored(conn: sqlite3.Connection, pid: str) -> Extraction | None:
    row = conn.execute("SELECT record FROM papers WHERE id = ?", (pid,)).fetchone()
    return None if row is None else Extraction.from_dict(json.loads(row[0]))


def _index_for(conn: sqlite3.Connection, ext: Extraction, firsts: set[str]) -> dict[str, list[tuple[str, str]]]:
    """The name table restricted to the names whose first word the paper contains
    (``firsts``: the first words of every name in the table)."""
    from kg.extract.corpus import index_of, text_of, words

    keys = sorted(words(text_of(ext)) & firsts)
    votes: dict[str, Counter[str]] = {}
    for i in range(0, len(keys), _CHUNK):
        chunk = keys[i:i + _CHUNK]
        for name, etype, n in conn.execute(
                f"SELECT name, type, sum(n) FROM strong WHERE first IN ({', '.join('?' * len(chunk))}) "
                "GROUP BY name, type", chunk):
            votes.setdefault(name, Counter())[etype] += n
    return index_of(votes)
