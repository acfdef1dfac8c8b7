"""Wayback backfills of every edition in the catalogue, against a loopback stand-in for the Wayback Machine
(tests/fake_sites.py: editions_wayback) that serves several editions of the same URLs in both URL eras.
Its pages are real corpus pages (the 2010-11 ocos103, ocos001, ocos002; the current medical records and
medical assistants pages; the current A-Z index) rewritten to state each edition: its name, its projection
span and years. Among them are stale captures, dated in one edition's window but stating the one before."""
from datetime import date
from urllib.parse import parse_qs, urlsplit

import duckdb
import pytest

from fake_sites import STALE, editions_wayback
from flows import wayback
from flows.gate import CORPUS
from parsers.editions import catalogue_edition, read_catalogue
from test_fetch_flow import ooh

pytestmark = pytest.mark.skipif(not (CORPUS / "real").is_dir(), reason=f"no corpus at {CORPUS}")

CATALOGUE = read_catalogue()
PAST = [e for e in CATALOGUE if e.on_site_to is not None]
DELAY = "0.01"


@pytest.fixture(scope="module")
def site():
    fake = editions_wayback(CORPUS).start()
    yield fake
    fake.stop()


def fetch(env, site, warehouse, *args, extra_env=None):
    return ooh(env, "fetch", "wayback", *args, "--wayback-url", site.url, "--contact", "tests@example.org",
               "--delay", DELAY, warehouse=warehouse, extra_env=extra_env)


def query(warehouse, sql: str):
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def at(stamp: str):
    return wayback.Capture(stamp, "").captured_at


def replays(site, since: int = 0) -> list[str]:
    """The replay paths asked of the stand-in since request number `since`."""
    return [path for _, path, _ in site.requests()[since:] if path.startswith("/web/")]


def cdx_asked(site, since: int = 0) -> list[str]:
    return [path for _, path, _ in site.requests()[since:] if path.startswith("/cdx/")]


# --- the CDX queries and the order of captures ---------------------------------------------------------
def test_the_cdx_query_of_each_url_scheme():
    old = parse_qs(urlsplit(wayback.cdx_query("http://w", catalogue_edition("2006-07"), "www.bls.gov")).query)
    assert old["url"] == ["www.bls.gov/oco/ocos"] and old["matchType"] == ["prefix"]
    assert (old["from"], old["to"]) == (["20051220"], ["20071217"])
    assert old["collapse"] == ["digest"] and old["showResumeKey"] == ["true"]
    new = parse_qs(urlsplit(wayback.cdx_query("http://w", catalogue_edition("2014-15"), "www.bls.gov", "k")).query)
    assert new["url"] == ["www.bls.gov/ooh/"] and new["resumeKey"] == ["k"]
    assert "original:.*/ooh/(a-z-index|[a-z0-9-]+/[a-z0-9-]+)\\.htm" in new["filter"]
    assert len(wayback.cdx_queries("http://w", catalogue_edition("1998-99"))) == 2  # stats.bls.gov, www.bls.gov
    assert wayback.window(catalogue_edition("2024-34"), date(2026, 1, 2)) == ("20250828", "20260102")


def test_captures_are_tried_latest_first_once_per_digest_and_at_most_three():
    C = wayback.Capture
    captures = [C("20100101000000", "http://www.bls.gov:80/oco/ocos103.htm", "A"),
                C("20110101000000", "http://www.bls.gov/oco/ocos103.htm", "B"),
                C("20110601000000", "http://www.bls.gov/oco/ocos103.htm", "A"),
                C("20100601000000", "http://www.bls.gov/oco/ocos103.htm", "C"),
                C("20090601000000", "http://www.bls.gov/oco/ocos103.htm", "D"),
                C("20080601000000", "http://www.bls.gov/oco/ocos103.htm", "E"),
                C("20100101000000", "http://www.bls.gov/oco/oco1000.htm", "F")]  # not an occupation statement
    tried = wayback.candidates(captures, "ocos")
    assert list(tried) == ["http://www.bls.gov/oco/ocos103.htm"]
    assert [c.timestamp for c in tried["http://www.bls.gov/oco/ocos103.htm"]] == [
        "20110601000000", "20110101000000", "20100601000000"]
    pages = wayback.candidates([C("20150101000000", "https://www.bls.gov/ooh/healthcare/home.htm", "G"),
                                C("20150101000000", "https://www.bls.gov/ooh/healthcare/medical-assistants.htm", "H"),
                                C("20150101000000", "https://www.bls.gov/ooh/a-z-index.htm", "I")], "ooh")
    assert list(pages) == ["http://www.bls.gov/ooh/healthcare/medical-assistants.htm"]


