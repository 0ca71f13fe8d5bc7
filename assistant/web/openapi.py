"""The OpenAPI 3.1 document for /api/v1/, kept beside the code it describes."""

from __future__ import annotations

from ..problems import CODES

ERROR_CODES = list(CODES)


def _schemas() -> dict:
    text = {"type": "string"}
    return {
        "CheckRequest": {
            "type": "object",
            "required": ["method"],
            "properties": {
                "method": {
                    "type": "string",
                    "enum": ["id_card", "pass", "face"],
                    "description": "How the person came in: id_card needs id_number; pass needs token or image; "
                    "face needs image (a camera frame with one face in it, matched against enrolled residents).",
                },
                "id_number": {
                    "type": "string",
                    "description": "The 18-character resident ID number, as the reader reads it.",
                },
                "token": {"type": "string", "description": "A printed pass's token, as a scanner types it."},
                "image": {
                    "type": "string",
                    "contentEncoding": "base64",
                    "description": "A camera frame (PNG or JPEG), at most 8 MB: showing a printed pass (method "
                    "pass) or one face (method face). Frames are never stored.",
                },
                "venue": {
                    "type": "string",
                    "description": "Venue slug. A kiosk checks for its own venue only: leave it out, or give that "
                    "one (another answers 403 venue_not_allowed).",
                    "examples": ["metro", "hospital", "community-centre"],
                },
                "lang": {
                    "type": "string",
                    "enum": ["zh", "en"],
                    "description": "Language of the texts; the resident's preference when left out.",
                },
                "at": {
                    "type": "string",
                    "format": "date-time",
                    "description": "Demo mode only: the validation clock (ISO 8601; Asia/Shanghai when no offset). "
                    "A production server always checks at the real time and answers 400 at_not_allowed.",
                },
            },
        },
        "ReadRequest": {
            "type": "object",
            "description": "What a card reader read: the card's number, name and chip photo; or, alone, the "
            "reader's own problem instead of a card.",
            "oneOf": [
                {"required": ["id_number"], "not": {"required": ["error"]}},
                {
                    "required": ["error"],
                    "not": {"anyOf": [{"required": ["id_number"]}, {"required": ["name"]}, {"required": ["photo"]}]},
                },
            ],
            "properties": {
                "id_number": {"type": "string", "description": "The 18-character number from the card's chip."},
                "name": {"type": "string", "description": "The name from the card's chip (never logged)."},
                "photo": {
                    "type": "string",
                    "contentEncoding": "base64",
                    "description": "The chip photo as the vendor's decoder gives it (BMP, JPEG or PNG). Read "
                    "in memory and never stored.",
                },
                "error": {"type": "string", "enum": ["reader_missing", "card_unreadable", "card_removed"]},
            },
        },
        "Read": {
            "type": "object",
            "required": ["read", "state"],
            "properties": {
                "read": {"type": "integer"},
                "state": {
                    "type": "string",
                    "enum": ["result", "face", "error"],
                    "description": "result: checked and shown; face: the kiosk now asks for the face; error: the "
                    "reader's problem is shown.",
                },
                "error": {"type": "string"},
                "result": {"$ref": "#/components/schemas/CheckResult"},
            },
        },
        "Reason": {
            "type": "object",
            "required": ["code", "text", "next_step"],
            "properties": {"code": text, "title": text, "text": text, "next_step": text},
        },
        "CheckResult": {
            "type": "object",
            "required": ["status", "decision", "reasons", "subject", "speech"],
            "properties": {
                "status": {"type": "string", "enum": ["green", "yellow", "red", "unknown"]},
                "status_text": text,
                "decision": {"type": "string", "enum": ["admit", "refer"]},
                "decision_text": text,
                "next_step": text,
                "reasons": {"type": "array", "items": {"$ref": "#/components/schemas/Reason"}},
                "subject": {
                    "oneOf": [
                        {
                            "type": "object",
                            "required": ["name", "id"],
                            "properties": {
                                "name": {"type": "string", "description": "Surname only, masked"},
                                "id": {"type": "string", "description": "First 4 and last 4 characters"},
                            },
                        },
                        {"type": "null"},
                    ]
                },
                "venue": {"type": "object", "properties": {"slug": text, "name": text}},
                "method": {
                    "type": "string",
                    "enum": ["id_card", "pass", "face", "card_face"],
                    "description": "card_face: a card read with the live face checked against the card's photo.",
                },
                "held": {
                    "type": "boolean",
                    "description": "Present when card and face did not go together: the kiosk shows no status "
                    "until staff come (the reason is face_card_mismatch or liveness_failed).",
                },
                "matcher": {
                    "type": "string",
                    "enum": ["dlib", "simulated"],
                    "description": "Face checks only: which matcher decided. simulated compares whole pictures.",
                },
                "at": {"type": "string", "format": "date-time"},
                "at_text": text,
                "lang": {"type": "string", "enum": ["zh", "en"]},
                "check_id": {"type": "integer"},
                "speech": {
                    "type": "object",
                    "required": ["text"],
                    "properties": {"text": text, "audio": {"type": "string"}},
                },
            },
        },
        "Error": {
            "type": "object",
            "required": ["error"],
            "properties": {
                "error": {
                    "type": "object",
                    "required": ["code", "message"],
                    "properties": {"code": {"type": "string", "enum": ERROR_CODES}, "message": text},
                }
            },
        },
    }


