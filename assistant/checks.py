"""One check, whichever way the person came in: find the resident, apply the rules, log it once, describe it.

The description is the JSON object DESIGN.md fixes; the kiosk page, the API and `assistant check --json` all use it.
"""

from __future__ import annotations

import json
import logging
import time
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, replace
from datetime import datetime
from types import SimpleNamespace

from sqlalchemy import bindparam, insert, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from . import help_requests, identity, metrics, passes
from .clock import SHANGHAI, from_storage, stored_now, to_storage
from .models import CheckRecord, HelpRequest, Resident, Venue, facts_of
from .passes import office as pass_office
from .prepared import Link, Prepared
from .problems import Problem
from .rules import Outcome, Reason, assess
from .texts import Texts, format_moment

METHODS = ("id_card", "pass", "face")  # the ways in the API's checks take
CARD_FACE = "card_face"  # a card read with the live face checked against the card's own chip photo
LOGGED_METHODS = (*METHODS, CARD_FACE)  # every way in the check log records
# A card and face that did not go together: the result waits for staff, whatever the registry says.
HELD = ("face_card_mismatch", "liveness_failed")
VENUE_SECONDS = 10  # a venue's policy changed by staff reaches every check within this
_venues: dict[tuple[str, str], tuple[float, Venue | None]] = {}
# The statements every check runs, prepared once (prepared.py): a check is a few plain statements on the driver's
# cursor, not an ORM unit of work.
_FIND_VENUE = Prepared(select(Venue.__table__).where(Venue.slug == bindparam("slug")))
_FIND_RESIDENT = Prepared(select(Resident.__table__).where(Resident.id_hash == bindparam("id_hash")))
_LOGGED = (
    "checked_at", "validation_at", "venue", "method", "status", "decision", "reason_codes", "masked_id", "id_hash",
    "matcher", "kiosk", "channel", "clock", "masked_name", "language", "reasons", "settings",
)  # fmt: skip
_LOG_CHECK = Prepared(insert(CheckRecord.__table__).returning(CheckRecord.__table__.c.id), _LOGGED)


def _logged_and_referred():
    """The log line and its help request in one statement (PostgreSQL: an INSERT inside WITH): one round trip, and
    whole or not at all without BEGIN and COMMIT. Returns the check's id and the help request's."""
    logs, helps = CheckRecord.__table__, HelpRequest.__table__
    logged = insert(logs).values({c: bindparam(c, type_=logs.c[c].type) for c in _LOGGED}).returning(logs.c.id)
    logged = logged.cte("logged")
    asked = [c for c in help_requests.REFER_COLUMNS if c != "check_id"]
    row = select(logged.c.id, *[bindparam(f"help_{c}", type_=helps.c[c].type) for c in asked])
    return insert(helps).from_select(["check_id", *asked], row).returning(helps.c.check_id, helps.c.id)


_LOG_AND_REFER = Prepared(_logged_and_referred())
log = logging.getLogger(__name__)


class CheckError(Problem):
    """A check that cannot go ahead for a reason of its own (the venue); `code` names why."""


@dataclass(frozen=True)
class Check:
    venue_slug: str
    venue_names: dict
    method: str
    matcher: str | None  # for a face check: "dlib" or "simulated"
    at: datetime
    outcome: Outcome
    subject: dict | None  # masked name and masked id; None when not in the registry
    language: str | None  # the resident's preferred language, when known
    record_id: int
    kiosk: str | None = None  # the kiosk that checked, by name
    help_id: int | None = None  # the help request a `refer` at a kiosk made
    settings: str | None = None  # the resident's saved kiosk settings, which the result is shown in


def mask_name(name: str) -> str:
    """Surname only: "王秀英" -> "王*"; "Margaret Brown" -> "* Brown"."""
    name = name.strip()
    if " " in name:
        return "* " + name.split()[-1]
    return name[:1] + "*"


