"""``paperkg fetch`` against a replay server on 127.0.0.1 (tests/replay.py) that answers in
the services' own formats, including 429 with Retry-After, 5xx and arXiv's error feed."""
from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest
from click.testing import CliRunner
from replay import DATA, Replay, Reply, arxiv_page, file_reply, hf_day, serve

from kg.cli.main import main
from kg.errors import FetchError
from kg.ingest.fetch import FetchOptions, fetch_arxiv, fetch_hf_daily, parse_date, run_spec
from kg.ingest.fetch.http import Client, Politeness, retry_after
from kg.ingest import read_papers

QUERY = "cat:cs.LG AND ti:diffusion"


def options(tmp_path: Path, url: str, **kw: object) -> FetchOptions:
    waits: list[float] = kw.pop("waits", [])  # type: ignore[assignment]
    return FetchOptions(cache=tmp_path / "cache", base_url=url, interval=0.0, backoff=0.01,
                        sleep=waits.append, **kw)  # type: ignore[arg-type]


def hf_replay() -> Replay:
    replay = Replay()
    for day in ("2024-03-18", "2024-03-19", "2024-03-20"):
        replay.add("/api/daily_papers", hf_day(day), file_reply(f"hf-{day}.json"))
    return replay


def test_hf_daily_range_writes_one_readable_file_per_day_and_resumes(tmp_path: Path) -> None:
    with serve(hf_replay()) as replay:
        report = fetch_hf_daily(parse_date("2024-03-18"), parse_date("2024-03-20"), options(tmp_path, replay.url))
        assert report.downloaded == 3 and report.cached == 0
        files = [Path(f) for f in report.files]
        assert [f.name for f in files] == ["2024-03-18.json", "2024-03-19.json", "2024-03-20.json"]
        assert files[0].read_bytes() == (DATA / "hf-2024-03-18.json").read_bytes()
        papers = list(read_papers([str(f) for f in files]))
        assert sorted(p.id for p in papers) == ["arxiv:2403.11001", "arxiv:2403.11002", "arxiv:2403.12003"]
        # a re-run asks for nothing; a lost file is fetched again, and only it
        files[1].unlink()
        again = fetch_hf_daily(parse_date("2024-03-18"), parse_date("2024-03-20"), options(tmp_path, replay.url))
        assert (again.downloaded, again.cached) == (1, 2)
        assert replay.count("/api/daily_papers") == 4
        assert not list((tmp_path / "cache" / "hf-daily").glob(".*"))  # no temporary files left


def test_429_with_retry_after_and_5xx_are_retried_with_backoff(tmp_path: Path) -> None:
    replay = Replay()
    replay.add("/api/daily_papers", hf_day("2024-03-18"), Reply(429, b"Too Many Requests", {"Retry-After": "7"}),
               Reply(503, b"<html>Service Unavailable</html>", content_type="text/html"),
               Reply(200, b"<html>not json</html>", content_type="text/html"), file_reply("hf-2024-03-18.json"))
    waits: list[float] = []
    with serve(replay):
        report = fetch_hf_daily(parse_date("2024-03-18"), None, options(tmp_path, replay.url, waits=waits))
    assert report.downloaded == 1 and replay.count("/api/daily_papers") == 4
    assert waits == [7.0, 0.02, 0.04]  # Retry-After, then the doubling backoff
    assert json.loads(Path(report.files[0]).read_text())[0]["paper"]["id"] == "2403.11001"


def test_retries_spent_is_one_clean_error_and_nothing_is_cached(tmp_path: Path) -> None:
    replay = Replay()
    replay.add("/api/daily_papers", hf_day("2024-03-18"), Reply(502, b"Bad Gateway", content_type="text/plain"))
    with serve(replay):
        with pytest.raises(FetchError, match=r"HTTP 502 after 3 tries") as err:
            fetch_hf_daily(parse_date("2024-03-18"), None, options(tmp_path, replay.url, retries=2))
    assert err.value.code == "E600" and "\n" not in err.value.format()
    assert not (tmp_path / "cache" / "hf-daily" / "2024-03-18.json").exists()


def test_retry_after_longer_than_allowed_stops_at_once(tmp_path: Path) -> None:
    replay = Replay()
    replay.add("/api/daily_papers", hf_day("2024-03-18"), Reply(429, b"", {"Retry-After": "86400"}))
    with serve(replay):
        with pytest.raises(FetchError, match="asks to wait 86400 s"):
            fetch_hf_daily(parse_date("2024-03-18"), None, options(tmp_path, replay.url))
    assert replay.count("/api/daily_papers") == 1


def test_arxiv_paginates_until_total_results_and_resumes(tmp_path: Path) -> None:
    replay = Replay()
    replay.add("/api/query", arxiv_page(QUERY, 0, 2), file_reply("arxiv-start-0.xml"))
    # arXiv's known hiccup: an empty page inside the result set; then the real one
    empty = (DATA / "arxiv-start-2.xml").read_text().split("  <entry>")[0] + "</feed>\n"
    replay.add("/api/query", arxiv_page(QUERY, 2, 2), Reply(200, empty.encode(), content_type="application/atom+xml"),
               file_reply("arxiv-start-2.xml"))
    with serve(replay):
        report = fetch_arxiv(QUERY, 10, options(tmp_path, replay.url), page_size=2)
        assert report.downloaded == 2 and [Path(f).name for f in report.files] == ["start-000000.xml", "start-000002.xml"]
        assert replay.count("/api/query") == 3  # stops at totalResults=3, retried the empty page once
        papers = list(read_papers(report.files))
        assert sorted(p.id for p in papers) == ["arxiv:2403.14001", "arxiv:2403.14002", "arxiv:2403.14003"]
        again = fetch_arxiv(QUERY, 10, options(tmp_path, replay.url), page_size=2)
        assert (again.downloaded, again.cached) == (0, 2) and replay.count("/api/query") == 3
        meta = json.loads((Path(report.files[0]).parent / "query.json").read_text())
        assert meta["query"] == QUERY and meta["total_results"] == 3


