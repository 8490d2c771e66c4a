"""`autograder seminar serve`: build the day's app over the gradebook and run it on the classroom network."""
from __future__ import annotations

import socket
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from autograder.core.errors import InputError
from autograder.core.roster import read_roster
from autograder.seminar.live.app import create_app
from autograder.seminar.live.day import LiveDay
from autograder.seminar.live.security import new_code
from autograder.seminar.rubric import load_rubric
from autograder.seminar.store import load_rubric_of, open_db


@dataclass(frozen=True)
class ServeInfo:
    base_url: str
    ta_code: str
    lecturer_code: str
    groups: tuple[str, ...]


def lan_address() -> str:
    """The address other machines on the network reach this one at (no packet is sent: a UDP connect only
    picks the outgoing interface); 127.0.0.1 when there is no network."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("10.255.255.255", 1))
            return s.getsockname()[0]
        except OSError:
            return "127.0.0.1"


def sqlite_for_live(engine: sa.Engine) -> None:
    """SQLite: wait for a lock instead of failing, and commit without a full fsync per vote (WAL journal,
    synchronous=NORMAL: a crash of the laptop may lose the last votes, never corrupt the file)."""
    if engine.dialect.name != "sqlite":
        return

    @sa.event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn, _record):                     # noqa: ARG001 - SQLAlchemy's signature
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA busy_timeout = 10000")
        cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA synchronous = NORMAL")
        cur.close()


def listening_socket(host: str, port: int) -> socket.socket:
    """A bound socket for the server, or InputError saying why not (the port taken, an address not ours)."""
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as e:
        sock.close()
        raise InputError(f"cannot listen on {host}:{port}: {e.strerror}",
                         hint="another program uses the port? pick another --port, e.g. --port 8080") from None
    return sock


@contextmanager
def live_day(*, db_url: str, assessment: str, day: str, roster: Path | str, rubric: Path | str | None = None,
             groups: tuple[str, ...] = ()):
    """A `LiveDay` over the gradebook (the rubric from `rubric` if given, else the one stored)."""
    ros = read_roster(roster)
    with open_db(db_url) as engine:
        sqlite_for_live(engine)
        engine.dispose()                                   # reconnect with the pragmas
        if rubric is not None:
            rub = load_rubric(rubric)
            if rub.assessment != assessment:
                raise InputError(f"the rubric is for {rub.assessment!r}, not {assessment!r}", file=str(rubric))
        else:
            with engine.connect() as conn:
                rub = load_rubric_of(conn, assessment=assessment)
            if rub is None:
                raise InputError(f"no rubric is stored for {assessment!r}", hint="pass --rubric rubrics/FILE.yaml")
        yield LiveDay(engine=engine, rubric=rub, roster=ros, day=day, group_names=groups)


def serve(*, db_url: str, assessment: str, day: str, roster: Path | str, rubric: Path | str | None = None,
          groups: tuple[str, ...] = (), host: str = "0.0.0.0", port: int = 8000, ta_code: str | None = None,
          lecturer_code: str | None = None, public_url: str | None = None, echo=print) -> None:
    """Run the app until Ctrl+C. Prints the address, the codes and the groups."""
    import uvicorn
    with live_day(db_url=db_url, assessment=assessment, day=day, roster=roster, rubric=rubric,
                  groups=groups) as live, listening_socket(host, port) as sock:
        base = public_url or f"http://{lan_address() if host in ('0.0.0.0', '') else host}:{port}"
        info = ServeInfo(base_url=base, ta_code=ta_code or new_code(), lecturer_code=lecturer_code or new_code(8),
                         groups=tuple(live.groups))
        app = create_app(live, ta_code=info.ta_code, lecturer_code=info.lecturer_code, base_url=base)
        echo(f"seminar day {day} ({assessment}): {len(info.groups)} group(s): {', '.join(info.groups)}")
        echo(f"  projector (QR codes):  {base}/")
        echo(f"  lecturer (results, close voting): {base}/lecturer   code: {info.lecturer_code}")
        echo(f"  TA rubric pages: {base}/rubric/<group> (links on the lecturer page)   TA code: {info.ta_code}")
        echo("  Ctrl+C stops the server; votes and scores are already in the gradebook.")
        uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False, backlog=512)).run(sockets=[sock])


@contextmanager
def background_server(app, *, host: str = "127.0.0.1", port: int = 0):
    """Run `app` under uvicorn in a thread (tests, the load benchmark); yields its base URL, stops on exit."""
    import uvicorn
    sock = listening_socket(host, port)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off",
                                           backlog=512, timeout_keep_alive=30))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the seminar app did not start")
        time.sleep(0.02)
    try:
        yield f"http://{host}:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