@dataclass(frozen=True)
class Source:
    """Where a check came from, for the log: the channel (kiosk, api, cli, terminal), the kiosk's name, and which
    clock the rules used: real, demo (demo mode's chosen moment) or operator (the CLI's --at on the server)."""

    channel: str = "cli"
    kiosk: str | None = None
    clock: str = "real"


def run(
    session: Session | Link, *, id_text: str, venue: str, at: datetime, hash_key: bytes, source: Source = Source()
) -> Check:
    """Check a person by ID number: validate it, assess them at `at` for the venue, write one check-log record.

    Raises identity.IdNumberError or CheckError; nothing is written then.
    """
    resident_id = identity.parse(id_text, today=at.date())
    return run_card(
        session,
        id_hash=identity.keyed_hash(resident_id.number, hash_key),
        masked_id=resident_id.masked,
        venue=venue,
        at=at,
        source=source,
    )


LOOK_UP = object()  # a check finds its resident itself, unless it is given the row (or None) read already


def run_card(
    session: Session | Link,
    *,
    id_hash: str,
    masked_id: str,
    venue: str,
    at: datetime,
    source: Source,
    resident=LOOK_UP,
) -> Check:
    """Check a person whose ID number was parsed and hashed already (a card read): as `run`, without doing it again.
    `resident` is their row of the resident table if it has been read with the kiosk (kiosks.by_token_with_resident),
    None if that read found no one."""
    return _assess_and_log(session, id_hash, masked_id, venue, at, "id_card", source, resident=resident)


def run_pass(
    session: Session, *, token: str, venue: str, at: datetime, keys: passes.Keys, source: Source = Source()
) -> Check:
    """Check a person by printed pass: verify it offline, find whose it is, then as for an ID card.

    Raises passes.PassError or CheckError; nothing is written then.
    """
    found = passes.verify(keys, token, at.astimezone(SHANGHAI).date())
    record = pass_office.live_record(session, found)
    return _assess_and_log(session, record.id_hash, record.masked_id, venue, at, "pass", source)


def run_face(
    session: Session, *, frame: bytes, venue: str, at: datetime, recogniser, source: Source = Source()
) -> Check:
    """Check a person by a camera frame (or photo): find the one face, find whose it is, then as for an ID card.

    Only at a venue that turned face search on. The frame is read in memory and never stored. Raises
    images.ImageProblem, faces.FaceProblem or CheckError; nothing is written then. `recogniser` is a
    faces.enrolment.Recogniser.
    """
    if not _venue(session, venue).face_search:  # before the slow part
        raise CheckError("face_search_off")
    resident = recogniser.identify(session, frame)
    return _assess_and_log(
        session, resident.id_hash, resident.masked_id, venue, at, "face", source, matcher=recogniser.matcher.name
    )


def run_card_face(
    session: Session, *, id_hash: str, masked_id: str, venue: str, at: datetime, source: Source, held: str | None
) -> Check:
    """A card read whose chip photo was compared with the live face. Matched (`held` None): as for an ID card, marked
    card_face. Otherwise `held` (one of HELD) is the only reason and the decision is refer: staff are called and the
    kiosk shows no status until they come."""
    if held is not None and held not in HELD:
        raise ValueError(held)
    return _assess_and_log(session, id_hash, masked_id, venue, at, CARD_FACE, source, held=held)


def venue_policy(session: Session, slug: str) -> Venue:
    """The venue and its policy, as checks see it (kept for a few seconds). Raises CheckError venue_unknown."""
    return _venue(session, slug)


def _venue(session: Session | Link, slug: str) -> Venue:
    """The venue and its policy, from a copy kept for a few seconds: venues change rarely, checks come fast.

    Only venues that exist are kept, so a request naming made-up venues cannot grow this process's memory."""
    link = Link.of(session)
    key = (link.url, slug)  # the URL object itself: rendering it as text costs on every check
    kept = _venues.get(key)
    if kept is None or time.monotonic() - kept[0] > VENUE_SECONDS:
        row = link.one(_FIND_VENUE, {"slug": slug}) if len(slug) <= 64 else None
        if row is None:
            _venues.pop(key, None)
            raise CheckError("venue_unknown")
        kept = _venues[key] = (time.monotonic(), Venue(**row._asdict()))
    return kept[1]


