"""The staff console is closed: sign-in with Argon2 and a slow-down, roles, CSRF on every form, sessions that end,
and nothing private in a log line, page or address."""

import logging
import time

import pytest
from sqlalchemy import func, select, text

from assistant import create_app
from assistant.models import AuditEntry, Kiosk, StaffAccount
from tests.support.app import ADMIN, ANCHOR, DEMO_NUMBERS, STAFF, add_staff, run_cli, seeded_app, signed_in

SAMPLE = {"resident_id": 1, "request_id": 1, "job_id": 1, "name": "demo-metro", "slug": "metro", "username": "desk"}
OPEN = {"staff.login", "staff.sign_in"}


def staff_rules(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("staff.") and rule.endpoint not in OPEN:
            path = rule.build({k: v for k, v in SAMPLE.items() if k in rule.arguments})[1]
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                yield rule.endpoint, method, path


def db(app):
    return app.extensions["assistant"]["db"]


def test_no_staff_page_or_data_without_signing_in(staff_app):
    client = staff_app.test_client()
    walked = set()
    for endpoint, method, path in staff_rules(staff_app):
        answer = client.open(path, method=method, data={"number": DEMO_NUMBERS[0], "name": "x"})
        body = answer.get_data(as_text=True)
        assert answer.status_code in (303, 401), f"{method} {path} answered {answer.status_code}"
        if answer.status_code == 303:
            assert answer.headers["Location"].startswith("/staff/login"), path
        assert "王" not in body and "Brown" not in body
        walked.add(endpoint)
    assert {
        "staff.help",
        "staff.help_events",
        "staff.find_resident",
        "staff.export_checks",
        "staff.audit_log",
    } <= walked
    with db(staff_app).session() as s:
        assert s.scalar(select(func.count()).select_from(AuditEntry)) == 0


def test_signing_in_and_out(staff_app):
    client = staff_app.test_client()
    assert client.get("/staff/help").headers["Location"] == "/staff/login?next=/staff/help"
    page = client.get("/staff/login?lang=en").get_data(as_text=True)
    assert 'autocomplete="current-password"' in page
    signed = client.post("/staff/login?next=/staff/checks", data={"username": "DESK", "password": STAFF[1]})
    assert signed.status_code == 303 and signed.headers["Location"] == "/staff/checks"
    assert client.get("/staff/checks").status_code == 200
    cookie = next(c for c in client._cookies.values() if c.key == "session")
    assert cookie.http_only and cookie.same_site == "Lax"
    assert client.post("/staff/logout").status_code == 303
    assert client.get("/staff/help").status_code == 303
    with db(staff_app).session() as s:
        assert s.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all() == ["login", "logout"]


def test_a_wrong_password_says_what_to_do_and_never_which_half_was_wrong(staff_app):
    client = staff_app.test_client()
    wrong = client.post("/staff/login?lang=en", data={"username": "desk", "password": "not it at all"})
    nobody = client.post("/staff/login?lang=en", data={"username": "nobody", "password": "not it at all"})
    for answer in (wrong, nobody):
        page = answer.get_data(as_text=True)
        assert answer.status_code == 400 and "The username or password is not right" in page
        assert '<a href="#username">' in page and "<title>Error:" in page
    empty = client.post("/staff/login?lang=en", data={"username": "", "password": ""}).get_data(as_text=True)
    assert "Enter your username" in empty and "Enter your password" in empty


def test_repeated_failures_slow_down_per_account(staff_app):
    client = staff_app.test_client()
    for _ in range(5):
        assert client.post("/staff/login", data={"username": "desk", "password": "wrong guess"}).status_code == 400
    stopped = client.post("/staff/login?lang=en", data={"username": "desk", "password": STAFF[1]})
    assert stopped.status_code == 429 and "Wait 15 minutes" in stopped.get_data(as_text=True)
    # Another account from the same address is not locked by these five.
    assert client.post("/staff/login", data={"username": "boss", "password": ADMIN[1]}).status_code == 303


def test_repeated_failures_slow_down_per_address(staff_app):
    client = staff_app.test_client()
    for n in range(20):
        client.post("/staff/login", data={"username": f"guess{n}", "password": "wrong guess"})
    stopped = client.post("/staff/login", data={"username": "boss", "password": ADMIN[1]})
    assert stopped.status_code == 429
    elsewhere = staff_app.test_client().post(
        "/staff/login", data={"username": "boss", "password": ADMIN[1]}, environ_base={"REMOTE_ADDR": "10.0.0.9"}
    )
    assert elsewhere.status_code == 303


def test_a_session_ends_after_inactivity(staff_app):
    client = signed_in(staff_app)
    with client.session_transaction() as kept:
        kept["staff_seen"] = int(time.time()) - 31 * 60
    ended = client.get("/staff/residents")
    assert ended.status_code == 303 and ended.headers["Location"] == "/staff/login?ended=1"
    assert "signed out because nothing was done" in client.get("/staff/login?ended=1&lang=en").get_data(as_text=True)
    assert client.get("/staff/residents").status_code == 303


def test_a_disabled_account_is_signed_out_at_its_next_page(staff_app):
    client = signed_in(staff_app)
    admin = signed_in(staff_app, ADMIN)
    assert admin.post("/staff/accounts/desk/disable").status_code == 303
    assert client.get("/staff/help").status_code == 303
    assert (
        staff_app.test_client().post("/staff/login", data={"username": "desk", "password": STAFF[1]}).status_code == 400
    )


def _copy(client, app):
    """A second browser holding a copy of this client's session cookie (as a thief or a shared computer would)."""
    cookie = next(c for c in client._cookies.values() if c.key == "session")
    other = app.test_client()
    other.set_cookie("session", cookie.value)
    return other


SIGNED_OUT = "event: signed-out\ndata: /staff/login?ended=session\n\n"


def test_signing_out_ends_the_session_on_the_server_so_a_copied_cookie_opens_nothing(staff_app):
    client = signed_in(staff_app)
    thief = _copy(client, staff_app)
    assert thief.get("/staff/help").status_code == 200  # the copy works while the session lasts
    assert client.post("/staff/logout").status_code == 303
    assert thief.get("/staff/help/events").get_data(as_text=True) == SIGNED_OUT
    ended = thief.get("/staff/help")
    assert ended.headers["Location"] == "/staff/login?next=/staff/help"  # told once; then as anyone else
    assert "Your session has ended" in staff_app.test_client().get("/staff/login?ended=session&lang=en").get_data(
        as_text=True
    )
    # Signing in again makes a new session; the old cookie still opens nothing.
    again = signed_in(staff_app)
    assert again.get("/staff/help").status_code == 200 and thief.get("/staff/help").status_code == 303


def test_disabling_an_account_ends_its_open_help_stream_at_once(staff_app):
    desk = signed_in(staff_app)
    assert "event: queue" in desk.get("/staff/help/events").get_data(as_text=True)
    assert signed_in(staff_app, ADMIN).post("/staff/accounts/desk/disable").status_code == 303
    assert desk.get("/staff/help/events").get_data(as_text=True) == SIGNED_OUT  # no more queue events
    staff_app.test_client().post("/kiosk/metro/help", data={"screen": "kiosk.card"})
    assert desk.get("/staff/help/events").status_code == 401  # and none after


def test_an_admin_signs_a_member_of_staff_out_everywhere(staff_app):
    laptop, desk = signed_in(staff_app), signed_in(staff_app)
    admin = signed_in(staff_app, ADMIN)
    assert "Sign desk out everywhere" in admin.get("/staff/accounts?lang=en").get_data(as_text=True)
    assert admin.post("/staff/accounts/desk/sessions/end").status_code == 303
    for ended in (laptop, desk):
        assert ended.get("/staff/help").headers["Location"] == "/staff/login?next=/staff/help&ended=session"
    assert admin.get("/staff/help").status_code == 200  # the admin's own session goes on
    assert admin.post("/staff/accounts/nobody/sessions/end").status_code == 404
    assert signed_in(staff_app).get("/staff/help").status_code == 200  # and desk may sign in again
    with db(staff_app).session() as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "staff_sessions_end")).one()
    assert (entry.actor, entry.detail) == ("boss", "desk: 2")
    assert signed_in(staff_app).post("/staff/accounts/boss/sessions/end").status_code == 403  # admins only


