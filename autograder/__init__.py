"""INT3121 autograder: grading engine, seminar support and grade reports."""
__version__ = "0.1.0"
