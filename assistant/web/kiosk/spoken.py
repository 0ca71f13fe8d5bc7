"""What each kiosk screen says aloud: the very strings its template shows (the same msgids, the same result
texts), joined into whole sentences. tests/browser/test_speech.py checks every spoken sentence is on the screen."""

from __future__ import annotations

from flask_babel import gettext as _

from ...cards import READER_ERRORS
from ...checks import speech_text
from ...faces import ERROR_CODES as FACE_CODES
from ...identity import ERROR_CODES
from ...passes import ERROR_CODES as PASS_CODES
from ...speech.prepare import join_sentences as join
from .. import preferences

PASS_ERRORS = (*PASS_CODES, "image_invalid", "image_too_large")
FACE_ERRORS = (*FACE_CODES, "camera_refused", "image_invalid", "image_too_large")

SCREENS = (
    *("home", "card", "pass", "face", "result", "why", "reason", "warning", "settings", "help", "coming", "busy"),
    *("card_face", "turn_look", "turn_left", "turn_right"),
    *("slip_printed", "slip_shown", "slip_failed"),
)
SLIPS = ("printed", "shown", "failed")  # what became of a slip: on paper, on the screen (the demo), not at all
OFFLINE = ("offline", "offline_call")  # the offline screen's sentences, kept by the kiosk's service worker


def setting_names() -> dict[str, str]:
    """The name of each choice on the settings screen, by the query that chooses it."""
    return preferences.choice_names()


KEPT = ("kept=yes", "kept=no")  # the settings screen just after "Remember these for my card" or "Forget them"


def chosen_sentence(choice: str) -> str | None:
    """What the settings screen shows and says just after a choice, e.g. "Large text is chosen."."""
    if choice == "kept=yes":
        return _("Your settings are kept for your card. Every kiosk will use them when you check.")
    if choice == "kept=no":
        return _("Your saved settings are removed. Kiosks will use the standard settings.")
    name = setting_names().get(choice)
    if name is None:
        return None
    if choice.startswith("touch="):
        name = _("Read out what I touch") + ": " + name
    return _("%(choice)s is chosen.", choice=name)


def slip_said(outcome: str | None) -> list[str]:
    """What the result screen says about its slip: printing, shown on the screen (the demo), or the printer failed."""
    if outcome == "printed":
        return [_("Your slip is printing. Please take it from the printer.")]
    if outcome == "shown":
        return [_("This kiosk's printer is simulated. Here is your slip, as the printer would print it.")]
    if outcome == "failed":
        return [_("The printer is not working. A staff member is coming to help you.")]
    return []


def why(result: dict, only: int | None = None) -> list[str]:
    """Every reason (for "Hear why"), or only the one at index `only` (as the person steps to it)."""
    pieces = []
    reasons = result["reasons"] if only is None else result["reasons"][only : only + 1]
    for reason in reasons:
        pieces += [reason["title"], reason["text"], _("What you can do:") + " " + reason["next_step"]]
    return pieces


def script(
    screen: str,
    lang: str,
    *,
    result: dict | None = None,
    error: str | None = None,
    private: bool = False,
    demo: bool = True,
    index: int = 0,
    chosen: str | None = None,
    slip: str | None = None,
) -> str:
    """The text spoken for a screen (or a part of one: "why", "warning"); `demo` when the demo cards are shown."""
    if screen == "home":
        pieces = [
            _("Check your health code"),
            _("You do not need a phone. Your ID card is enough."),
            _("Tap your ID card"),
        ]
    elif screen == "card":
        pieces = [
            error,
            _("Tap your ID card"),
            _("ID card number"),
            _("18 characters on the front of the card. The last one can be X."),
            _("Or tap a demo card") if demo else None,
            _("This kiosk shows demo cards in place of a real card reader. Tap one card.") if demo else None,
        ]
    elif screen == "pass":
        pieces = [
            error,
            _("Show your pass"),
            _("Hold the code on your card under the scanner."),
            _("Or take a picture of the card"),
        ]
    elif screen == "face":
        pieces = [
            error,
            _("Look at the camera"),
            _("Please look at the screen."),
            _("Move a little closer."),
            # After a problem the message itself says to use the ID card.
            None if error else _("If this does not work, use your ID card."),
        ]
    elif screen == "card_face":
        pieces = [_("Now please look at the camera"), _("Look straight at the screen.")]
    elif screen == "turn_look":
        pieces = [_("Let us try once more."), _("Look straight at the screen.")]
    elif screen == "turn_left":
        pieces = [_("Turn your head a little to your left.")]
    elif screen == "turn_right":
        pieces = [_("Turn your head a little to your right.")]
    elif screen == "result":
        # In public: the decision and what happens next. The reasons only through a headset, or on "Hear why".
        # A slip printed unasked (a referral) is said after the result.
        pieces = [result["speech"]["text"]] + (why(result) if private else []) + slip_said(slip)
    elif screen.startswith("slip_"):
        pieces = slip_said(screen.removeprefix("slip_"))
    elif screen == "why":
        pieces = why(result)
    elif screen == "reason":
        pieces = why(result, only=index)
    elif screen == "warning":
        pieces = [_("The screen will clear soon. Press More time if you need it.")]
    elif screen == "settings":
        # Just after a choice, the choice first: each choice is spoken when chosen.
        pieces = [
            _("Text size and contrast"),
            chosen,
            _("Tap a choice. It stays until you finish."),
        ]
    elif screen == "help":
        pieces = [_("A staff member is coming"), _("Please wait here. Someone will come to help you.")]
    elif screen == "coming":
        pieces = [_("A staff member is on the way"), _("Please stay here.")]
    elif screen == "busy":
        pieces = [_("Please ask a staff member"), error]
    elif screen == "offline":
        pieces = [_("This kiosk cannot reach the service."), _("Please ask a staff member.")]
    elif screen == "offline_call":
        pieces = [_("This kiosk cannot call staff right now. Please go to the staff desk.")]
    else:
        raise KeyError(screen)
    return join(pieces, lang)


def fixed_prompts(texts, lang: str) -> list[str]:
    """Every sentence the kiosk speaks that does not depend on a person: prerendered, so nothing waits."""
    prompts = [
        script(screen, lang)
        for screen in ("home", "card", "pass", "face", "settings", "help", "coming", "warning", "card_face", *OFFLINE)
    ]
    prompts += [script(f"turn_{step}", lang) for step in ("look", "left", "right")]
    prompts += [script(f"slip_{outcome}", lang) for outcome in SLIPS]
    prompts += [script("settings", lang, chosen=chosen_sentence(c)) for c in (*setting_names(), *KEPT)]
    for code in ("too_many_checks", "registry_unavailable"):
        prompts += [script("busy", lang, error=texts.error(code, lang))]
    for demo in (True, False):
        prompts += [script("card", lang, demo=demo)]
        prompts += [
            script("card", lang, error=texts.error(code, lang), demo=demo) for code in (*ERROR_CODES, *READER_ERRORS)
        ]
    pass_errors = [code for code in PASS_ERRORS if code != "pass_expired"]  # that one names its date
    prompts += [script("pass", lang, error=texts.error(code, lang)) for code in pass_errors]
    prompts += [script("face", lang, error=texts.error(code, lang)) for code in FACE_ERRORS]
    prompts += [speech_text(texts, decision, lang) for decision in ("admit", "refer")]
    prompts += [p for topic in texts.topics.values() for p in topic["paragraphs"][lang]]
    return prompts
