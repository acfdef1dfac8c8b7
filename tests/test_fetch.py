"""Fetching politely, against loopback stand-ins for bls.gov (tests/fake_sites.py): each injected fault,
the pace per host measured from the server's own log, and that nothing archived is ever lost."""
import hashlib
import time
import tracemalloc

import pytest

from fake_sites import BOMB_BYTES, TRICKLE_FOR, FakeSite
from flows.archive import read_index_rows, read_record
from flows.crawl import Crawl, Target
from flows.http import Failure, HardStop, PoliteClient, Response, RunDeadline
from flows.politeness import Politeness, host_of

from conftest import PAGES

PAGE_FILES = sorted((PAGES / "current").glob("*.html"))
DELAY = 0.05


def site_pages() -> dict[str, bytes]:
    return {f"/ooh/test/{path.stem.split('__')[1]}.htm": path.read_bytes() for path in PAGE_FILES}


@pytest.fixture
def site():
    fake = FakeSite(site_pages(), robots="User-agent: *\nDisallow: /ooh/private/\n").start()
    yield fake
    fake.stop()


def politeness(site: FakeSite, **overrides) -> Politeness:
    settings = dict(contact="tests@example.org", allowed_hosts=frozenset({host_of(site.url)}), delay=DELAY,
                    cdx_delay=DELAY * 2, jitter=0.5, timeout=0.5, retries=3, backoff=0.1, max_bytes=1_000_000)
    settings.update(overrides)
    return Politeness(**settings)


def first_path(site: FakeSite) -> str:
    return sorted(site.pages)[0]


def gaps(site: FakeSite, path: str | None = None) -> list[float]:
    times = [t for t, _, _ in site.requests(path)]
    return [b - a for a, b in zip(times, times[1:])]


def test_a_page_is_fetched_with_an_identifying_user_agent(site):
    with PoliteClient(politeness(site)) as client:
        answer = client.fetch(site.url + first_path(site))
    assert isinstance(answer, Response) and answer.status == 200
    assert answer.body == site.pages[first_path(site)]
    assert answer.header("content-encoding") == "gzip" and answer.raw != answer.body  # the archive keeps it as sent
    assert "tests@example.org" in client.politeness.user_agent


def test_429_with_retry_after_is_waited_out(site):
    path = first_path(site)
    site.fault(path, "429:1")
    with PoliteClient(politeness(site)) as client:
        answer = client.fetch(site.url + path)
    assert isinstance(answer, Response) and answer.status == 200 and answer.attempts == 2
    assert [s for _, _, s in site.requests(path)] == [429, 200]
    assert gaps(site, path)[0] >= 1.0  # measured at the server


def test_a_503_burst_is_retried_with_growing_backoff(site):
    path = first_path(site)
    site.fault(path, "503", "503", "503")
    with PoliteClient(politeness(site)) as client:
        answer = client.fetch(site.url + path)
    assert isinstance(answer, Response) and answer.attempts == 4
    waits = gaps(site, path)
    assert waits[0] >= 0.1 and waits[1] >= 0.2 and waits[2] >= 0.4


def test_retries_end_in_a_failure_with_the_reason(site):
    path = first_path(site)
    site.fault(path, *["503"] * 4)
    with PoliteClient(politeness(site)) as client:
        answer = client.fetch(site.url + path)
    assert isinstance(answer, Failure)
    assert (answer.attempts, answer.last_status) == (4, 503) and "HTTP 503" in answer.reason


def test_a_slow_response_times_out_and_the_batch_goes_on(site, tmp_path):
    slow, ok = sorted(site.pages)[:2]
    site.fault(slow, *["slow:1.5"] * 4)
    crawl = Crawl(politeness(site), tmp_path / "archive", "run")
    try:
        result = crawl.fetch_batch([Target(site.url + p, site.url + p, site.url + p, "live") for p in (slow, ok)], {})
    finally:
        crawl.close()
    assert result.fetched == 1 and len(result.failures) == 1
    failure = result.failures[0]
    assert failure["url"].endswith(slow) and "timed out" in failure["reason"] and failure["attempts"] == 4


def test_a_connection_dropped_mid_body_is_fetched_again_whole(site):
    path = first_path(site)
    site.fault(path, "drop")
    with PoliteClient(politeness(site)) as client:
        answer = client.fetch(site.url + path)
    assert isinstance(answer, Response) and answer.attempts == 2
    assert hashlib.sha256(answer.body).digest() == hashlib.sha256(site.pages[path]).digest()


def test_a_truncated_gzip_body_is_never_taken_for_a_page(site):
    path = first_path(site)
    site.fault(path, *["truncated-gzip"] * 4)
    with PoliteClient(politeness(site)) as client:
        answer = client.fetch(site.url + path)
    assert isinstance(answer, Failure) and "truncated gzip body" in answer.reason


