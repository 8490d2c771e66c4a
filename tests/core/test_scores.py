import pytest

from autograder.core.scores import format_percent, format_points, format_score


@pytest.mark.parametrize("value, text", [(83.333333, "83.33"), (80.0, "80"), (-0.5, "-0.5"), (0.004, "0"),
                                         (-0.004, "0"), (float("nan"), ""), (None, ""), (7, "7"), (16.666667, "16.67")])
def test_format_score(value, text):
    assert format_score(value) == text


def test_signed_points_and_percent():
    assert format_score(0.5, sign=True) == "+0.5" and format_score(-1, sign=True) == "-1"
    assert format_score(0, sign=True) == "0"
    assert format_points(8.333333, 10.0) == "8.33 / 10"
    assert format_percent(12.5) == "12.5%" and format_percent(None) == ""
