"""Which subjects name the page's occupation as a whole; cases from the real pages."""
import pytest

from parsers.subjects import OccupationNames

CASES = {
    "the occupation": [
        ("Medical Records and Health Information Technicians", "medical records and health information technicians"),
        ("Cashiers", "cashiers, except gaming"),
        ("Construction Managers", "salaried construction managers"),
        ("Retail Salespersons", "wage-and-salary retail salespersons"),
        ("Plumbers, Pipelayers, Pipefitters, and Steamfitters",
         "plumbers, pipelayers, pipefitters, and steamfitters constitute one of the largest construction occupations"),
        ("Carpenters", "they"),
        ("Architects, Except Landscape and Naval", "architects"),
        ("Food Processing Occupations", "food processing workers"),
    ],
    "a part of it": [
        ("Engineers", "biomedical engineers"),
        ("Electrical and Electronics Engineers", "electrical engineers"),
        ("Geoscientists and Hydrologists", "geoscientists"),
        ("Aircraft Pilots and Flight Engineers", "airline pilots, copilots, and flight engineers"),
        ("Top Executives", "general and operations managers"),
        ("Physicians and Surgeons", "physicians practicing primary care"),
    ],
}


@pytest.mark.parametrize("title,subject", CASES["the occupation"])
def test_names_the_occupation(title, subject):
    assert OccupationNames(title).named_by(subject)


@pytest.mark.parametrize("title,subject", CASES["a part of it"])
def test_names_a_part(title, subject):
    assert not OccupationNames(title).named_by(subject)