def _error_response(description: str) -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


def document() -> dict:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Health-code assistant kiosk API",
            "version": "1.0.0",
            "description": "Checks for card-reader bridges and scanners, from registered kiosks only: every call "
            "carries the kiosk's device token. The health authority is simulated. Responses never contain a full ID "
            "number.",
        },
        "paths": {
            "/api/v1/checks": {
                "post": {
                    "operationId": "createCheck",
                    "summary": "Check a person at a venue and log the check",
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/CheckRequest"}}},
                    },
                    "security": [{"kioskToken": []}],
                    "responses": {
                        "200": {
                            "description": "The result",
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/CheckResult"}}},
                        },
                        **{
                            status: _error_response(description)
                            for status, description in (
                                ("400", "Input that cannot be checked, with an error code"),
                                ("401", "No device token, a wrong one, or a revoked one: kiosk_token_invalid"),
                                ("403", "Not this kiosk's venue, or face search is off there"),
                                ("413", "The request is too large"),
                                ("429", "Too many lookups that found no one: too_many_checks (ask staff)"),
                                ("503", "The registry is unavailable: service_unavailable (ask staff)"),
                            )
                        },
                    },
                }
            },
            "/api/v1/reads": {
                "post": {
                    "operationId": "createRead",
                    "summary": "A card read by this kiosk's reader: checked, and shown on this kiosk's screen",
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ReadRequest"}}},
                    },
                    "security": [{"kioskToken": []}],
                    "responses": {
                        "201": {
                            "description": "The read, and its result when it was checked at once",
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Read"}}},
                        },
                        **{
                            status: _error_response(description)
                            for status, description in (
                                ("400", "A number that is not a valid one, or a body that is not a read"),
                                ("401", "No device token, a wrong one, or a revoked one: kiosk_token_invalid"),
                                ("413", "The request is too large"),
                                ("429", "Too many lookups that found no one: too_many_checks (ask staff)"),
                                ("503", "The registry is unavailable: service_unavailable (ask staff)"),
                            )
                        },
                    },
                }
            },
            "/api/v1/openapi.json": {
                "get": {
                    "operationId": "openapi",
                    "summary": "This document",
                    "responses": {"200": {"description": "OpenAPI document"}},
                }
            },
        },
        "components": {
            "schemas": _schemas(),
            "securitySchemes": {
                "kioskToken": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "The kiosk's device token from `assistant kiosk add NAME --venue SLUG`.",
                }
            },
        },
    }
