"""Whose each figure is: sentences and tables of real pages (the patterns the audit found) -> the figures
they state, each with its subject type, part and setting."""
from decimal import Decimal

import pytest

from parsers.figures import extract_figures
from parsers.model import Edition, Paragraph, Section, Table

E2008 = Edition("2010-11", 2008, 2008, 2018)
E2024 = Edition("2024-34", 2024, 2024, 2034)
CHEFS = "Chefs, Head Cooks, and Food Preparation and Serving Supervisors"


def whose(title: str, section: str, *blocks, edition: Edition = E2008) -> list[tuple]:
    blocks = tuple(Paragraph(b) if isinstance(b, str) else b for b in blocks)
    return [(f.kind, f.measure, f.value if f.value is not None else f.text_value, f.subject_type, f.part, f.setting)
            for f in extract_figures([Section(section, "", blocks)], edition, title)]


CASES = {
    "1. a named part is not the whole": [
        (CHEFS, "pay", "Median annual wage-and-salary earnings of chefs and head cooks were $38,770 in May 2008. "
         "The middle 50 percent earned between $29,050 and $51,540.",
         [("wage", "median", Decimal("38770"), "part", "chefs and head cooks", None),
          ("wage", "p25", Decimal("29050"), "part", "chefs and head cooks", None),
          ("wage", "p75", Decimal("51540"), "part", "chefs and head cooks", None)]),
        (CHEFS, "employment", "Food preparation and serving supervisors held 88 percent of these jobs and chefs and "
         "head cooks held the remaining 12 percent.",
         [("employment", "share", Decimal("0.88"), "part", "Food preparation and serving supervisors", None),
          ("employment", "share", Decimal("0.12"), "part", "chefs and head cooks", None)]),
        ("Construction Managers", "pay", "Median annual wages of salaried construction managers were $79,860 in May 2008.",
         [("wage", "median", Decimal("79860"), "occupation", None, None)]),
        ("Construction and Building Inspectors", "employment",
         "About 44 percent of inspectors worked for local governments, primarily municipal or county building departments.",
         [("employment", "share", Decimal("0.44"), "industry", None, "local governments")]),
        ("Emergency Medical Technicians and Paramedics", "pay",
         "Median hourly wages of EMTs and paramedics were $14.10 in May 2008.",
         [("wage", "median", Decimal("14.10"), "occupation", None, None)]),
    ],
    "2. industry medians in other wordings": [
        ("Roofers", "pay", "Median hourly wages of roofers in the foundation, structure, and building exterior "
         "contractors industry were $16.26.",
         [("wage", "median", Decimal("16.26"), "industry", None,
           "foundation, structure, and building exterior contractors industry")]),
        ("Electronic Home Entertainment Equipment Installers and Repairers", "pay",
         "In May 2008, median hourly wages of electronic home entertainment equipment installers and repairers in "
         "electrical and electronic goods merchant wholesalers were $17.19, and $16.17 in building equipment contractors.",
         [("wage", "median", Decimal("17.19"), "industry", None, "electrical and electronic goods merchant wholesalers"),
          ("wage", "median", Decimal("16.17"), "industry", None, "building equipment contractors")]),
        ("Small Engine Mechanics", "pay", "Median hourly wages in other motor vehicle dealers, the industry employing "
         "the largest number of motorboat mechanics, were $16.48.",
         [("wage", "median", Decimal("16.48"), "industry", "motorboat mechanics", "other motor vehicle dealers")]),
    ],
    "3. coordinated lists": [
        ("Education Administrators", "employment", "Education administrators held about 445,400 jobs in 2008. Of these, "
         "about 58,900 were held by preschool or child care administrators, about 230,600 by elementary or secondary "
         "school administrators, and 124,600 by postsecondary administrators.",
         [("employment", "jobs", Decimal("445400"), "occupation", None, None),
          ("employment", "jobs", Decimal("58900"), "part", "preschool or child care administrators", None),
          ("employment", "jobs", Decimal("230600"), "part", "elementary or secondary school administrators", None),
          ("employment", "jobs", Decimal("124600"), "part", "postsecondary administrators", None)]),
        ("Computer Network, Systems, and Database Administrators", "pay",
         "In May 2008, median annual wages of database administrators employed in computer systems design and "
         "related services were $78,510, and for those in management of companies and enterprises, wages were $74,730.",
         [("wage", "median", Decimal("78510"), "industry", "database administrators",
           "computer systems design and related services"),
          ("wage", "median", Decimal("74730"), "industry", "database administrators",
           "management of companies and enterprises")]),
        (CHEFS, "employment", "Nearly half of chefs and head cooks were employed at full-service restaurants. About nine "
         "percent each were employed by hotels and the special food services industry. Eight percent were self-employed.",
         [("employment", "share", Decimal("0.5"), "industry", "chefs and head cooks", "full-service restaurants"),
          ("employment", "share", Decimal("0.09"), "industry", "chefs and head cooks", "hotels"),
          ("employment", "share", Decimal("0.09"), "industry", "chefs and head cooks", "special food services industry"),
          ("employment", "share", Decimal("0.08"), "group", "chefs and head cooks", "self-employed")]),
    ],
    "4. tables keep their lead-in": [
        ("Insulation Workers", "pay", "Median hourly wages in the industries employing the largest numbers of "
         "insulation workers in May 2008 were:",
         Table(rows=(("Insulation workers, mechanical", ""), ("Building equipment contractors", "$17.87"),
                     ("Insulation workers, floor, ceiling, and wall", ""), ("Building finishing contractors", "15.11"))),
         [("wage", "median", Decimal("17.87"), "industry", "Insulation workers, mechanical", "Building equipment contractors"),
          ("wage", "median", Decimal("15.11"), "industry", "Insulation workers, floor, ceiling, and wall",
           "Building finishing contractors")]),
    ],
    "5. percentile wordings": [
        ("Tax Examiners, Collectors, and Revenue Agents", "pay",
         "The middle 50 percent earned $18,840 to $31,430; the bottom 10 percent earned less than $16,030.",
         [("wage", "p25", Decimal("18840"), "occupation", None, None),
          ("wage", "p75", Decimal("31430"), "occupation", None, None),
          ("wage", "p10", Decimal("16030"), "occupation", None, None)]),
    ],
    "6. share bases": [
        ("Authors, Writers, and Editors", "employment", "Among the 30 percent of salaried writers and authors, about "
         "half work in the publishing industry.",
         [("employment", "share", Decimal("0.5"), "industry", "writers and authors", "publishing industry")]),
    ],
    "7. a part's projection": [
        ("Small Engine Mechanics", "job_outlook", "Employment of small engine mechanics is expected to grow by 7 "
         "percent between 2008 and 2018. As such, motorboat mechanics are expected to grow by 6 percent.",
         [("projection", "change_percent", Decimal("7"), "occupation", None, None),
          ("projection", "change_percent", Decimal("6"), "part", "motorboat mechanics", None)]),
    ],
    "8. qualifiers, bodies and shares in words": [
        ("Education Administrators", "employment",
         "The great majority\u2014more than 81 percent\u2014worked in public or private educational institutions.",
         [("employment", "share", Decimal("0.81"), "industry", None, "public or private educational institutions")]),
        ("Library Technicians and Library Assistants", "employment", "Twenty-five percent of librarians work part time.",
         [("employment", "share", Decimal("0.25"), "group", "librarians", "part-time")]),
        ("Elevator Installers and Repairers", "pay", "Over half of all elevator installers and repairers were members "
         "of unions or covered by a union contract.",
         [("employment", "share", Decimal("0.5"), "group", None, "union members")]),
    ],
}