def _assess_and_log(
    session: Session | Link,
    id_hash: str,
    masked_id: str,
    venue: str,
    at: datetime,
    method: str,
    source: Source,
    matcher: str | None = None,
    held: str | None = None,
    resident=LOOK_UP,
) -> Check:
    link = Link.of(session)
    place = _venue(link, venue)
    if resident is LOOK_UP:
        resident = _resident(link, id_hash)
    outcome = assess(facts_of(resident) if resident else None, place.policy, at)
    if held is not None:
        outcome = Outcome(outcome.status, "refer", (Reason(held),))
    values = {
        "checked_at": stored_now(),
        "validation_at": to_storage(at),
        "venue": place.slug,
        "method": method,
        "status": outcome.status,
        "decision": outcome.decision,
        "reason_codes": " ".join(r.code for r in outcome.reasons),
        "masked_id": masked_id,
        "id_hash": id_hash,
        "matcher": matcher,
        "kiosk": source.kiosk,
        "channel": source.channel,
        "clock": source.clock,
        "masked_name": mask_name(resident.name) if resident else None,
        "language": resident.language if resident else None,
        "reasons": encode_reasons(outcome.reasons),
        "settings": resident.settings if resident else None,
    }
    # The log line is written and committed at once. On SQLite, one thread of this process at a time: a thread
    # holding SQLite's only write lock while it waits its turn for Python would make every other writer sleep and
    # retry. PostgreSQL takes many writers at once, so there no lock is taken.
    # A `refer` at a kiosk asks staff to come: the check and its help request are written in one transaction, so
    # they stand or fall together (on an autocommit session too, the API's, where each statement commits alone).
    refer = outcome.decision == "refer" and source.kiosk is not None
    with link.one_writer(), _outcome_unknown(source):
        if link.autocommit:
            # SQLite: BEGIN and COMMIT around the two inserts (no round trips there); PostgreSQL: one statement.
            with link.transaction() if refer and link.is_sqlite else nullcontext():
                record_id, help_id = _write_log(link, values, refer)
        else:
            record_id, help_id = _write_log(link, values, refer)
            session.commit()
    metrics.checked(values["venue"], source.kiosk, values["method"], values["status"], values["decision"])
    # What is shown is what was logged: the result is described from the values written, never from a fresh look.
    return replace(_from_record(SimpleNamespace(id=record_id, **values), place), help_id=help_id)


@contextmanager
def _outcome_unknown(source: Source):
    """A connection that breaks while the log line is written (the database stopping) may have committed it first:
    no client can know. The person is told to ask staff; the operator is told that one line may stand for a result
    nobody saw, so that the log and the answers can be reconciled."""
    try:
        yield
    except DBAPIError as error:
        if error.connection_invalidated:
            log.warning("check log line may have been written without an answer (connection lost) at %s", source.kiosk)
        raise


def _write_log(link: Link, values: dict, refer: bool) -> tuple[int, int | None]:
    if refer and link.dialect.name == "postgresql":
        asked = {f"help_{k}": v for k, v in help_requests.refer_row(values).items()}
        return tuple(link.one(_LOG_AND_REFER, {**values, **asked}))
    record_id = link.write(_LOG_CHECK, values)
    return record_id, (help_requests.for_refer(link, {**values, "id": record_id}) if refer else None)


def preview(session: Session, *, number: str, venue: Venue, at: datetime, hash_key: bytes) -> Outcome:
    """What a check would decide, without logging anything (for the reviewers' demo page)."""
    resident = _resident(session, identity.keyed_hash(number, hash_key))
    return assess(facts_of(resident) if resident else None, venue.policy, at)