def test_the_session_cookie_names_a_session_not_an_account(staff_app):
    """The cookie carries a random key for the session; the server keeps only its hash."""
    from assistant.models import StaffSession

    client = signed_in(staff_app)
    with client.session_transaction() as kept:
        token = kept["_user_id"]
    row_id, key = token.split(".")
    with db(staff_app).session() as s:
        row = s.get(StaffSession, int(row_id))
        assert row.ended_at is None and key not in row.key_hash and len(key) >= 32
    with client.session_transaction() as kept:
        kept["_user_id"] = f"{row_id}.{'x' * len(key)}"  # a forged key for a real session
    assert client.get("/staff/help").status_code == 303


@pytest.mark.parametrize("path", ["/staff/venues", "/staff/venues/metro", "/staff/accounts", "/staff/audit"])
def test_staff_cannot_open_admin_pages(staff_app, path):
    assert signed_in(staff_app).get(path).status_code == 403
    assert signed_in(staff_app, ADMIN).get(path).status_code == 200


def test_staff_cannot_do_admin_things(staff_app):
    client = signed_in(staff_app)
    assert client.post("/staff/kiosks", data={"name": "sneaky", "venue": "metro"}).status_code == 403
    assert client.post("/staff/kiosks/demo-metro/revoke").status_code == 403
    assert (
        client.post(
            "/staff/accounts", data={"username": "x2", "password": "long enough pw", "role": "admin"}
        ).status_code
        == 403
    )
    assert client.post("/staff/accounts/boss/disable").status_code == 403
    assert client.post("/staff/venues/metro", data={"allowed": "red"}).status_code == 403
    with db(staff_app).session() as s:
        assert s.scalar(select(Kiosk.revoked_at).where(Kiosk.name == "demo-metro")) is None
        assert s.scalar(select(func.count()).select_from(Kiosk).where(Kiosk.name == "sneaky")) == 0
        assert s.scalar(select(func.count()).select_from(StaffAccount)) == 2
    # The kiosk list itself is for every member of staff, without its admin buttons.
    page = client.get("/staff/kiosks?lang=en").get_data(as_text=True)
    assert "demo-metro" in page and "Register a kiosk" not in page


