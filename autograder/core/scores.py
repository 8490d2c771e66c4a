"""The one way a score (or any number shown next to one) is written for people.

Feedback pages, grade reports, seminar pages, the summary table and every CSV export use these, so the same
score reads the same everywhere, to the digit: at most 2 decimals, no trailing zeros, "-0" shown as "0",
nothing (empty text) for a missing value (None or NaN).

    format_score(83.33333) -> "83.33"      format_score(7.5) -> "7.5"      format_score(-1.5) -> "-1.5"
    format_score(0.5, sign=True) -> "+0.5" (adjustments)
    format_points(8.333333, 10) -> "8.33 / 10"
    format_percent(12.5) -> "12.5%"

`core/templates.py` registers `format_score` as the jinja2 filter `score` (`{{ x|score }}`,
`{{ x|score(sign=True) }}`); `core/csvfile.py` writes numeric cells with it.
"""
from __future__ import annotations

import math

DECIMALS = 2


def format_score(value, *, sign: bool = False) -> str:
    if value is None:
        return ""
    x = float(value)
    if math.isnan(x):
        return ""
    if math.isinf(x):
        return ("+" if sign and x > 0 else "") + ("inf" if x > 0 else "-inf")
    text = f"{x:.{DECIMALS}f}".rstrip("0").rstrip(".")
    if text in ("-0", ""):
        text = "0"
    return "+" + text if sign and not text.startswith("-") and text != "0" else text


def format_points(got, total) -> str:
    """'got / total' as the feedback page and reports show it."""
    return f"{format_score(got)} / {format_score(total)}"


def format_percent(value) -> str:
    text = format_score(value)
    return text + "%" if text else ""
