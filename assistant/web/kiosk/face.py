"""The kiosk's "Look at the camera" screen: a live camera where there is one, a simulated camera where not, and
the ID card always one tap away. Frames are read in memory for one check and never stored."""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path

from flask import abort, current_app, render_template, request, send_file

from ... import checks, faces, images, inputs
from ...models import Venue
from ...problems import Problem
from .. import limits, preferences, services
from ..venues import venue_or_404
from . import bp, show_result, source

# "camera_refused" comes from the browser (the person or the kiosk said no to the camera), so it arrives in the
# address; the other codes are the server's own answers to a frame.
FACE_ERRORS = (*faces.ERROR_CODES, "camera_refused", "image_invalid", "image_too_large")
THUMBNAIL_SIDE = 120  # keeps the face screen, with its four demo pictures, under 50 KB


def _demo_faces() -> list:
    """The simulated camera's demo faces: in demo mode only, so production shows no demo people."""
    return services.demo_faces() if current_app.config["DEMO"] else []


def _face_venue(slug: str) -> Venue:
    """Face search alone is a venue's opt-in: where it is off, there is no face screen."""
    venue = venue_or_404(slug)
    if not venue.face_search:
        abort(404)
    return venue


def _face_page(venue: Venue, error: str | None = None, status: int = 200):
    demo = [{"index": i, "scenario": f.scenario} for i, f in enumerate(_demo_faces())]
    message = services.texts().error(error, preferences.language()) if error else None
    page = render_template(
        "kiosk/face.html",
        venue=venue,
        demo_faces=demo,
        error=message,
        error_code=error,
        matcher=services.faces().matcher.name,
    )
    return page, status


@bp.get("/<venue>/face")
def face_screen(venue: str):
    error = request.args.get("error")
    return _face_page(_face_venue(venue), error if error == "camera_refused" else None)


@bp.post("/<venue>/face")
@limits.failed_lookups
def check_face(venue: str):
    """A frame from the live camera, an uploaded photo, or a demo face the simulated camera presents."""
    place = _face_venue(venue)
    try:
        frame = _frame_from_form()
        with services.db().session() as s:
            result = checks.run_face(
                s, frame=frame, venue=place.slug, at=services.now(), recogniser=services.faces(), source=source()
            )
    except Problem as error:
        limits.note_problem(error)
        return _face_page(place, error.code, 400)
    return show_result(place, result)


def _frame_from_form() -> bytes:
    index = request.form.get("demo_face")
    if index is not None:
        demo = _demo_faces()
        chosen = inputs.whole_number(index, high=len(demo) - 1)
        if chosen is None:
            raise images.ImageProblem("image_invalid")
        return demo[chosen].photo.read_bytes()
    upload = request.files.get("picture")
    if upload is None or not upload.filename:
        raise images.ImageProblem("image_invalid")
    data = upload.stream.read(images.MAX_BYTES + 1)
    if len(data) > images.MAX_BYTES:
        raise images.ImageProblem("image_too_large")
    return data


@bp.get("/<venue>/face/demo/<int:index>.jpg")
def demo_face_picture(venue: str, index: int):
    """A small picture of a demo face for the simulated camera's buttons (the full photo stays on the server)."""
    _face_venue(venue)
    demo = _demo_faces()
    if index >= len(demo):
        abort(404)
    response = send_file(io.BytesIO(_thumbnail(demo[index].photo)), mimetype="image/jpeg", max_age=3600)
    response.headers["Cache-Control"] = "public, max-age=3600"  # a public-domain portrait, nothing personal
    return response


@lru_cache(maxsize=16)
def _thumbnail(path: Path) -> bytes:
    picture = images.load(path.read_bytes(), mode="RGB")
    picture.thumbnail((THUMBNAIL_SIDE * 2, THUMBNAIL_SIDE))
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=70, optimize=True, progressive=True)
    return out.getvalue()