@pytest.fixture
def csrf_app(tmp_path):
    app = seeded_app({"INSTANCE_PATH": tmp_path / "csrf"})  # CSRF on, as in production
    add_staff(app)
    return app


def _token(client, path="/staff/login") -> str:
    return client.get(path).get_data(as_text=True).split('name="csrf_token" value="')[1].split('"')[0]


def test_every_staff_form_refuses_a_missing_or_wrong_csrf_token(csrf_app):
    client = csrf_app.test_client()
    assert client.post("/staff/login", data={"username": "boss", "password": ADMIN[1]}).status_code == 400
    signed = client.post("/staff/login", data={"username": "boss", "password": ADMIN[1], "csrf_token": _token(client)})
    assert signed.status_code == 303
    posts = [(endpoint, path) for endpoint, method, path in staff_rules(csrf_app) if method == "POST"]
    assert len(posts) >= 12
    for endpoint, path in posts:
        for token in (None, "forged"):
            data = {"csrf_token": token} if token else {}
            answer = client.post(path, data={**data, "name": "forged-kiosk", "venue": "metro", "confirm": "yes"})
            assert answer.status_code == 400, f"{endpoint} took a form with csrf_token={token!r}"
    with db(csrf_app).session() as s:
        assert s.scalar(select(func.count()).select_from(Kiosk).where(Kiosk.name == "forged-kiosk")) == 0
    assert client.get("/staff/residents/1").status_code == 200  # nothing was deleted, and still signed in


def test_the_audit_log_cannot_be_changed_or_emptied(staff_app):
    signed_in(staff_app)
    with pytest.raises(Exception, match="append-only"):
        with db(staff_app).session() as s:
            s.execute(text("UPDATE audit_entry SET actor = 'someone else'"))
    with pytest.raises(Exception, match="append-only"):
        with db(staff_app).session() as s:
            s.execute(text("DELETE FROM audit_entry"))
    with db(staff_app).session() as s:
        assert s.scalars(select(AuditEntry.actor)).all() == ["desk"]


