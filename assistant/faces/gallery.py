"""Every enrolled face in one matrix, searched at once: one matrix-vector product, not a loop over residents."""

from __future__ import annotations

import threading

import numpy as np
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..models import FaceEnrolment, FaceGalleryVersion
from .matcher import ENCODING_SIZE


class Gallery:
    def __init__(self, resident_ids: list[int], encodings: np.ndarray):
        self.resident_ids = np.asarray(resident_ids, dtype=np.int64)
        self.encodings = np.asarray(encodings, dtype=np.float32).reshape(-1, ENCODING_SIZE)
        self._norms = np.einsum("ij,ij->i", self.encodings, self.encodings)

    def __len__(self) -> int:
        return len(self.resident_ids)

    def nearest(self, encoding: np.ndarray) -> tuple[int | None, float]:
        """The enrolled resident closest to this face, and the Euclidean distance between the two encodings."""
        if not len(self):
            return None, float("inf")
        query = np.asarray(encoding, dtype=np.float32)
        # |e - q|^2 = |e|^2 - 2 e.q + |q|^2, for all residents at once.
        squared = self._norms - 2.0 * (self.encodings @ query) + float(query @ query)
        best = int(np.argmin(squared))
        return int(self.resident_ids[best]), float(np.sqrt(max(float(squared[best]), 0.0)))


def current_version(session: Session) -> int:
    return session.scalar(select(FaceGalleryVersion.version).where(FaceGalleryVersion.id == 1)) or 0


def bump_version(session: Session) -> None:
    """One more than before, added in the database itself: two enrolments at once on two servers both count."""
    table = FaceGalleryVersion.__table__
    session.execute(update(table).where(table.c.id == 1).values(version=table.c.version + 1))


def load(session: Session, matcher: str) -> Gallery:
    rows = session.execute(
        select(FaceEnrolment.resident_id, FaceEnrolment.encoding).where(FaceEnrolment.matcher == matcher)
    ).all()
    encodings = np.frombuffer(b"".join(row.encoding for row in rows), dtype=np.float32)
    return Gallery([row.resident_id for row in rows], encodings)


class GalleryCache:
    """A process's copy of the gallery, reloaded only when an enrolment or a forgetting has changed it."""

    def __init__(self, matcher: str):
        self.matcher = matcher
        self._version = -1
        self._gallery = Gallery([], np.empty((0, ENCODING_SIZE), dtype=np.float32))
        self._lock = threading.Lock()

    def get(self, session: Session) -> Gallery:
        version = current_version(session)
        with self._lock:
            if version != self._version:
                self._gallery, self._version = load(session, self.matcher), version
            return self._gallery
