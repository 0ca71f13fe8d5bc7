"""Every problem a check (or a kiosk's request) can answer with: one exception type carrying a code, and one registry
of codes that the kiosk, the API, the CLI and the OpenAPI document all read. The words live in seeds/texts.toml."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Code:
    status: int  # the HTTP status the API answers with
    area: str  # id, pass, image, face, request, venue, kiosk


# Code -> (HTTP status, area: id, pass, image, face, reader, request, venue, kiosk), in the API document's order.
CODES: dict[str, Code] = {
    # An ID number that cannot be used, in the order a person can fix them (DESIGN.md's codes).
    "id_invalid_length": Code(400, "id"),
    "id_invalid_characters": Code(400, "id"),
    "id_invalid_checksum": Code(400, "id"),
    "id_invalid_birth_date": Code(400, "id"),
    # A printed pass that cannot be used.
    "pass_not_recognised": Code(400, "pass"),
    "pass_unreadable": Code(400, "pass"),
    "pass_signature_invalid": Code(400, "pass"),
    "pass_unknown_key": Code(400, "pass"),
    "pass_expired": Code(400, "pass"),
    "pass_revoked": Code(400, "pass"),
    # A picture (a camera frame or an upload).
    "image_invalid": Code(400, "image"),
    "image_too_large": Code(400, "image"),
    # A face check that cannot go ahead.
    "face_none": Code(400, "face"),
    "face_several": Code(400, "face"),
    "face_no_match": Code(400, "face"),
    # What a card reader reports in place of a card (the kiosk shows and speaks it, with the keypad beside it).
    "reader_missing": Code(400, "reader"),
    "card_unreadable": Code(400, "reader"),
    "card_removed": Code(400, "reader"),
    # The request itself.
    "request_invalid": Code(400, "request"),
    "request_too_large": Code(413, "request"),
    "not_found": Code(404, "request"),
    "method_not_allowed": Code(405, "request"),
    "lang_invalid": Code(400, "request"),
    "at_invalid": Code(400, "request"),
    "at_not_allowed": Code(400, "request"),
    # Where, and who is asking.
    "venue_unknown": Code(400, "venue"),
    "venue_not_allowed": Code(403, "venue"),
    "face_search_off": Code(403, "venue"),
    "kiosk_token_invalid": Code(401, "kiosk"),
    "too_many_checks": Code(429, "kiosk"),
    "service_unavailable": Code(503, "kiosk"),
    "registry_unavailable": Code(503, "kiosk"),
}

# Problems of the staff and admin tools (the console and the command line), never answered by the API: the same
# exception type and the same words (seeds/texts.toml), outside the API's document.
OFFICE_CODES: dict[str, Code] = {
    code: Code(400, area)
    for area, names in {
        "kiosk": (
            "kiosk_name_invalid",
            "kiosk_name_taken",
            "kiosk_venue_unknown",
            "kiosk_unknown",
            "kiosk_printer_invalid",
            "kiosk_paper_invalid",
        ),
        "account": (
            "username_invalid",
            "username_taken",
            "password_too_short",
            "password_too_long",
            "password_guessable",
            "password_is_username",
            "role_invalid",
            "account_unknown",
        ),
        "resident": ("resident_unknown", "consent_missing"),
        "help": ("help_unknown",),
        "service": ("limits_unavailable",),
        "venue_policy": (
            "venue_policy_invalid",
            "venue_allowed_none",
            "venue_test_hours_invalid",
            "venue_doses_invalid",
            "venue_face_with_card_invalid",
        ),
    }.items()
    for code in names
}


def codes(area: str) -> tuple[str, ...]:
    return tuple(code for code, spec in CODES.items() if spec.area == area)


class Problem(Exception):
    """A check or request that cannot go ahead. `code` is a key of CODES; `details` fill in its message."""

    def __init__(self, code: str, **details):
        if code not in CODES and code not in OFFICE_CODES:
            raise KeyError(f"unregistered problem code {code!r}")
        super().__init__(code)
        self.code = code
        self.details = details

    @property
    def status(self) -> int:
        return (CODES.get(self.code) or OFFICE_CODES[self.code]).status
