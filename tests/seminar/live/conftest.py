"""Fixtures for the live seminar day: groups stored (no votes, no sheets), a LiveDay for 2019-10-23 (CNN Tricks,
Bag of Tricks), the app behind Starlette's TestClient, and helpers that act like a phone's browser."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import httpx
import pytest

from autograder.core.roster import read_roster
from autograder.seminar.live.app import create_app
from autograder.seminar.live.day import LiveDay
from autograder.seminar.live.security import Signer
from autograder.seminar.live.server import background_server
from autograder.seminar.registration import import_groups
from autograder.seminar.rubric import load_rubric
from autograder.seminar.store import open_db

SEMINAR_FILES = Path(__file__).resolve().parents[1] / "files"
FILES = Path(__file__).parent / "files"
RUBRICS = Path(__file__).resolve().parents[3] / "rubrics"
TA_CODE, LECTURER_CODE = "ta-code-1", "lect-code-2"
DAY = "2019-10-23"


@pytest.fixture
def db_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'gradebook.db'}"


@pytest.fixture
def midterm():
    return load_rubric(RUBRICS / "midterm_seminar.yaml")


@pytest.fixture(scope="session")
def groups_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("live-template") / "gradebook.db"
    import_groups(f"sqlite:///{path}", registration=SEMINAR_FILES / "registration_clean.csv",
                  roster=SEMINAR_FILES / "roster.csv", assessment="midterm")
    return path


@pytest.fixture
def groups_db(db_url, groups_template):
    """A gradebook with the four groups stored (a copy of one made once per session)."""
    shutil.copyfile(groups_template, db_url.removeprefix("sqlite:///"))
    return db_url


@pytest.fixture
def live(groups_db, midterm):
    with open_db(groups_db) as engine:
        yield LiveDay(engine=engine, rubric=midterm, roster=read_roster(SEMINAR_FILES / "roster.csv"), day=DAY)


@pytest.fixture
def app(live):
    return create_app(live, ta_code=TA_CODE, lecturer_code=LECTURER_CODE, base_url="http://10.0.0.5:8000",
                      signer=Signer(b"k" * 32))


@pytest.fixture
def server(app):
    """The app under uvicorn on a loopback port (the real HTTP stack); yields its base URL."""
    with background_server(app) as url:
        yield url


@pytest.fixture
def client(server):
    with new_client(server) as c:
        yield c


def new_client(server: str) -> httpx.Client:
    """A browser without JavaScript: keeps its cookies, follows redirects."""
    return httpx.Client(base_url=server, follow_redirects=True, timeout=30, verify=False)  # plain http


def csrf(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def identify(client, slug: str, sid: str):
    page = client.get(f"/vote/{slug}")
    return client.post(f"/vote/{slug}/identify", data={"csrf": csrf(page.text), "student_id": sid})


def vote(client, slug: str, sid: str, score, comment: str = "", *, rater: str | None = None):
    page = client.get(f"/vote/{slug}")
    return client.post(f"/vote/{slug}", data={"csrf": csrf(page.text), "rater": sid if rater is None else rater,
                                              "score": str(score), "comment": comment})


def ta_login(client, slug: str, name: str, code: str = TA_CODE):
    page = client.get(f"/rubric/{slug}")
    return client.post("/rubric/login", data={"csrf": csrf(page.text), "code": code, "name": name,
                                              "next": f"/rubric/{slug}"})


def rate(client, slug: str, name: str, levels: dict, points: dict | None = None, caps=(), comment: str = ""):
    page = client.get(f"/rubric/{slug}")
    data = {"csrf": csrf(page.text), "rater": name, "comment": comment}
    data.update({f"level_{k}": v for k, v in levels.items()})
    data.update({f"points_{k}": str(v) for k, v in (points or {}).items()})
    data.update({f"cap_{c}": "1" for c in caps})
    return client.post(f"/rubric/{slug}", data=data)


def lecturer_login(client):
    page = client.get("/lecturer")
    return client.post("/lecturer/login", data={"csrf": csrf(page.text), "code": LECTURER_CODE})
