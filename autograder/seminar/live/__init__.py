"""The seminar day, live (issue 14): audience votes and TA rubric scoring in the browser, served from the
lecturer's laptop (`autograder seminar serve`). Votes and scores go to the same seminar tables as the imports
(`seminar_audience`, `seminar_ratings`/`seminar_scores`), so reports read them unchanged.

Modules: day (the rules, no HTTP), storage (live-day reads/writes), security (signed session cookie, CSRF,
codes), qr (offline SVG), app (Starlette routes over jinja2 templates), server (build it, print the addresses,
run uvicorn). Imports only `autograder.core` and `autograder.seminar`.
"""