def test_a_redirect_loop_is_cut(site):
    path = first_path(site)
    site.fault(path, "redirect-loop")
    with PoliteClient(politeness(site)) as client:
        answer = client.fetch(site.url + path)
    assert isinstance(answer, Failure) and "redirect loop" in answer.reason
    assert len(site.requests(path)) == 1


def test_a_403_stops_with_a_clear_message(site):
    path = first_path(site)
    site.fault(path, "403")
    with PoliteClient(politeness(site)) as client, pytest.raises(HardStop) as stop:
        client.fetch(site.url + path)
    assert "403 Forbidden" in str(stop.value) and "OOH_CONTACT" in str(stop.value)
    assert len(site.requests(path)) == 1  # never retried


def test_robots_txt_is_obeyed(site):
    with PoliteClient(politeness(site)) as client:
        answer = client.fetch(site.url + "/ooh/private/secret.htm")
    assert isinstance(answer, Failure) and answer.reason == "disallowed by robots.txt" and answer.attempts == 0
    assert site.requests("/ooh/private/secret.htm") == [] and len(site.requests("/robots.txt")) == 1


def test_an_oversized_body_is_refused(site):
    path = first_path(site)
    site.fault(path, "oversize")
    with PoliteClient(politeness(site)) as client:
        answer = client.fetch(site.url + path)
    assert isinstance(answer, Failure) and "larger than" in answer.reason and answer.attempts == 1


def test_hosts_off_the_allow_list_are_never_asked(site):
    with PoliteClient(politeness(site)) as client:
        answer = client.fetch("http://127.0.0.2:9/ooh/elsewhere.htm")
    assert isinstance(answer, Failure) and "not on the allow-list" in answer.reason


def test_requests_to_a_host_keep_the_configured_pace(site):
    with PoliteClient(politeness(site)) as client:
        for path in sorted(site.pages) * 2:
            client.fetch(site.url + path)
    spacing = gaps(site)
    assert len(spacing) >= 12
    assert min(spacing) >= DELAY * (1 - 0.5 / 2) - 0.002  # delay x (1 - jitter/2), from the server's log


def test_faults_never_cost_what_was_archived(site, tmp_path):
    archive = tmp_path / "archive"
    targets = [Target(site.url + p, site.url + p, site.url + p, "live") for p in sorted(site.pages)]
    first = Crawl(politeness(site), archive, "first")
    try:
        kept = first.fetch_batch(targets, {}).captures
    finally:
        first.close()
    files = {p.name: p.read_bytes() for p in archive.iterdir()}
    for path in sorted(site.pages):
        site.fault(path, *["503"] * 4)
    second = Crawl(politeness(site, retries=1, backoff=0.01), archive, "second")
    try:
        result = second.fetch_batch(targets, {})
    finally:
        second.close()
    assert result.fetched == 0 and len(result.failures) == len(targets)
    assert {p.name: p.read_bytes() for p in archive.iterdir() if p.name in files} == files  # write-once
    for row in kept:
        if row["source_kind"] == "live":
            body = read_record(archive, row["warc_file"], row["warc_offset"], 1_000_000)
            assert hashlib.sha256(body).hexdigest() == row["sha256"]


def test_a_changed_page_is_archived_again_and_an_unchanged_one_is_not(site, tmp_path):
    archive, path = tmp_path / "archive", first_path(site)
    target = Target(site.url + path, site.url + path, site.url + path, "live")
    crawl = Crawl(politeness(site), archive, "one")
    try:
        first = crawl.fetch_batch([target], {}).captures[-1]
        known = {target.fetch_url: {**first, "record_type": "response"}}
        again = crawl.fetch_batch([target], known)  # the server answers 304 to the ETag
        site.pages[path] = site.pages[path].replace(b"</body>", b"<p>updated</p></body>")
        changed = crawl.fetch_batch([target], known)
    finally:
        crawl.close()
    assert again.unchanged == 1 and again.captures[-1]["record_type"] == "revisit"
    assert [s for _, _, s in site.requests(path)][1] == 304
    assert changed.fetched == 1 and changed.captures[-1]["sha256"] != first["sha256"]


def live_targets(site: FakeSite, paths) -> list[Target]:
    return [Target(site.url + p, site.url + p, site.url + p, "live") for p in paths]


@pytest.mark.parametrize("fault", ["trickle:0.05", "trickle-head:0.05"])
def test_a_trickling_response_is_cut_at_its_deadline(site, fault):
    # A byte every 50 ms: the per-read timeout (0.5 s) never fires, whether the body or the status line trickles.
    path = first_path(site)
    site.fault(path, fault)
    started = time.monotonic()
    with PoliteClient(politeness(site, deadline=1.5)) as client:
        answer = client.fetch(site.url + path)
    took = time.monotonic() - started
    assert isinstance(answer, Failure)
    assert answer.reason == "no complete response within 1.5 s (OOH_RESPONSE_DEADLINE)"
    assert answer.attempts == 1 and len(site.requests(path)) == 1  # the same request would stall the same way
    assert 1.5 <= took < TRICKLE_FOR / 4  # without the deadline the trickle goes on for TRICKLE_FOR


