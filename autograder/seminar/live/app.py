"""The seminar-day web app (Starlette): pages rendered on the server by the shared jinja2 environment.

    GET  /                          projector: one QR code per presenting group
    GET  /vote/{group}              identify (student ID), then score 0-10 + comment; change until closed
    POST /vote/{group}/identify     csrf, student_id
    POST /vote/{group}              csrf, rater (must be the session's), score, comment
    POST /forget                    csrf: forget the ID on this phone ("not you?")
    GET  /rubric/{group}            TA code + name, then one level per criterion, caps, comment, live spread
    POST /rubric/login              csrf, code, name, next
    POST /rubric/{group}            csrf, rater (must be the session's), level_<criterion>, points_<criterion>,
                                    cap_<cap>, comment
    GET  /rubric/{group}/spread     JSON for the page's live spread (TA/lecturer session)
    GET  /lecturer                  lecturer code, then running results, close/reopen voting
    POST /lecturer/login            csrf, code
    POST /lecturer/{group}/close    csrf  (and /open)

Database calls run inline on the event loop: each is a short transaction on the gradebook (SQLite: well under a
millisecond), writes are serialised by `LiveDay` anyway, and a hop to a worker thread per call cost more than the
call itself in the load benchmark. Every POST needs a valid signed session cookie and its CSRF token (`security.py`); a body over `MAX_BODY`
bytes or not a urlencoded form is refused before it is parsed. A refused entry re-renders the page with the
reason and a 4xx status; nothing is stored. Responses carry a Content-Security-Policy without inline scripts,
so text typed by a voter is shown as text (autoescaping) and could not run even if it were markup.
"""
from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from autograder.core.errors import EntryRefused
from autograder.core.scores import format_score
from autograder.core.templates import render
from autograder.seminar.live.day import MAX_COMMENT, LiveDay, level_points
from autograder.seminar.live.qr import qr_svg
from autograder.seminar.live.security import COOKIE, Session, Signer, same_code

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"
MAX_BODY = 16 * 1024
HEADERS = {"Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' "
                                      "data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
           "X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin", "Cache-Control": "no-store"}