def test_the_a_z_index_links_to_occupations_absolutely_or_relatively():
    from parsers.index_page import occupation_paths

    page = (b'<html><body><a href="healthcare/medical-assistants.htm">a</a><a href="/ooh/legal/lawyers.htm">b</a>'
            b'<a href="http://www.bls.gov/ooh/sales/cashiers.htm">c</a><a href="../ooh/about/glossary.htm">d</a>'
            b'<a href="healthcare/home.htm">e</a><a href="https://example.org/ooh/sales/cashiers2.htm">f</a>'
            b'</body></html>')
    assert occupation_paths(page) == ["/ooh/healthcare/medical-assistants.htm", "/ooh/legal/lawyers.htm",
                                      "/ooh/sales/cashiers.htm"]


def test_the_edition_a_capture_states_is_read_from_its_content(site):
    stated = {(original, stamp): wayback.edition_stated_by(body) for original, stamp, body in site.timeline()}
    for (original, stamp), edition in STALE.items():
        assert stated[original, stamp] == edition
    index = [edition for (original, _), edition in stated.items() if original.endswith("/a-z-index.htm")]
    assert set(index) == {None}
    assert {e for e in stated.values() if e} == {e.name for e in CATALOGUE}


def test_cdx_answers_are_read_page_by_page(site, tmp_path):
    from flows.crawl import Crawl
    from flows.politeness import Politeness, host_of

    politeness = Politeness(contact="tests@example.org", allowed_hosts=frozenset({host_of(site.url)}), delay=0.001,
                            cdx_delay=0.001)
    crawl = Crawl(politeness, tmp_path, "paged", keep=False)
    before = len(site.requests())
    try:
        wayback.CDX_PAGE, page = 1, wayback.CDX_PAGE
        found = crawl.discover_wayback(site.url, "2014-15", lambda urls: {})
    finally:
        wayback.CDX_PAGE = page
        crawl.close()
    # the window's captures: the A-Z index, two occupation pages and one no index lists, a CDX answer each
    assert len(found.cdx_urls) == 4 and "resumeKey" not in found.cdx_urls[0] and "resumeKey=3" in found.cdx_urls[3]
    assert [t.url.rsplit("/", 1)[1] for t in found.targets] == [
        "medical-assistants.htm", "medical-records-and-health-information-technicians.htm"]  # not NOT_LISTED
    assert len(cdx_asked(site, before)) == 4 and len(replays(site, before)) == 1  # the A-Z index


def test_an_index_that_lists_none_of_the_pages_does_not_narrow_them(tmp_path):
    from fake_sites import FakeWayback
    from flows.crawl import Crawl
    from flows.politeness import Politeness, host_of

    page = "http://www.bls.gov/ooh/healthcare/medical-assistants.htm"
    index = b"<html><a href='x.htm'>x</a></html>"
    fake = FakeWayback({page: ("20150101120000", b"<html>Job Outlook, 2012-22</html>"),
                        "http://www.bls.gov/ooh/a-z-index.htm": ("20150101000000", index)})
    fake.start()
    crawl = Crawl(Politeness(contact="tests@example.org", allowed_hosts=frozenset({host_of(fake.url)}), delay=0.001,
                             cdx_delay=0.001), tmp_path, "run", keep=False)
    try:
        found = crawl.discover_wayback(fake.url, "2014-15", lambda urls: {})
    finally:
        crawl.close()
        fake.stop()
    assert found.index_read and [t.url for t in found.targets] == [page]


# --- end to end: `ooh fetch wayback` ---------------------------------------------------------------------
# One edition of each kind the stand-in serves, each a command of its own; every past edition is fetched by
# the whole backfill below (`--all`, in one command), and checked there edition by edition.
KINDS = {
    "1998-99": "a printed edition on two hosts (stats.bls.gov and www.bls.gov)",
    "2008-09": "a printed edition with a capture in its window that states the edition before",
    "2010-11": "the last printed edition",
    "2012-13": "the first web edition, named by two years, on http",
    "2014-15": "a web edition with a captured page that no A-Z index lists",
    "2018-28": "the first edition named by its projection span, on https",
    "2021-31": "a web edition with a capture in its window that states the edition before",
    "2024-34": "the current edition, still on the site",
}


