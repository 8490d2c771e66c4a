"""The one rule for student IDs: what one looks like, how it is cleaned, and when it may name a file.

A student ID is a string (never a number: leading zeros matter). Spreadsheets damage IDs typed into them;
`clean_id` undoes that ("1.6022417E7", "16022417.0", "'016022417" -> "16022417"/"016022417") and restores
leading zeros to the roster's usual width (`id_width`: a roster of 9-digit IDs where one lost its zero).

    looks_like_id(text)   an ID rather than a name, a title or a footer line: no spaces, at least one digit
    is_safe_id(text)      usable as a folder/file name (submitted/ID/, students/ID.html): letters, digits,
                          `.` `_` `-`, starting with a letter or digit, at most 64 characters, no `..`
    split_ids(cell)       the IDs written in one form cell ("16022401 - Nguyễn Văn An; 16022402")

Every reader of IDs (roster, collect, feedback, reports, seminar registration and audience) uses these.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from decimal import Decimal, InvalidOperation

SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
SAFE_ID_TEXT = "letters, digits, . _ -; at most 64 characters"


def is_safe_id(text) -> bool:
    """True when `text` may name a student's folder or page (see module docstring)."""
    return isinstance(text, str) and bool(SAFE_ID.match(text)) and ".." not in text


def looks_like_id(text: str) -> bool:
    """A cleaned cell that holds an ID, not a name, title or footer ("Tổng số: 4 sinh viên", "Hà Nội")."""
    return bool(text) and not any(ch.isspace() for ch in text) and any(ch.isdigit() for ch in text)


_NUMERIC_ID = re.compile(r"^[+]?\d+(\.\d*)?([eE][+]?\d+)?$")


def clean_id(raw: str, *, width: int | None = None) -> str:
    """A student ID as a string: spreadsheet number forms undone, leading zeros restored to `width`.

    >>> clean_id("1.6022417E7"), clean_id("16022417.0"), clean_id("'016022417"), clean_id("16022417", width=9)
    ('16022417', '16022417', '016022417', '016022417')
    """
    text = unicodedata.normalize("NFKC", str(raw)).strip().strip('"').lstrip("'").strip()
    compact = text.replace("\u00a0", "").replace(" ", "")
    if not _NUMERIC_ID.match(compact):          # not a number: a name or e-mail given instead, kept readable
        return " ".join(text.split())
    text = compact
    if not text.isdigit():
        try:
            value = Decimal(text)
        except InvalidOperation:
            return text
        if value == value.to_integral_value():
            text = str(int(value))
    if width and text.isdigit() and len(text) < width:
        text = text.zfill(width)
    return text


def id_width(ids) -> int | None:
    """The usual length of the all-digit IDs in a roster (None when there are none)."""
    lengths = Counter(len(i) for i in ids if i.isdigit())
    return max(lengths, key=lambda n: (lengths[n], n)) if lengths else None


_ENTRY_SEPARATORS = re.compile(r"[,;/|\n\r\t]+")
_ID_LIKE = re.compile(r"^'?[0-9][0-9.]*(?:[eE][+-]?[0-9]+)?$")
_WORD_PUNCTUATION = "()[]{}<>\"\u201c\u201d:\u2013\u2014-."


def split_ids(cell: str) -> list[str]:
    """Member entries of one cell, in order.

    Entries are separated by commas, semicolons, slashes, bars or new lines; several IDs in one entry may be
    separated by spaces. Within an entry the ID-like words are the IDs (digits, spreadsheet number forms, the
    digits before the @ of an e-mail address) and the rest, a name written beside the ID ('16022401 - Nguyễn
    Văn An', 'An (16022401)'), is dropped. An entry without any ID (a name, a non-numeric e-mail, a mistyped
    ID such as '1602240l') is returned whole, for the caller to report.
    """
    out = []
    for entry in _ENTRY_SEPARATORS.split(cell or ""):
        text = " ".join(unicodedata.normalize("NFKC", entry).split())
        ids = []
        for word in text.split():
            word = word.strip(_WORD_PUNCTUATION) if not _ID_LIKE.match(word) else word
            local = word.split("@", 1)[0] if "@" in word else None
            if local is not None and local.isdigit():
                ids.append(local)
            elif local is None and _ID_LIKE.match(word.rstrip(".")):
                ids.append(word.rstrip("."))
        if ids:
            out += ids
        elif text.strip(_WORD_PUNCTUATION + " "):
            out.append(text)
    return out
