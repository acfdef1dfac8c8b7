"""Cross-check against an independent scrape of the same 342 current pages (karpathy/jobs, its
occupations.csv: Quick Facts and projections per occupation).

The other scrape is never an input of the pipeline: this test only compares. Every field of every
occupation is compared with the warehouse; each disagreement must be a listed known difference whose
explanation the test verifies, and at least 99.5% of the fields must agree.
"""
import csv
from decimal import Decimal
from pathlib import Path

import pytest

from flows.gate import CORPUS

THEIRS = CORPUS / "real" / "derived" / "karpathy-jobs" / "occupations.csv"
KNOWN = Path(__file__).parent / "crosscheck" / "known_differences.csv"
HOURS_A_YEAR = Decimal(2080)

pytestmark = pytest.mark.skipif(not THEIRS.is_file(), reason=f"no {THEIRS}: the cross-check did not run")

# Their column -> our value, per occupation page (its URL), from the warehouse.
OURS_SQL = """
SELECT p.canonical_url, p.title, p.soc_code,
  max(f.value) FILTER (WHERE f.source = 'quick_facts' AND f.kind = 'wage' AND f.period = 'year')  AS median_pay_annual,
  max(f.value) FILTER (WHERE f.source = 'quick_facts' AND f.kind = 'wage' AND f.period = 'hour')  AS median_pay_hourly,
  max(f.text_value) FILTER (WHERE f.source = 'quick_facts' AND f.measure = 'entry_level')          AS entry_education,
  max(f.text_value) FILTER (WHERE f.source = 'quick_facts' AND f.measure = 'work_experience')      AS work_experience,
  max(f.text_value) FILTER (WHERE f.source = 'quick_facts' AND f.measure = 'on_the_job_training') AS training,
  max(f.value) FILTER (WHERE f.source = 'quick_facts' AND f.kind = 'employment' AND f.measure = 'jobs') AS num_jobs_2024,
  arg_min(f.value, f.figure_no) FILTER (WHERE f.source = 'table' AND f.measure = 'employment_target') AS projected_employment_2034,
  max(f.value) FILTER (WHERE f.source = 'quick_facts' AND f.measure = 'change_percent')           AS outlook_pct,
  max(f.text_value) FILTER (WHERE f.source = 'quick_facts' AND f.kind = 'outlook')                AS outlook_desc,
  max(f.value) FILTER (WHERE f.source = 'quick_facts' AND f.measure = 'change')                   AS employment_change
FROM current_pages AS p LEFT JOIN extracted_figures AS f USING (page_id)
WHERE p.layout = 'tabbed'
GROUP BY ALL
"""
FIELDS = ["title", "soc_code", "median_pay_annual", "median_pay_hourly", "entry_education", "work_experience",
          "training", "num_jobs_2024", "projected_employment_2034", "outlook_pct", "outlook_desc", "employment_change"]


def same(theirs: str, ours) -> bool:
    if ours is None:
        return theirs == ""
    if isinstance(ours, Decimal):
        return theirs != "" and Decimal(theirs) == ours
    return theirs.casefold() == str(ours).casefold()


@pytest.fixture(scope="module")
def comparison(corpus_warehouse):
    cursor = corpus_warehouse.execute(OURS_SQL)
    columns = [d[0] for d in cursor.description]
    ours = {row[0]: dict(zip(columns, row)) for row in cursor.fetchall()}
    with THEIRS.open(newline="") as handle:
        theirs = list(csv.DictReader(handle))
    compared, differences = 0, {}
    for row in theirs:
        page = ours.get(row["url"])
        assert page is not None, f"no page in the warehouse for {row['url']}"
        for field in FIELDS:
            compared += 1
            if not same(row[field], page[field]):
                differences[(row["slug"], field)] = (row[field], page[field], page)
    return compared, differences, len(theirs)


def known_differences() -> dict[tuple[str, str], dict]:
    with KNOWN.open(newline="") as handle:
        return {(row["slug"], row["field"]): row for row in csv.DictReader(handle)}


def test_every_occupation_is_compared(comparison):
    compared, _, occupations = comparison
    assert occupations == 342 and compared == 342 * len(FIELDS)


def test_every_disagreement_is_a_known_difference(comparison):
    _, differences, _ = comparison
    known = known_differences()
    unexplained = [f"{slug} {field}: theirs {t!r}, ours {o!r}" for (slug, field), (t, o, _) in differences.items()
                   if (slug, field) not in known]
    assert not unexplained, "\n".join(unexplained)
    stale = [key for key in known if key not in differences]
    assert not stale, f"these no longer differ: drop them from {KNOWN.name}: {stale}"


def test_known_differences_are_what_they_say(comparison):
    _, differences, _ = comparison
    for key, entry in known_differences().items():
        theirs, ours, page = differences[key]
        assert entry["theirs"] == theirs and (entry["ours"] or None) == (None if ours is None else str(ours))
        assert entry["reason"].strip()
        if entry["explanation"] == "annual_from_hourly":  # they multiplied the page's hourly pay by 2080
            assert ours is None and page["median_pay_hourly"] is not None
            assert abs(Decimal(theirs) - page["median_pay_hourly"] * HOURS_A_YEAR) < 1
        elif entry["explanation"] == "hourly_from_annual":  # they divided the page's annual pay by 2080
            assert ours is None and page["median_pay_annual"] is not None
            assert abs(Decimal(theirs) - page["median_pay_annual"] / HOURS_A_YEAR) <= Decimal("0.005")
        else:
            pytest.fail(f"unknown explanation {entry['explanation']!r} for {key}")


def test_agreement_is_at_least_99_5_percent(comparison):
    compared, differences, _ = comparison
    assert (compared - len(differences)) / compared >= 0.995
