"""The reviewed list of every 2010-11 -> current link on the corpus (tests/lineage/): the warehouse must
give exactly the links someone has read and accepted. After a change that moves a link, run
scripts/write_link_review.py, read each row whose review is empty, and write what you found."""
import csv

from warehouse.identity import REVIEW_COLUMNS, REVIEWED_LINKS, link_review_rows


def committed() -> list[dict[str, str]]:
    with REVIEWED_LINKS.open(newline="") as handle:
        return list(csv.DictReader(handle))


def test_the_links_are_the_reviewed_ones(corpus_warehouse):
    got = {tuple(row[c] for c in REVIEW_COLUMNS[:-1]) for row in link_review_rows(corpus_warehouse, "2010-11", "2024-34")}
    reviewed = {tuple(row[c] for c in REVIEW_COLUMNS[:-1]) for row in committed()}
    new, gone = sorted(got - reviewed), sorted(reviewed - got)
    assert not new and not gone, (
        "the links changed: run scripts/write_link_review.py and review the rows with an empty note\n"
        f"new or changed: {new[:10]}\nno longer: {gone[:10]}")


def test_every_link_has_been_reviewed():
    rows = committed()
    assert len(rows) > 300
    unreviewed = [(r["older_title"], r["newer_title"]) for r in rows if not r["review"].strip()]
    assert not unreviewed, f"{len(unreviewed)} links without a review note, e.g. {unreviewed[:5]}"