def load(session: Session, record_id: int) -> Check | None:
    """A logged check again, for showing its result once more (another language, a reload), from its log row alone:
    a change to the registry since cannot make the screen differ from the record."""
    record = session.get(CheckRecord, record_id)
    place = record and session.get(Venue, record.venue)
    if place is None:
        return None
    if record.reasons is None:
        # Logged before rows kept their reasons: described by assessing again, as such rows always were. The row
        # itself is left as it was logged (a copy is described, so nothing is written back).
        resident = _resident(session, record.id_hash)
        outcome = assess(facts_of(resident) if resident else None, place.policy, from_storage(record.validation_at))
        logged = {column.key: getattr(record, column.key) for column in CheckRecord.__table__.columns}
        logged.update(
            masked_name=mask_name(resident.name) if resident else None,
            language=resident.language if resident else None,
            reasons=encode_reasons(outcome.reasons),
        )
        record = SimpleNamespace(**logged)
    return _from_record(record, place)


def _resident(session: Session | Link, id_hash: str):
    """The resident with this keyed hash, as a plain row of the resident table (a named tuple): a check only reads
    it."""
    return Link.of(session).one(_FIND_RESIDENT, {"id_hash": id_hash})


def encode_reasons(reasons) -> str:
    """Reasons and their facts as JSON for the log row: times as ISO 8601 under "moment", numbers as they are."""

    def value(v):
        return {"moment": v.isoformat()} if isinstance(v, datetime) else v

    return json.dumps([{"code": r.code, "details": {k: value(v) for k, v in r.details.items()}} for r in reasons])


def decode_reasons(text: str) -> tuple[Reason, ...]:
    def value(v):
        return datetime.fromisoformat(v["moment"]) if isinstance(v, dict) and "moment" in v else v

    return tuple(Reason(r["code"], {k: value(v) for k, v in r["details"].items()}) for r in json.loads(text))


def _from_record(record, place: Venue) -> Check:
    outcome = Outcome(record.status, record.decision, decode_reasons(record.reasons))
    return Check(
        venue_slug=place.slug,
        venue_names={"en": place.name_en, "zh": place.name_zh},
        method=record.method,
        matcher=record.matcher,
        at=from_storage(record.validation_at),
        outcome=outcome,
        subject={"name": record.masked_name, "id": record.masked_id} if record.masked_name else None,
        language=record.language,
        record_id=record.id,
        kiosk=record.kiosk,
        settings=record.settings,
    )


def speech_text(texts: Texts, decision: str, lang: str) -> str:
    """What the kiosk says aloud in a public place: the decision and what happens next, nothing private."""
    separator = " " if lang == "en" else ""  # Chinese runs sentences together without spaces
    return texts.decision(decision, lang) + separator + texts.decision_next(decision, lang)


def describe(check: Check, texts: Texts, lang: str) -> dict:
    """The result as DESIGN.md's JSON object, in one language."""
    outcome = check.outcome
    return {
        "status": outcome.status,
        "status_text": texts.status(outcome.status, lang),
        "decision": outcome.decision,
        "decision_text": texts.decision(outcome.decision, lang),
        "next_step": texts.decision_next(outcome.decision, lang),
        "reasons": [{"code": r.code, **texts.reason(r.code, lang, r.details)} for r in outcome.reasons],
        "subject": check.subject,
        "venue": {"slug": check.venue_slug, "name": check.venue_names[lang]},
        "method": check.method,
        **({"held": True} if any(r.code in HELD for r in outcome.reasons) else {}),
        **({"matcher": check.matcher} if check.matcher else {}),
        "at": check.at.astimezone(SHANGHAI).isoformat(),
        "at_text": format_moment(check.at, lang),
        "lang": lang,
        "check_id": check.record_id,
        "speech": {"text": speech_text(texts, outcome.decision, lang)},
    }