class LiveApp:
    """Routes over one `LiveDay`; `base_url` is what the QR codes point at."""

    def __init__(self, day: LiveDay, *, ta_code: str, lecturer_code: str, base_url: str,
                 signer: Signer | None = None):
        self.day, self.ta_code, self.lecturer_code = day, ta_code, lecturer_code
        self.base_url = base_url.rstrip("/")
        self.signer = signer or Signer()

    # -- plumbing ---------------------------------------------------------------------------------
    def session(self, request: Request) -> tuple[Session, bool]:
        """(session, is_new): the cookie's session, or a fresh one to set."""
        s = self.signer.load(request.cookies.get(COOKIE))
        return (s, False) if s is not None else (self.signer.new_session(), True)

    def respond(self, response: Response, session: Session | None = None) -> Response:
        response.headers.update(HEADERS)
        if session is not None:
            response.set_cookie(COOKIE, self.signer.dump(session), httponly=True, samesite="lax", path="/")
        return response

    def page(self, name: str, session: Session, *, status: int = 200, set_cookie: bool = False, **ctx) -> Response:
        html = render(TEMPLATES, name, day=self.day, csrf=self.signer.csrf_token(session), session=session,
                      max_comment=MAX_COMMENT, **ctx)
        return self.respond(HTMLResponse(html, status_code=status), session if set_cookie else None)

    def redirect(self, url: str, session: Session | None = None) -> Response:
        return self.respond(RedirectResponse(url, status_code=303), session)

    async def form(self, request: Request) -> tuple[Session, dict[str, str]]:
        """The posted form of a valid session with a valid CSRF token; EntryRefused otherwise."""
        if request.headers.get("content-type", "").split(";")[0].strip() != "application/x-www-form-urlencoded":
            raise EntryRefused("send the page's form", kind="bad_request", status=415)
        length = request.headers.get("content-length", "")
        if length.isdigit() and int(length) > MAX_BODY:
            raise EntryRefused(f"the form is larger than {MAX_BODY} bytes", kind="too_large", status=413)
        body = bytearray()
        async for chunk in request.stream():
            body += chunk
            if len(body) > MAX_BODY:
                raise EntryRefused(f"the form is larger than {MAX_BODY} bytes", kind="too_large", status=413)
        try:
            fields = parse_qs(body.decode("utf-8"), keep_blank_values=True, strict_parsing=False,
                              max_num_fields=64)
        except (UnicodeDecodeError, ValueError):
            raise EntryRefused("the form could not be read", kind="bad_request", status=400) from None
        session = self.signer.load(request.cookies.get(COOKIE))
        data = {k: v[0] for k, v in fields.items()}
        if session is None or not self.signer.csrf_ok(session, data.get("csrf")):
            raise EntryRefused("this page has expired; reload it and try again", kind="bad_session", status=403)
        return session, data

    async def refused(self, request: Request, exc: EntryRefused) -> Response:
        session, new = self.session(request)
        return self.page("message.html.j2", session, status=exc.status, set_cookie=new, title="Not saved",
                         message=exc.detail, back=request.url.path)

    # -- projector --------------------------------------------------------------------------------
    async def projector(self, request: Request) -> Response:
        session, new = self.session(request)
        states = self.day.states()
        cards = [(s, f"{self.base_url}/vote/{s.slug}", qr_svg(f"{self.base_url}/vote/{s.slug}")) for s in states]
        return self.page("projector.html.j2", session, set_cookie=new, cards=cards, base_url=self.base_url)

    # -- voting -----------------------------------------------------------------------------------
    async def vote_page(self, request: Request, *, session: Session | None = None, status: int = 200,
                        error: str = "", suggestion: str | None = None, typed: str = "",
                        stored_vote=None) -> Response:
        new = False                                        # a session passed in came from the request's cookie
        if session is None:
            session, new = self.session(request)
        group = self.day.group_of(request.path_params["group"])
        if self.day.audience is None:
            raise EntryRefused(f"rubric {self.day.rubric.name!r} has no audience vote", kind="no_audience",
                               status=404)
        if stored_vote is not None:                        # just stored (voting was open): nothing to read again
            closed, mine = False, stored_vote
        else:
            closed, mine = self.day.vote_view(group.name, session.sid)
        done = "" if stored_vote is None else "replaced" if stored_vote.replaced else "saved"
        return self.page("vote.html.j2", session, status=status, set_cookie=new,
                         group=group, slug=request.path_params["group"], closed=closed, mine=mine, error=error,
                         suggestion=suggestion, typed=typed, done=done,
                         voter_name=self.day.roster.students.get(session.sid, ""),
                         member=session.sid in group.members)

    async def identify(self, request: Request) -> Response:
        session, data = await self.form(request)
        slug = request.path_params["group"]
        self.day.group_of(slug)
        who = self.day.identify(data.get("student_id", ""))
        if who.student_id is None:
            return await self.vote_page(request, session=session, status=422, error=who.message,
                                        suggestion=who.suggestion, typed=data.get("student_id", "")[:64])
        return self.redirect(f"/vote/{slug}", session.with_(sid=who.student_id))

    async def vote(self, request: Request) -> Response:
        session, data = await self.form(request)
        slug = request.path_params["group"]
        if not session.sid or data.get("rater", "") != session.sid:
            raise EntryRefused("the vote is not from the student identified on this phone", kind="forged_rater",
                               status=403)
        try:
            mine = self.day.vote(group_slug=slug, rater=session.sid, score=data.get("score", ""),
                                 comment=data.get("comment", ""))
        except EntryRefused as e:
            if e.kind == "unknown_group":
                raise
            return await self.vote_page(request, session=session, status=e.status, error=e.detail)
        # the page itself, not a redirect: one request per vote instead of two (a resubmitted form stores the same
        # vote again, which changes nothing; live.js turns the history entry into a GET)
        return await self.vote_page(request, session=session, stored_vote=mine)

    async def forget(self, request: Request) -> Response:
        session, data = await self.form(request)
        nxt = data.get("next", "")
        return self.redirect(nxt if re.fullmatch(r"/vote/[a-z0-9_]+", nxt) else "/", session.with_(sid=""))

    # -- rubric -----------------------------------------------------------------------------------
    async def rubric_page(self, request: Request, *, status: int = 200, error: str = "") -> Response:
        session, new = self.session(request)
        slug = request.path_params["group"]
        group = self.day.group_of(slug)
        if session.role not in ("ta", "lecturer"):
            return self.page("code.html.j2", session, status=401 if status == 200 else status, set_cookie=new,
                             action="/rubric/login", next=f"/rubric/{slug}", ask_name=True, error=error,
                             title=f"Rubric: {group.name}")
        state = self.day.state(slug)
        mine = self.day.rating_of(group.name, session.name)
        return self.page("rubric.html.j2", session, status=status, set_cookie=new, group=group, slug=slug,
                         state=state, mine=mine, error=error, level_points=level_points,
                         saved=request.query_params.get("saved", ""))

    async def rubric_login(self, request: Request) -> Response:
        session, data = await self.form(request)
        nxt = data.get("next", "")
        nxt = nxt if re.fullmatch(r"/rubric/[a-z0-9_]+", nxt) else "/"
        name = " ".join(data.get("name", "").split())[:64]
        if same_code(data.get("code", ""), self.lecturer_code):
            role = "lecturer"
        elif same_code(data.get("code", ""), self.ta_code):
            role = "ta"
        else:
            return self.page("code.html.j2", session, status=403, action="/rubric/login", next=nxt, ask_name=True,
                             error="wrong code", title="Rubric")
        if not name:
            return self.page("code.html.j2", session, status=422, action="/rubric/login", next=nxt, ask_name=True,
                             error="type your name as it should appear in the report", title="Rubric")
        return self.redirect(nxt, session.with_(role=role, name=name))

    async def rate(self, request: Request) -> Response:
        session, data = await self.form(request)
        slug = request.path_params["group"]
        if session.role not in ("ta", "lecturer") or data.get("rater", "") != session.name:
            raise EntryRefused("the scores are not from the rater signed in on this page", kind="forged_rater",
                               status=403)
        levels = {k[6:]: v for k, v in data.items() if k.startswith("level_") and v}
        points = {k[7:]: v for k, v in data.items() if k.startswith("points_") and v.strip()}
        caps = {k[4:] for k, v in data.items() if k.startswith("cap_") and v}
        try:
            self.day.rate(group_slug=slug, rater=session.name, levels=levels, points=points, caps=caps,
                          comment=data.get("comment", ""))
        except EntryRefused as e:
            if e.kind == "unknown_group":
                raise
            return await self.rubric_page(request, status=e.status, error=e.detail)
        return self.redirect(f"/rubric/{slug}?saved=1")

    async def spread(self, request: Request) -> Response:
        session, _ = self.session(request)
        if session.role not in ("ta", "lecturer"):
            return self.respond(JSONResponse({"error": "sign in with the TA code"}, status_code=401))
        state = self.day.state(request.path_params["group"])
        return self.respond(JSONResponse(spread_json(state, limit=self.day.rubric.rules.disagreement_spread)))

    # -- lecturer ---------------------------------------------------------------------------------
    async def lecturer_page(self, request: Request) -> Response:
        session, new = self.session(request)
        if session.role != "lecturer":
            return self.page("code.html.j2", session, status=401, set_cookie=new, action="/lecturer/login",
                             next="/lecturer", ask_name=False, error="", title="Lecturer")
        states = self.day.states()
        return self.page("lecturer.html.j2", session, set_cookie=new, states=states)

    async def lecturer_login(self, request: Request) -> Response:
        session, data = await self.form(request)
        if not same_code(data.get("code", ""), self.lecturer_code):
            return self.page("code.html.j2", session, status=403, action="/lecturer/login", next="/lecturer",
                             ask_name=False, error="wrong code", title="Lecturer")
        return self.redirect("/lecturer", session.with_(role="lecturer", name=session.name or "Lecturer"))

    async def close(self, request: Request) -> Response:
        session, _ = await self.form(request)
        if session.role != "lecturer":
            raise EntryRefused("only the lecturer closes voting", kind="not_lecturer", status=403)
        closed = request.path_params["action"] == "close"
        self.day.set_closed(request.path_params["group"], closed=closed, by=session.name)
        return self.redirect("/lecturer")

    def starlette(self) -> Starlette:
        routes = [
            Route("/", self.projector),
            Route("/vote/{group}", self.vote_page, methods=["GET"]),
            Route("/vote/{group}", self.vote, methods=["POST"]),
            Route("/vote/{group}/identify", self.identify, methods=["POST"]),
            Route("/forget", self.forget, methods=["POST"]),
            Route("/rubric/login", self.rubric_login, methods=["POST"]),
            Route("/rubric/{group}", self.rubric_page, methods=["GET"]),
            Route("/rubric/{group}", self.rate, methods=["POST"]),
            Route("/rubric/{group}/spread", self.spread, methods=["GET"]),
            Route("/lecturer", self.lecturer_page, methods=["GET"]),
            Route("/lecturer/login", self.lecturer_login, methods=["POST"]),
            Route("/lecturer/{group}/{action:str}", self.close, methods=["POST"]),
            Mount("/static", StaticFiles(directory=STATIC), name="static"),
        ]
        return Starlette(routes=routes, exception_handlers={EntryRefused: self.refused})


def spread_json(state, *, limit: float) -> dict:
    """What the rubric page's live panel shows: every rater's points per criterion, mean, spread, flag."""
    crits = []
    for c in state.result.criteria:
        shown = {} if c.criterion.source == "audience" else c.scores      # voters' IDs stay private
        crits.append({"id": c.criterion.id, "title": c.criterion.title, "source": c.criterion.source,
                      "scores": {r: format_score(p) for r, p in sorted(shown.items())},
                      "n": c.n_raters, "mean": format_score(c.mean), "spread": format_score(c.spread),
                      "level": c.level.name if c.level else "", "flagged": c.flagged})
    return {"group": state.group.name, "limit": format_score(limit),
            "criteria": crits, "raters": list(state.result.raters), "total": format_score(state.result.total),
            "flagged": state.result.flagged, "closed": state.closed}


def create_app(day: LiveDay, *, ta_code: str, lecturer_code: str, base_url: str,
               signer: Signer | None = None) -> Starlette:
    return LiveApp(day, ta_code=ta_code, lecturer_code=lecturer_code, base_url=base_url,
                   signer=signer).starlette()