@pytest.mark.parametrize("title,section,blocks,expected",
                         [(c[0], c[1], c[2:-1], c[-1]) for cases in CASES.values() for c in cases],
                         ids=[f"{group}:{c[0][:30]}" for group, cases in CASES.items() for c in cases])
def test_whose(title, section, blocks, expected):
    assert whose(title, section, *blocks) == expected


def test_the_projections_table_first_row_is_the_occupation_and_the_others_its_parts():
    table = Table(header=("Occupational Title", "SOC Code", "Employment, 2008", "Projected Employment, 2018",
                          "Change, 2008-18 / Number", "Change, 2008-18 / Percent"),
                  rows=(("Supervisors, food preparation and serving workers", "35-1000", "941,600", "997,000", "55,400", "6"),
                        ("Chefs and head cooks", "35-1011", "108,300", "108,500", "200", "0")))
    found = whose(CHEFS, "projections", table)
    assert ("projection", "employment_base", Decimal("941600"), "occupation", None, None) in found
    assert ("projection", "change_percent", Decimal("0"), "part", "Chefs and head cooks", None) in found
    assert all(f[3] in ("occupation", "part") for f in found)


def test_a_table_by_detailed_occupation_names_parts_the_projections_table_lists():
    lead = "Median annual wages for nurse anesthetists, nurse midwives, and nurse practitioners in May 2024 were as follows:"
    wages = Table(rows=(("Nurse anesthetists", "$223,210"), ("Nurse midwives", "128,790")))
    projections = Table(header=("Occupational Title", "SOC Code", "Employment, 2024", "Projected Employment, 2034"),
                        rows=(("Nurse anesthetists, nurse midwives, and nurse practitioners", "\u2014", "382,700", "516,700"),
                              ("Nurse anesthetists", "29-1151", "53,800", "58,500"),
                              ("Nurse midwives", "29-1161", "8,600", "9,500")))
    blocks = (Paragraph(lead), wages)
    found = [(f.value, f.subject_type, f.part) for f in extract_figures(
        [Section("pay", "", blocks), Section("projections", "", (projections,))], E2024,
        "Nurse Anesthetists, Nurse Midwives, and Nurse Practitioners") if f.kind == "wage"]
    assert found == [(Decimal("223210"), "part", "Nurse anesthetists"), (Decimal("128790"), "part", "Nurse midwives")]
