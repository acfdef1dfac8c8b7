"""The edition catalogue (parsers/editions.csv) and the edition a page's text states: tables of
(text, expected edition), grouped by where the wording comes from."""
from datetime import timedelta

import pytest

from parsers.editions import (base_year_edition, catalogue_edition, printed_edition, projection_edition,
                              read_catalogue, span_edition, span_end, stated_edition)
from parsers.errors import ImplausibleEdition

CATALOGUE = read_catalogue()
PRINTED = ["1998-99", "2000-01", "2002-03", "2004-05", "2006-07", "2008-09", "2010-11"]
WEB_BY_NAME = ["2012-13", "2014-15", "2016-17", "2018-19"]
WEB_BY_SPAN = ["2018-28", "2019-29", "2020-30", "2021-31", "2022-32", "2023-33", "2024-34"]


def test_the_catalogue_has_every_edition_since_1998_99_in_order():
    assert [e.name for e in CATALOGUE] == PRINTED + WEB_BY_NAME + WEB_BY_SPAN


def test_editions_follow_each_other_on_the_site_without_gap_or_overlap():
    for older, newer in zip(CATALOGUE, CATALOGUE[1:]):
        assert older.on_site_to is not None and older.on_site_from < older.on_site_to
        assert newer.on_site_from == older.on_site_to + timedelta(days=1), (older.name, newer.name)
    assert CATALOGUE[-1].on_site_to is None  # the current edition


def test_url_schemes_change_with_the_2012_13_edition():
    assert {e.name for e in CATALOGUE if e.url_scheme == "ocos"} == set(PRINTED)
    assert {e.name for e in CATALOGUE if e.url_scheme == "ooh"} == set(WEB_BY_NAME + WEB_BY_SPAN)
    assert all(e.hosts[-1] == "www.bls.gov" for e in CATALOGUE)


@pytest.mark.parametrize("edition", CATALOGUE, ids=lambda e: e.name)
def test_years_of_each_edition(edition):
    assert edition.projection_end - edition.projection_start == 10
    assert edition.base_year == edition.projection_start
    first = int(edition.name[:4])
    if edition.name in PRINTED + WEB_BY_NAME:  # named by two years, reporting the data of two years before
        assert edition.base_year == first - 2
    else:  # named by its projection span
        assert edition.name == f"{edition.base_year}-{edition.projection_end % 100:02d}"
    assert edition.notes


def test_the_windows_the_backfill_knew_before_the_catalogue_are_the_catalogue_s():
    windows = {"2006-07": ("20051220", "20071217"), "2008-09": ("20071218", "20091216"),
               "2010-11": ("20091217", "20120328")}
    for name, (start, end) in windows.items():
        entry = catalogue_edition(name)
        assert (entry.on_site_from.strftime("%Y%m%d"), entry.on_site_to.strftime("%Y%m%d")) == (start, end)


STATED = {
    # the edition's name, as printed editions and web editions through 2018-19 give it
    "name": [
        ("Occupational Outlook Handbook, 2014-15 Edition", "2014-15"),
        ("Occupational Outlook Handbook, 2010-11 Edition\r\n", "2010-11"),
        ("Bureau of Labor Statistics, U.S. Department of Labor, Occupational Outlook Handbook, 2016-17 Edition, "
         "Medical Records and Health Information Technicians, on the Internet at ...", "2016-17"),
        # the name wins over the span the same page states
        ("Job Outlook, 2010-20 ... Occupational Outlook Handbook, 2012-13 Edition", "2012-13"),
    ],
    # Quick Facts: the projection span, named by the catalogue
    "span": [
        ("Job Outlook, 2010-20 14%", "2012-13"),
        ("Job Outlook, 2016-26", "2018-19"),
        ("Job Outlook, 2024\u201334", "2024-34"),
        ("Job Outlook, 2018-28", "2018-28"),
        ("Employment Change, projected 2024\u201334", "2024-34"),
        ("Job Outlook, 2025-35", "2025-35"),  # not in the catalogue yet: named by its span
    ],
    # Quick Facts: the base year, then the year of the median pay
    "years": [
        ("Number of Jobs, 2010 179,500", "2012-13"),
        ("Number of Jobs, 2024", "2024-34"),
        ("2010 Median Pay $32,350 per year", "2012-13"),
        ("2024     Median Pay", "2024-34"),
        ("2017 Median Pay", "2018-19"),  # wages updated during the edition: no edition has 2017 data
        ("2015 Median Pay", "2016-17"),
    ],
    "nothing": [
        ("Medical records and health information technicians organize and manage health information data.", None),
        ("", None),
    ],
}


@pytest.mark.parametrize("text, expected", [case for cases in STATED.values() for case in cases],
                         ids=[f"{group}-{n}" for group, cases in STATED.items() for n in range(len(cases))])
def test_stated_edition(text, expected):
    stated = stated_edition(text)
    assert (stated.label if stated else None) == expected


def test_a_stated_edition_carries_the_catalogue_years():
    assert stated_edition("Job Outlook, 2010-20") == catalogue_edition("2012-13").edition
    assert projection_edition(2016, 2026).label == "2018-19"
    assert base_year_edition(2024) == projection_edition(2024, 2034)
    assert printed_edition("Occupational Outlook Handbook, 2018-19 Edition") == catalogue_edition("2018-19").edition


@pytest.mark.parametrize("text", ["Occupational Outlook Handbook, 2011-13 Edition", "Job Outlook, 2010-25"])
def test_an_edition_no_handbook_can_have_is_refused(text):
    with pytest.raises(ImplausibleEdition):
        stated_edition(text)


@pytest.mark.parametrize("start,end,year", [(2024, "34", 2034), (1998, "08", 2008), (1996, "2006", 2006),
                                            (2008, "18", 2018), (1999, "00", 2000)])
def test_a_span_s_two_digit_end_is_the_first_year_after_its_start_that_ends_so(start, end, year):
    """One rule for every span the parsers read (Quick Facts, projections tables, prose, the edition):
    "1998-08" ends in 2008, not 1908."""
    assert span_end(start, end) == year


def test_a_span_across_the_century_names_its_edition():
    assert span_edition(1998, "08").label == "2000-01"  # its base year is 1998
    assert stated_edition("Job Outlook, 1998-08: 14%").label == "2000-01"
