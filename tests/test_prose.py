"""Sentence rules: wording from the real pages -> the figures it states (and wording that states none)."""
from decimal import Decimal

import pytest

from parsers.model import Edition
from parsers.prose import Context, sentence_figures

E2008 = Edition("2010-11", 2008, 2008, 2018)


def figures(sentence: str, section: str):
    return [
        (f.kind, f.measure, f.value if f.value is not None else f.text_value, f.period, f.ref_year, f.ref_month,
         f.qualifier, f.setting)
        for f in sentence_figures(sentence, Context(E2008, section))
    ]


CASES = {
    "2006-07 seed": [
        ("employment", "Medical records and health information technicians held about 159,000 jobs in 2004.",
         [("employment", "jobs", Decimal("159000"), None, 2004, None, "about", None)]),
        ("employment", "About 2 out of 5 jobs were in hospitals.",
         [("employment", "share", Decimal("0.4"), None, None, None, "about", "hospitals")]),
        ("how_to_become_one", "In 2005, CAHIIM accredited 184 programs for health information technicians.",
         [("programs", "count", Decimal("184"), None, 2005, None, None, "CAHIIM")]),
        ("how_to_become_one", "For cancer registry, there were 11 formal 2-year certificate programs in 2005 approved "
         "by the National Cancer Registrars Association (NCRA).",
         [("programs", "count", Decimal("11"), None, 2005, None, None, "NCRA")]),
    ],
    "2010-11 pages": [
        ("employment", "Cashiers held about 3.55 million jobs in 2008.",
         [("employment", "jobs", Decimal("3550000"), None, 2008, None, "about", None)]),
        ("employment", "In 2008, engineers held about 1.6 million jobs.",
         [("employment", "jobs", Decimal("1600000"), None, 2008, None, "about", None)]),
        ("employment", "About 39 percent of jobs were in hospitals.",
         [("employment", "share", Decimal("0.39"), None, None, None, "about", "hospitals")]),
        ("employment", "About 61 percent were self-employed.",
         [("employment", "share", Decimal("0.61"), None, None, None, "about", "self-employed")]),
        ("pay", "Median annual wages for tellers were $23,610 in May 2008.",
         [("wage", "median", Decimal("23610"), "year", 2008, 5, None, None)]),
        ("pay", "Median hourly wages of cashiers, except gaming in May 2008 were $8.49.",
         [("wage", "median", Decimal("8.49"), "hour", 2008, 5, None, None)]),
        ("pay", "The lowest paid 10 percent earned less than $47,000, and the highest paid 10 percent earned more "
         "than $145,920.",
         [("wage", "p10", Decimal("47000"), None, None, None, None, None),
          ("wage", "p90", Decimal("145920"), None, None, None, None, None)]),
        ("how_to_become_one", "In 2008, there were more than 200 CAHIIM-accredited health information technology "
         "colleges and universities programs.",
         [("programs", "count", Decimal("200"), None, 2008, None, "more_than", "CAHIIM")]),
        ("how_to_become_one", "In 2008, there were 129 medical schools accredited by the Liaison Committee on Medical "
         "Education (LCME).",
         [("programs", "count", Decimal("129"), None, 2008, None, None, "LCME")]),
        ("job_outlook", "Employment of tellers is expected to grow more slowly than average.",
         [("outlook", "category", "slower than average", None, None, None, None, None)]),
        ("job_outlook", "Employment of medical records and health information technicians is expected to increase by "
         "20 percent, much faster than the average for all occupations through 2018.",
         [("outlook", "category", "much faster than average", "2008-2018", 2018, None, None, None),
          ("projection", "change_percent", Decimal("20"), "2008-2018", 2018, None, None, None)]),
    ],
    "current pages": [
        ("pay", "The median annual wage for medical records specialists was $50,250 in May 2024.",
         [("wage", "median", Decimal("50250"), "year", 2024, 5, None, None)]),
        ("pay", "Wages for physicians and surgeons are among the highest of all occupations, with a median wage equal "
         "to or greater than $239,200 per year.",
         [("wage", "median", Decimal("239200"), "year", None, None, "at_least", None)]),
        ("job_outlook", "Employment of fishing and hunting workers is projected to decline 5 percent from 2024 to 2034.",
         [("projection", "change_percent", Decimal("-5"), "2024-2034", 2034, None, None, None)]),
        ("job_outlook", "About 14,200 openings for medical records specialists are projected each year, on average, "
         "over the decade.",
         [("projection", "openings", Decimal("14200"), "2008-2018", None, None, "about", None)]),
    ],
    "not figures of the occupation": [
        ("pay", "In May 2024, the median annual wage for all workers was $49,500.", []),
        ("more_info", "American Health Information Management Association, 233 N. Michigan Ave., Suite 2150, "
         "Chicago, IL 60601-5800.", []),
        ("how_to_become_one", "Advancement usually requires 2 to 4 years of job experience.", []),
        ("work_environment", "Medical records and health information technicians usually work a 40-hour week.", []),
        ("how_to_become_one", "In 2007, 86 percent of private medical school graduates were in debt for educational "
         "expenses.", []),
    ],
}


@pytest.mark.parametrize("section,sentence,expected", [case for cases in CASES.values() for case in cases],
                         ids=[f"{group}:{case[1][:40]}" for group, cases in CASES.items() for case in cases])
def test_sentence(section, sentence, expected):
    assert figures(sentence, section) == expected


def test_percentiles_take_year_and_period_from_the_median_before_them():
    ctx = Context(E2008, "pay")
    found = sentence_figures(
        "Median annual earnings of medical records and health information technicians were $25,590 in 2004. "
        "The middle 50 percent earned between $20,650 and $32,990.", ctx)
    assert [(f.measure, f.value, f.period, f.ref_year) for f in found] == [
        ("median", Decimal("25590"), "year", 2004), ("p25", Decimal("20650"), "year", 2004),
        ("p75", Decimal("32990"), "year", 2004)]


def test_every_figure_keeps_its_words_and_sentence():
    sentence = "Medical records and health information technicians held about 172,500 jobs in 2008."
    (figure,) = sentence_figures(sentence, Context(E2008, "employment"))
    assert figure.raw_text == "held about 172,500 jobs"
    assert figure.sentence == sentence
