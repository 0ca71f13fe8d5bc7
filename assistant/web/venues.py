"""The venue a request names, looked up once per request; while the registry is away, the one last seen (or its
name from seeds/venues.toml), so a kiosk can still ask for staff in its own venue's words."""

from __future__ import annotations

from flask import abort, current_app, g

from .. import seeding, venues
from ..models import Venue
from . import outage, services


def venue_or_404(slug: str | None) -> Venue:
    """The venue, looked up once per request (the page and its speech settings both ask)."""
    kept = g.setdefault("venues", {})
    if slug not in kept:
        kept[slug] = _load(slug)
    return kept[slug]


def _load(slug: str | None) -> Venue:
    if not slug:
        abort(404)

    def load():
        with services.db().session() as s:
            return venues.by_slug(s, slug)

    seeds = current_app.config["SEEDS_DIR"]
    venue = outage.remembered(("venue", slug), load, lambda: seeding.venue_from_seeds(seeds, slug))
    if venue is None:
        abort(404)
    return venue
