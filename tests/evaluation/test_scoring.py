"""The evaluation's arithmetic against hand-computed cases."""

from decimal import Decimal as D

from evaluation import scoring


def test_a_figure_reaches_the_level_of_the_last_threshold_it_passes():
    thresholds = [20, 40, 60, 80]
    assert scoring.level_of_figure(D("0"), thresholds) == 1
    assert scoring.level_of_figure(D("19.99"), thresholds) == 1
    assert scoring.level_of_figure(D("20"), thresholds) == 2
    assert scoring.level_of_figure(D("79.99"), thresholds) == 4
    assert scoring.level_of_figure(D("80"), thresholds) == 5
    assert scoring.level_of_figure(D("120"), thresholds) == 5
    assert scoring.level_of_figure(None, thresholds) is None


def test_percent_of_nothing_is_no_data_never_a_division_by_zero():
    assert scoring.percent(3, 4) == D("75.00")
    assert scoring.percent(0, 0) is None
    assert scoring.percent(5, None) is None
    assert scoring.percent(1, 3) == D("33.33")


def test_mean_of_rates_and_share_of_the_scale():
    assert scoring.mean([4, 5, 3]) == D("4.00")
    assert scoring.mean([4, 5]) == D("4.50")
    assert scoring.mean([]) is None
    assert scoring.of_scale(D("4.5"), 5) == D("90.00")
    assert scoring.of_scale(2, 3) == D("66.67")


def test_weighted_score_by_hand():
    # indicators 75 % → level 4 of 5 (80 %), weight 3; budget 50 % → level 3 (60 %), weight 2;
    # rated mean (4+5+3)/3 = 4 → 80 %, weight 3; a rated criterion nobody answered (weight 5) is left out.
    scores = [
        scoring.computed("C1", "ตัวชี้วัด", 3, 5, D("75"), [20, 40, 60, 80], ["1", "2", "3", "4", "5"]),
        scoring.computed("C2", "งบประมาณ", 2, 5, D("50"), [20, 40, 60, 80]),
        scoring.rated("R1", "วัตถุประสงค์", 3, 5, [4, 5, 3], ["ดี"], ["น้อยที่สุด", "น้อย", "ปานกลาง", "มาก", "มากที่สุด"]),
        scoring.rated("R2", "ยั่งยืน", 5, 5, []),
    ]
    assert [s.percent for s in scores] == [D("80.00"), D("60.00"), D("80.00"), None]
    assert scores[0].level_name == "4" and scores[2].level_name == "มาก" and scores[2].raters == 3
    # (3×80 + 2×60 + 3×80) / 8 = 600 / 8 = 75
    assert scoring.weighted_score(scores) == D("75.00")
    assert scoring.level(D("75"), achieved_from=80, partly_from=60) == scoring.PARTLY
    assert scoring.level(D("80"), achieved_from=80, partly_from=60) == scoring.ACHIEVED
    assert scoring.level(D("59.99"), achieved_from=80, partly_from=60) == scoring.NOT_ACHIEVED


def test_no_data_anywhere_is_the_no_data_level():
    scores = [scoring.computed("C1", "ตัวชี้วัด", 3, 5, None, [20, 40, 60, 80]), scoring.rated("R1", "x", 1, 5, [])]
    assert scoring.weighted_score(scores) is None
    assert scoring.weighted_score([]) is None
    assert scoring.level(None, achieved_from=80, partly_from=60) == scoring.NO_DATA
    assert scoring.LEVEL_TH[scoring.NO_DATA] == "ไม่มีข้อมูล"


def test_rollup_counts_levels_and_averages_only_projects_with_data():
    rollup = scoring.Rollup("กลุ่ม")
    rollup.add(D("90"), scoring.ACHIEVED)
    rollup.add(D("50"), scoring.NOT_ACHIEVED)
    rollup.add(None, scoring.NO_DATA)
    assert rollup.projects == 3 and rollup.mean == D("70.00")
    assert rollup.levels == {scoring.ACHIEVED: 1, scoring.PARTLY: 0, scoring.NOT_ACHIEVED: 1, scoring.NO_DATA: 1}
    assert rollup.level(achieved_from=80, partly_from=60) == scoring.PARTLY
    assert scoring.Rollup("ว่าง").mean is None
