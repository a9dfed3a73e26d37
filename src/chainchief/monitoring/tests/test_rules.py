from decimal import Decimal

from chainchief.monitoring import rules


def test_green_when_growth_meets_required():
    s = rules.status(growth=0.12, required=0.108, reached=False, target_year=2025)
    assert s.status == "green"
    assert "12.0%" in s.reason and "10.8%" in s.reason and "2025" in s.reason


def test_yellow_between_ratio_and_required():
    # 0.09 ≥ 0.8 × 0.108 = 0.0864 → yellow
    s = rules.status(growth=0.09, required=0.108, reached=False)
    assert s.status == "yellow"
    assert "80%" in s.reason


def test_red_below_ratio_and_the_ratio_is_a_setting():
    assert rules.status(growth=0.08, required=0.108, reached=False).status == "red"  # 0.08 < 0.0864
    # With the coordinator's ratio at 0.70 the same chain is yellow: 0.08 ≥ 0.0756
    assert rules.status(growth=0.08, required=0.108, reached=False, yellow_ratio=Decimal("0.70")).status == "yellow"


def test_shrinking_is_red_whatever_is_required():
    s = rules.status(growth=-0.031, required=0.01, reached=False)
    assert s.status == "red" and "下降 3.1%" in s.reason


def test_reached_target_is_green_and_missing_data_is_unknown():
    assert rules.status(growth=-0.5, required=None, reached=True).status == "green"
    assert rules.status(growth=None, required=0.1, reached=False).status == "unknown"


def test_missed_target_after_the_target_year_is_red_not_unknown():
    s = rules.status(growth=0.3, required=None, reached=False, past_target=True, progress=0.62)
    assert s.status == "red" and "62.0%" in str(s.reason)
    assert rules.status(growth=0.3, required=None, reached=True, past_target=True, progress=1.1).status == "green"
