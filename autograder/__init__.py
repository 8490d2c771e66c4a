"""INT3121 autograder: grading engine, seminar support and grade reports."""
import sys as _sys

__version__ = "0.1.0"

# nbformat imports jsonschema, whose optional RFC 3987 format checker (`rfc3987_syntax`, installed by the
# Jupyter server stack) builds a parser grammar at import time: about 2 s in every process that reads a
# notebook, i.e. every CLI call and every grading worker. Notebook schemas never use that format; without the
# module jsonschema simply does not check it. Only done when nothing has imported it yet.
_sys.modules.setdefault("rfc3987_syntax", None)