def test_no_password_token_or_full_number_in_any_log_page_or_address(staff_app, caplog):
    caplog.set_level(logging.DEBUG)
    seen = []
    client = staff_app.test_client()

    def keep(answer):
        seen.append(answer.get_data(as_text=True))
        seen.append(answer.headers.get("Location", ""))
        return answer

    keep(client.post("/staff/login", data={"username": "boss", "password": ADMIN[1]}))
    keep(client.post("/staff/residents", data={"number": DEMO_NUMBERS[0]}))
    new_number = "11010519491231002X"
    keep(client.post("/staff/residents/new", data={"id_number": new_number, "name": "", "vaccine_doses": "x"}))
    keep(client.post("/staff/residents/new", data={"id_number": new_number, "name": "钱桂兰", "vaccine_doses": "2"}))
    made = keep(client.post("/staff/kiosks", data={"name": "desk-test", "venue": "metro"}))
    token = made.get_data(as_text=True).split('<p class="token"><code>')[1].split("<")[0]
    for path in (
        "/staff/residents/1",
        "/staff/checks",
        "/staff/checks.csv",
        "/staff/audit",
        "/staff/help",
        "/staff/kiosks",
    ):
        keep(client.get(path))
    with db(staff_app).session() as s:
        audit_text = " ".join(f"{a.actor} {a.action} {a.masked_id} {a.detail}" for a in s.scalars(select(AuditEntry)))
    assert token.startswith("hck_")
    logged = "\n".join(r.getMessage() for r in caplog.records)
    everything = "\n".join(seen)
    for secret in (ADMIN[1], DEMO_NUMBERS[0], new_number):
        assert secret not in everything and secret not in logged and secret not in audit_text
    # The device token is on the one page that registers the kiosk, and nowhere else.
    assert sum(token in shown for shown in seen) == 1
    assert token not in logged and token not in audit_text


def test_staff_accounts_from_the_command_line(cli_env):
    added = run_cli(
        ["staff", "add", "clerk", "--role", "staff", "--password-stdin"], cli_env, stdin="a long password\n"
    )
    assert added.returncode == 0, added.stderr
    short = run_cli(["staff", "add", "clerk2", "--role", "staff", "--password-stdin"], cli_env, stdin="short\n")
    assert short.returncode != 0 and "at least 10 characters" in short.stderr
    assert "clerk\tstaff\tactive" in run_cli(["staff", "list"], cli_env).stdout
    assert run_cli(["staff", "disable", "clerk"], cli_env).returncode == 0
    assert "clerk\tstaff\tdisabled" in run_cli(["staff", "list"], cli_env).stdout
    app = create_app({"INSTANCE_PATH": cli_env["ASSISTANT_INSTANCE"], "VALIDATION_AT": ANCHOR.isoformat()})
    with db(app).session() as s:
        stored = s.scalar(select(StaffAccount.password_hash).where(StaffAccount.username == "clerk"))
    assert stored.startswith("$argon2id$") and "a long password" not in stored
    logins = run_cli(["staff", "demo-logins"], cli_env).stdout
    assert "Staff console demo login: staff / " in logins and "Staff console demo login: admin / " in logins


@pytest.mark.parametrize(
    "password", ["1234567890", "password123", "qwertyuiop", "1111111111", "janitor.li", "JANITOR.LI "]
)
def test_a_guessable_password_or_the_username_is_refused_with_what_to_do(staff_app, password):
    client = signed_in(staff_app, ADMIN)
    answer = client.post(
        "/staff/accounts?lang=en", data={"username": "janitor.li", "password": password, "role": "staff"}
    )
    page = answer.get_data(as_text=True)
    assert answer.status_code == 400 and 'id="password-error"' in page  # the message is the password field's
    told = "must not be the username" if "janitor" in password.lower() else "too easy to guess"
    assert told in page
    with db(staff_app).session() as s:
        assert s.scalar(select(func.count()).select_from(StaffAccount)) == 2


def test_the_command_line_refuses_a_guessable_password_too(cli_env):
    common = run_cli(["staff", "add", "clerk", "--role", "staff", "--password-stdin"], cli_env, stdin="password123\n")
    assert common.returncode != 0 and "too easy to guess" in common.stderr
    same = run_cli(
        ["staff", "add", "clerk.wu.li", "--role", "staff", "--password-stdin"], cli_env, stdin="Clerk.Wu.Li\n"
    )
    assert same.returncode != 0 and "must not be the username" in same.stderr
    assert "clerk" not in run_cli(["staff", "list"], cli_env).stdout
