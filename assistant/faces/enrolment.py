"""Enrolling a resident's face (only with consent), forgetting it, and finding whose face a frame shows."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
from sqlalchemy.orm import Session

from .. import residents
from ..clock import stored_now
from ..models import FaceEnrolment, Resident
from ..problems import Problem
from . import FaceProblem, Matcher, encode_photo
from .gallery import GalleryCache, bump_version


class EnrolmentError(Problem):
    """`code` is consent_missing or resident_unknown."""


def _resident(session: Session, id_text: str, hash_key: bytes, today) -> Resident:
    resident = residents.by_number(session, id_text, hash_key, today)
    if resident is None:
        raise EnrolmentError("resident_unknown")
    return resident


def enroll(
    session: Session,
    matcher: Matcher,
    *,
    id_text: str,
    photo: bytes,
    consent: bool,
    consent_by: str,
    hash_key: bytes,
    keep_photo: bool = False,
    today=None,
) -> Resident:
    """Enrol (or re-enrol) a resident's face from a photo. Raises before writing anything when it cannot be done:
    IdNumberError, EnrolmentError, images.ImageProblem, or FaceProblem (no face, or several)."""
    if not consent:
        raise EnrolmentError("consent_missing")
    resident = _resident(session, id_text, hash_key, today or datetime.now(UTC).date())
    return enroll_resident(
        session, matcher, resident, photo=photo, consent=consent, consent_by=consent_by, keep_photo=keep_photo
    )


def enroll_resident(
    session: Session,
    matcher: Matcher,
    resident: Resident,
    *,
    photo: bytes,
    consent: bool,
    consent_by: str,
    requested_by: str | None = None,
    keep_photo: bool = False,
) -> Resident:
    """As enroll, for a resident already found (the staff console): who asked, who recorded the consent, when."""
    if not consent:
        raise EnrolmentError("consent_missing")
    encoding = encode_photo(matcher, photo)
    enrolment = resident.face or FaceEnrolment(resident_id=resident.id)
    enrolment.matcher = matcher.name
    enrolment.encoding = encoding.astype(np.float32).tobytes()
    enrolment.consented_at = stored_now()
    enrolment.consent_by = consent_by[:100]
    enrolment.requested_by = (requested_by or None) and requested_by[:100]
    enrolment.photo = photo if keep_photo else None
    resident.face = enrolment
    bump_version(session)
    session.flush()
    return resident


def forget(session: Session, *, id_text: str, hash_key: bytes, today=None) -> bool:
    """Delete a resident's face encoding and photo. True when there was one to delete."""
    return forget_resident(session, _resident(session, id_text, hash_key, today or datetime.now(UTC).date()))


def forget_resident(session: Session, resident: Resident) -> bool:
    if resident.face is None:
        return False
    resident.face = None  # delete-orphan: the row goes, photo and all
    bump_version(session)
    session.flush()
    return True


class Recogniser:
    """A matcher with its threshold and this process's copy of the gallery."""

    def __init__(self, matcher: Matcher, threshold: float):
        self.matcher = matcher
        self.threshold = threshold
        self.cache = GalleryCache(matcher.name)

    def identify(self, session: Session, frame: bytes) -> Resident:
        """The enrolled resident this frame shows. Raises images.ImageProblem or FaceProblem."""
        encoding = encode_photo(self.matcher, frame)
        resident_id, distance = self.cache.get(session).nearest(encoding)
        if resident_id is None or distance > self.threshold:
            raise FaceProblem("face_no_match")
        resident = session.get(Resident, resident_id)
        if resident is None:  # forgotten since the gallery was read
            raise FaceProblem("face_no_match")
        return resident