def test_a_stalled_page_is_cut_and_the_batch_goes_on(site, tmp_path):
    before, stalled, after = sorted(site.pages)[:3]
    site.fault(stalled, "trickle:0.05")
    crawl = Crawl(politeness(site, deadline=1.5), tmp_path / "archive", "run")
    try:
        result = crawl.fetch_batch(live_targets(site, (before, stalled, after)), {})
    finally:
        crawl.close()
    assert result.fetched == 2 and result.stopped is None
    assert [(f["url"], f["reason"]) for f in result.failures] == [
        (site.url + stalled, "no complete response within 1.5 s (OOH_RESPONSE_DEADLINE)")]
    assert [row["fetch_url"] for row in result.captures if row["source_kind"] == "live"] == [
        site.url + before, site.url + after]


def test_the_run_deadline_stops_a_batch_and_keeps_what_it_archived(site, tmp_path):
    paths = sorted(site.pages)[:4]
    site.fault(paths[1], "trickle:0.05")
    crawl = Crawl(politeness(site, deadline=60), tmp_path / "archive", "run", run_deadline=2.0)
    try:
        result = crawl.fetch_batch(live_targets(site, paths), {})
        with pytest.raises(RunDeadline):  # and nothing more is asked
            crawl.client.fetch(site.url + paths[3])
    finally:
        crawl.close()
    assert result.stopped.startswith("the run's deadline of 2 s (OOH_RUN_DEADLINE) passed")
    assert result.fetched == 1 and result.failures == [] and result.left == 3
    assert [row["fetch_url"] for row in result.captures if row["source_kind"] == "live"] == [site.url + paths[0]]
    assert site.requests(paths[2]) == [] and site.requests(paths[3]) == []


def test_a_gzip_bomb_is_refused_by_its_decoded_size(site):
    path = first_path(site)
    site.fault(path, "gzip-bomb")
    settings = politeness(site)
    assert len(site.bomb) < settings.max_bytes < BOMB_BYTES  # small as sent: only its decoded size gives it away
    tracemalloc.start()
    try:
        with PoliteClient(settings) as client:
            answer = client.fetch(site.url + path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert isinstance(answer, Failure) and answer.attempts == 1
    assert answer.reason == "body larger than the 1,000,000 bytes allowed once gzip-decoded"
    assert peak < BOMB_BYTES / 20  # decoding stopped at the cap, not at 200 MiB


def test_every_record_carries_its_own_index_row(site, tmp_path):
    archive = tmp_path / "archive"
    crawl = Crawl(politeness(site), archive, "run")
    try:
        written = crawl.fetch_batch(live_targets(site, sorted(site.pages)), {}).captures
    finally:
        crawl.close()
    (warc,) = archive.iterdir()
    rows, unreadable = read_index_rows(warc, 1_000_000)
    assert unreadable == 0 and len(written) == len(site.pages) + 1  # robots.txt too
    assert sorted(rows, key=lambda r: r["warc_offset"]) == sorted(written, key=lambda r: r["warc_offset"])


def test_a_wait_that_would_outlast_the_run_ends_it_at_once(site):
    path = first_path(site)
    site.fault(path, "429:120")
    started = time.monotonic()
    with PoliteClient(politeness(site), run_deadline=30) as client, pytest.raises(RunDeadline):
        client.fetch(site.url + path)
    assert time.monotonic() - started < 30  # it did not sit out the 120 s Retry-After first
    assert len(site.requests(path)) == 1


def test_a_proxy_from_the_environment_is_used_and_bound_by_the_deadline(site, monkeypatch):
    # The loopback site stands in for a forward proxy: it serves absolute-form requests by their path.
    for name in ("NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy", "HTTPS_PROXY", "https_proxy", "http_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTP_PROXY", site.url)
    path, elsewhere = first_path(site), "http://www.bls.example"
    site.fault(path, "ok", "trickle-head:0.05")
    with PoliteClient(politeness(site, allowed_hosts=frozenset({"www.bls.example"}), deadline=1.5)) as client:
        answer = client.fetch(elsewhere + path)
        stalled = client.fetch(elsewhere + path)
    assert isinstance(answer, Response) and answer.body == site.pages[path]
    assert [p for _, p, _ in site.requests(path)] == [elsewhere + path] * 2  # asked through the proxy
    assert isinstance(stalled, Failure) and stalled.reason == "no complete response within 1.5 s (OOH_RESPONSE_DEADLINE)"