def test_arxiv_max_limits_the_pages(tmp_path: Path) -> None:
    replay = Replay()
    replay.add("/api/query", arxiv_page(QUERY, 0, 2), file_reply("arxiv-start-0.xml"))
    with serve(replay):
        report = fetch_arxiv(QUERY, 2, options(tmp_path, replay.url), page_size=2)
    assert len(report.files) == 1 and replay.count("/api/query") == 1


def test_arxiv_error_feed_is_a_clean_error(tmp_path: Path) -> None:
    replay = Replay()
    replay.add("/api/query", arxiv_page("ti:", 0, 2), file_reply("arxiv-error.xml"))
    with serve(replay):
        with pytest.raises(FetchError, match="arXiv rejected the query: malformed query: ti:"):
            fetch_arxiv("ti:", 5, options(tmp_path, replay.url), page_size=2)
    assert not list((tmp_path / "cache").rglob("*.xml"))


def test_requests_to_one_host_are_spaced_by_the_interval() -> None:
    now = [100.0]
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(round(seconds, 3))
        now[0] += seconds

    with serve(hf_replay()) as replay:
        with Client(Politeness(interval=3.0), user_agent="t", sleep=sleep, clock=lambda: now[0]) as client:
            for day in ("2024-03-18", "2024-03-19", "2024-03-20"):
                client.get(f"{replay.url}/api/daily_papers", hf_day(day))
                now[0] += 0.5  # the work between two requests counts towards the interval
    assert waits == [2.5, 2.5]


def test_offline_is_one_clean_error(tmp_path: Path) -> None:
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    result = CliRunner().invoke(main, ["fetch", "hf-daily", "--date", "2024-03-18", "-o", str(tmp_path),
                                       "--base-url", f"http://127.0.0.1:{port}"])
    assert result.exit_code == 1
    assert result.output.count("\n") == 1 and result.output.startswith("Error: ")
    assert "cannot reach 127.0.0.1" in result.output and "Traceback" not in result.output


def test_http_404_and_bad_inputs_are_one_line_errors(tmp_path: Path) -> None:
    with serve(Replay()) as replay:
        result = CliRunner().invoke(main, ["fetch", "hf-daily", "--date", "2024-03-18", "-o", str(tmp_path),
                                           "--base-url", replay.url, "--delay", "0"])
    assert result.exit_code == 1 and "HTTP 404 Not Found" in result.output and result.output.count("\n") == 1
    for args, message in ((["hf-daily", "--date", "2024-13-01"], "bad date '2024-13-01'"),
                          (["hf-daily", "--date", "2024-03-20", "--to", "2024-03-18"], "ends (2024-03-18) before"),
                          (["arxiv", "--query", "x", "--base-url", "ftp://mirror"], "bad --base-url")):
        result = CliRunner().invoke(main, ["fetch", *args, "-o", str(tmp_path)])
        assert result.exit_code == 1 and message in result.output, result.output
    with pytest.raises(FetchError, match="bad fetch spec"):
        run_spec("pubmed:cancer", FetchOptions())


def test_retry_after_parses_seconds_and_http_dates() -> None:
    assert retry_after("120") == 120.0
    assert retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412470.0) == 10.0
    assert retry_after("soon") is None and retry_after(None) is None


def test_cli_fetch_prints_the_files_and_build_fetch_chains(tmp_path: Path) -> None:
    with serve(hf_replay()) as replay:
        result = CliRunner().invoke(main, ["fetch", "hf-daily", "--date", "2024-03-18", "--to", "2024-03-19",
                                           "-o", str(tmp_path / "c"), "--base-url", replay.url, "--delay", "0"])
        assert result.exit_code == 0, result.output
        assert str(tmp_path / "c" / "hf-daily" / "2024-03-18.json") in result.stdout.splitlines()
        assert "hf-daily 2024-03-18 (1/2): 2 papers" in result.stderr
        build = CliRunner().invoke(main, ["build", "--fetch", "hf-daily:2024-03-18..2024-03-20",
                                          "--fetch-cache", str(tmp_path / "c"), "--fetch-base-url", replay.url,
                                          "--fetch-delay", "0", "--model", "blank", "-o", str(tmp_path / "g"),
                                          "--json"])
        assert build.exit_code == 0, build.output
        assert json.loads(build.stdout.splitlines()[-1])["papers"] == 3
        assert replay.count("/api/daily_papers") == 3  # two days were cached by the first command
    nothing = CliRunner().invoke(main, ["build", "-o", str(tmp_path / "x")])
    assert nothing.exit_code == 1 and "nothing to build" in nothing.output
