"""Which subjects name the page's occupation as a whole; cases from the real pages."""
import pytest

from parsers.subjects import Subjects

CASES = {
    "the occupation": [
        ("Medical Records and Health Information Technicians", "medical records and health information technicians"),
        ("Cashiers", "cashiers, except gaming"),
        ("Construction Managers", "salaried construction managers"),
        ("Retail Salespersons", "wage-and-salary retail salespersons"),
        ("Plumbers, Pipelayers, Pipefitters, and Steamfitters", "plumbers, pipelayers, pipefitters, and steamfitters"),
        ("Carpenters", "they"),
        ("Architects, Except Landscape and Naval", "architects"),
        ("Food Processing Occupations", "food processing workers"),
        # Fewer words that still name every occupation of the title
        ("Construction and Building Inspectors", "inspectors"),
        ("Postal Service Mail Carriers", "mail carriers"),
        ("Appraisers and Assessors of Real Estate", "appraisers and assessors"),
        ("Office and Administrative Support Worker Supervisors and Managers",
         "office and administrative support supervisors and managers"),
        ("Nurse Anesthetists, Nurse Midwives, and Nurse Practitioners", "these workers"),
    ],
    "a part of it": [
        ("Engineers", "biomedical engineers"),
        ("Electrical and Electronics Engineers", "electrical engineers"),
        ("Geoscientists and Hydrologists", "geoscientists"),
        ("Aircraft Pilots and Flight Engineers", "airline pilots, copilots, and flight engineers"),
        ("Top Executives", "general and operations managers"),
        ("Physicians and Surgeons", "physicians practicing primary care"),
        # A specialty made of the title's words is not the whole occupation.
        ("Chefs, Head Cooks, and Food Preparation and Serving Supervisors", "chefs and head cooks"),
        ("Chefs, Head Cooks, and Food Preparation and Serving Supervisors", "salaried chefs and head cooks"),
        ("Cement Masons, Concrete Finishers, Segmental Pavers, and Terrazzo Workers", "cement masons and concrete finishers"),
        ("Nurse Anesthetists, Nurse Midwives, and Nurse Practitioners", "nurse practitioners"),
        ("Engineering Technicians", "civil engineering technicians"),
        ("Counselors", "Counselors, all other"),
        ("Insulation Workers", "Insulation workers, floor, ceiling, and wall"),
        ("Cooks", "Cooks, restaurant"),
        ("Engineering Technicians", "Engineering technicians, except drafters, all other"),
    ],
}


@pytest.mark.parametrize("title,subject", CASES["the occupation"])
def test_names_the_occupation(title, subject):
    assert Subjects(title).is_whole(subject)


@pytest.mark.parametrize("title,subject", CASES["a part of it"])
def test_names_a_part(title, subject):
    assert not Subjects(title).is_whole(subject)