@pytest.mark.parametrize("edition", [catalogue_edition(name) for name in KINDS], ids=lambda e: e.name)
def test_an_edition_of_each_kind_is_backfilled_with_captures_that_state_it(edition, site, env, tmp_path):
    warehouse = tmp_path / "ooh.duckdb"
    before = len(site.requests())
    result = fetch(env, site, warehouse, "--edition", edition.name, "--no-ingest")
    assert result.returncode == 0, result.stdout + result.stderr
    pages = 3 if edition.url_scheme == "ocos" else 2
    start, end = wayback.window(edition)
    stale = sum(start <= stamp[:8] <= end for _, stamp in STALE)  # tried first, and passed over
    assert f"{pages} pages found, {pages} fetched, 0 unchanged, 0 archived already, 0 failed" in result.stdout
    cdx, index = len(edition.hosts), int(edition.url_scheme == "ooh")
    assert (f"  {cdx + index + pages + stale} requests made; {stale} captures stated another edition" in result.stdout)
    rows = query(warehouse, "SELECT url, edition FROM captures WHERE source_kind = 'wayback' AND status = 200 "
                            "ORDER BY captured_at DESC")
    assert sorted(url for url, e in rows if e == edition.name) == sorted({url for url, e in rows if e == edition.name})
    assert sum(e == edition.name for _, e in rows) == pages
    assert len(replays(site, before)) == index + pages + stale  # robots.txt and the CDX queries besides


def test_a_capture_stating_another_edition_is_skipped_and_kept_as_that_edition_s(site, env, tmp_path):
    warehouse = tmp_path / "stale.duckdb"
    (stale_url, stale_stamp), = [key for key, stated in STALE.items() if stated == "2006-07"]
    result = fetch(env, site, warehouse, "--edition", "2008-09", "--no-ingest")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 captures stated another edition (archived as that edition's)" in result.stdout
    assert query(warehouse, "SELECT edition, captured_at FROM captures "
                            "WHERE url = 'http://www.bls.gov/oco/ocos103.htm' ORDER BY captured_at") == [
        ("2008-09", at("20081216120000")), ("2006-07", at(stale_stamp))]  # the window's middle, and the stale one
    # the 2006-07 edition's page of that URL is archived already: it is not asked for again
    before = len(site.requests())
    older = fetch(env, site, warehouse, "--edition", "2006-07", "--no-ingest")
    assert older.returncode == 0, older.stdout + older.stderr
    assert "3 pages found, 2 fetched, 0 unchanged, 1 archived already, 0 failed" in older.stdout
    assert not [path for path in replays(site, before) if path.endswith("/ocos103.htm")]


def test_an_edition_not_in_the_catalogue_is_one_line(site, env, tmp_path):
    result = fetch(env, site, tmp_path / "none.duckdb", "--edition", "2009-10")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "ooh fetch: no edition 2009-10 in the catalogue (parsers/editions.csv): known are "
        + ", ".join(e.name for e in CATALOGUE)]


def test_the_wayback_options_are_refused_for_the_live_handbook(env, tmp_path):
    result = ooh(env, "fetch", "live", "--dry-run", "--contact", "tests@example.org", warehouse=tmp_path / "x.duckdb")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "ooh fetch: --edition, --all and --dry-run are for 'ooh fetch wayback'"]


# --- the whole backfill: planned, run, stopped and resumed -----------------------------------------------
ALL_CDX = sum(len(e.hosts) for e in PAST)  # one CDX query per host an edition was on
ALL_INDEXES = sum(e.url_scheme == "ooh" for e in PAST)
ALL_PAGES = sum(3 if e.url_scheme == "ocos" else 2 for e in PAST)


@pytest.fixture(scope="module")
def whole(tmp_path_factory):
    return tmp_path_factory.mktemp("all") / "ooh.duckdb"


@pytest.fixture(scope="module")
def plan(site, env, whole):
    before = len(site.requests())
    result = fetch(env, site, whole, "--all", "--dry-run")
    return result, site.requests()[before:]


