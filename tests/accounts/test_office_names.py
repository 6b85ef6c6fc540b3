"""An office's short name, as a table of many offices shows it: the official opening abbreviated (สพป./สพม.)."""

import pytest

from accounts.models import Office


@pytest.mark.parametrize("name, short", [
    ("สำนักงานเขตพื้นที่การศึกษาประถมศึกษาชุมพร เขต 1", "สพป.ชุมพร เขต 1"),
    ("สำนักงานเขตพื้นที่การศึกษามัธยมศึกษา เขต 12", "สพม. เขต 12"),
    ("สำนักงานเขตพื้นที่การศึกษามัธยมศึกษาสุราษฎร์ธานี ชุมพร", "สพม.สุราษฎร์ธานี ชุมพร"),
    ("สำนักงานศึกษาธิการภาค 5", "สำนักงานศึกษาธิการภาค 5"),  # not an area office's name: as it is
    ("Chumphon Primary Educational Service Area Office 1", "Chumphon Primary Educational Service Area Office 1"),
])
def test_short_name_abbreviates_an_area_offices_official_opening(name, short):
    assert Office(name=name).short_name == short