def test_the_dry_run_prints_the_whole_plan_and_its_request_count(plan):
    result, asked = plan
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"Wayback backfill plan: {len(PAST)} editions from http://127.0.0.1:")
    for edition in PAST:
        head = f"  {edition.name}  on bls.gov {edition.on_site_from.isoformat()}"
        assert any(line.startswith(head) for line in lines)
    assert sum(line.startswith("      CDX: ") for line in lines) == ALL_CDX
    assert sum(line.startswith("      A-Z index: ") for line in lines) == ALL_INDEXES
    # The 2014-15 window holds a captured page no A-Z index lists: a plan reads no index, so counts it.
    least = ALL_CDX + ALL_INDEXES + ALL_PAGES + 1
    most = least + len(STALE)
    assert lines[-1] == (f"Requests: {least} at least ({ALL_CDX} CDX queries, {ALL_INDEXES} A-Z index replays, "
                         f"{ALL_PAGES + 1} page replays), {most} at most if captures state other editions; robots.txt "
                         f"once per host besides. This plan made {ALL_CDX} of them (the CDX queries; answers archived "
                         "by earlier runs are read from the archive).")
    assert [path for _, path, _ in asked if not path.startswith("/cdx/")] == ["/robots.txt"]
    assert len(asked) == ALL_CDX + 1
    assert not result.stderr


@pytest.fixture(scope="module")
def stopped(plan, site, env, whole):
    """The backfill, stopped by a 403 part way (the 2014-15 medical assistants page), with no ingest."""
    edition = catalogue_edition("2014-15")
    victim = next(f"/web/{stamp}id_/{original}" for original, stamp, _ in site.timeline()
                  if original.endswith("/medical-assistants.htm") and wayback.window(edition)[0] <= stamp[:8])
    site.fault(victim, "403")
    before = len(site.requests())
    result = fetch(env, site, whole, "--all", "--no-ingest")
    return result, site.requests()[before:]


def test_a_stopped_backfill_says_so_and_keeps_what_it_archived(stopped, whole):
    result, asked = stopped
    assert result.returncode == 2, result.stdout + result.stderr
    assert "403 Forbidden" in result.stderr and "Traceback" not in result.stdout + result.stderr
    archived = query(whole, "SELECT count(DISTINCT (url, edition)) FROM captures WHERE source_kind = 'wayback' "
                            "AND status = 200")[0][0]
    assert 0 < archived < ALL_PAGES + len(STALE)


@pytest.fixture(scope="module")
def resumed(stopped, site, env, whole):
    before = len(site.requests())
    result = fetch(env, site, whole, "--all")
    return result, site.requests()[before:]


def test_the_resumed_backfill_fetches_only_what_the_stopped_one_had_not(stopped, resumed, whole):
    result, asked = resumed
    assert result.returncode == 0, result.stdout + result.stderr
    first = [path for _, path, _ in stopped[1] if path.startswith("/web/")]
    again = [path for _, path, _ in asked if path.startswith("/web/")]
    assert len(again) == len(set(again)) and len(first) == len(set(first))
    assert set(first) & set(again) == {next(p for p in first if p.endswith("/medical-assistants.htm")
                                            and p.startswith("/web/2014"))}  # the refused one, asked again
    assert not [path for _, path, _ in asked if path.startswith("/cdx/")]  # the CDX answers came from the archive
    assert len(set(first) | set(again)) == ALL_INDEXES + ALL_PAGES + len(STALE)
    editions = query(whole, "SELECT edition, count(DISTINCT url) FROM captures WHERE source_kind = 'wayback' AND "
                            "status = 200 AND edition IS NOT NULL GROUP BY edition ORDER BY edition")
    assert editions == [(e.name, 3 if e.url_scheme == "ocos" else 2) for e in sorted(PAST, key=lambda e: e.name)]


def test_the_backfill_loads_each_page_as_the_edition_it_states(resumed, whole):
    result, _ = resumed
    assert "Loaded" in result.stdout, result.stdout
    loaded = dict(query(whole, "SELECT edition, count(*) FROM pages GROUP BY edition"))
    assert set(loaded) == {e.name for e in PAST}  # 2012-13 from "Job Outlook, 2010-20", and so on


def test_a_backfill_run_again_asks_nothing(resumed, site, env, whole):
    before = len(site.requests())
    again = fetch(env, site, whole, "--all", "--no-ingest")
    assert again.returncode == 0, again.stdout + again.stderr
    assert f"{ALL_PAGES} pages found, 0 fetched, 0 unchanged, {ALL_PAGES} archived already, 0 failed" in again.stdout
    assert "  0 requests made; 0 captures stated another edition" in again.stdout
    assert site.requests()[before:] == []
    plan = fetch(env, site, whole, "--all", "--dry-run")
    assert plan.stdout.splitlines()[-1].startswith("Requests: 0 at least (0 CDX queries, 0 A-Z index replays, "
                                                   "0 page replays), 0 at most")
    assert site.requests()[before:] == []
