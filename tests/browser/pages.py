"""Every page the app serves, by endpoint, and how a browser reaches it. Kept beside the URL map:
test_every_route_is_listed fails when a new page has no entry here."""

# endpoint -> path (the result is reached by tapping a demo card on the card screen first)
PAGES = {
    "pages.landing": "/",
    "pages.policy": "/policy",
    "pages.policy_topic": "/policy/health-code",
    "demo.demo": "/demo",
    "reviewer.accessibility": "/accessibility",
    "kiosk.home": "/kiosk/metro/",
    "kiosk.card": "/kiosk/metro/card",
    "kiosk.pass_screen": "/kiosk/metro/pass",
    "kiosk.face_screen": "/kiosk/metro/face",
    "kiosk.result": "/kiosk/metro/result",
    "kiosk.settings": "/kiosk/metro/settings",
    "kiosk.help_coming": "/kiosk/metro/help",
    "kiosk.card_face_screen": "/kiosk/community-centre/card/face",
    "kiosk.offline_screen": "/kiosk/metro/offline/en",  # what the service worker shows with the server away
    "kiosk_setup.setup": "/kiosk/setup",
}
KIOSK_PAGES = {k: v for k, v in PAGES.items() if k.startswith("kiosk.")}  # the set-up screen is for staff
# GET routes that are not pages: redirects, JSON and files.
NOT_PAGES = {
    "static",
    "kiosk.start",
    "kiosk.check_again",
    "api.openapi",
    "kiosk.speech",
    "kiosk.say",
    "pages.policy_speech",
    "kiosk.demo_face_picture",
    "kiosk.simulated_paper",  # an image of the demo's printed slip; tests/browser/test_slip_printing.py
    "operations.healthz",
    "operations.readyz",
    "operations.scrape",  # the operator's figures, as text; tests/web/test_metrics.py
    "kiosk.service_worker",  # a script; tests/browser/test_offline.py
    "kiosk.offline_speech",  # audio
    "kiosk.help_state",
    "kiosk.read_events",  # an event stream; tests/browser/test_reader_screen.py follows it
    "kiosk.show_read",  # a redirect to the read's screen
    # The staff console's pages need a signed-in member of staff: tests/browser/test_staff.py sweeps every one of
    # them (and its error states) signed in; these others are a redirect, an event stream, JSON, a PDF and a CSV.
    *(
        f"staff.{name}"
        for name in (
            "home",
            "help",
            "help_events",
            "login",
            "residents",
            "resident",
            "new_resident",
            "edit_resident",
            "delete_resident",
            "pass_form",
            "print_pass",
            "pass_pdf",
            "face",
            "import_form",
            "import_job",
            "import_progress",
            "kiosk_list",
            "venue_list",
            "venue",
            "account_list",
            "checks",
            "export_checks",
            "audit_log",
        )
    ),
}
# The states of a screen worth checking on their own.
EXTRA_STATES = {
    "kiosk.card (error)": "/kiosk/metro/card",
    "kiosk.pass_screen (error)": "/kiosk/metro/pass",
    "kiosk.face_screen (error)": "/kiosk/metro/face",
    "kiosk.face_screen (camera refused)": "/kiosk/metro/face?error=camera_refused",
    "missing page": "/no/such/page",
}
# The kiosk screens as they look after a mistake.
ERROR_STATES = ["kiosk.card (error)", "kiosk.pass_screen (error)", "kiosk.face_screen (error)"]


def _type_and_enter(field: str, text: str):
    def act(page):
        page.locator(field).fill(text)
        page.locator(field).press("Enter")

    return act


# How a person gets each screen to show an error: where they are, and what they do there.
MISTAKES = {
    "kiosk.card (error)": ("/kiosk/metro/card", _type_and_enter("#id_number", "12345")),
    "kiosk.pass_screen (error)": ("/kiosk/metro/pass", _type_and_enter("#token", "HELLO")),
    # Demo face 3 is the picture with no face in it.
    "kiosk.face_screen (error)": (
        "/kiosk/metro/face",
        lambda page: page.locator("button[name=demo_face][value='2']").click(),
    ),
}


def open_page(page, base: str, endpoint: str, query: str = "") -> None:
    """Go to the page as a person would; for the result, tap demo card 8 (red, three reasons) first."""
    if endpoint == "kiosk.card_face_screen":  # a card read where the venue requires the face too
        page.goto(f"{base}/kiosk/community-centre/card?{query}")
        page.locator("button[name=card][value='0']").click()
        page.wait_for_url(f"{base}/kiosk/community-centre/card/face")
    elif endpoint == "kiosk.result":
        page.goto(f"{base}/kiosk/metro/card?{query}")
        page.locator("button[name=card][value='7']").click()
        page.wait_for_url(f"{base}/kiosk/metro/result")
    elif endpoint in MISTAKES:
        path, make_the_mistake = MISTAKES[endpoint]
        page.goto(f"{base}{path}?{query}")
        make_the_mistake(page)
        page.wait_for_selector(".error-summary")
        page.wait_for_load_state("load")  # the element can be there before the style sheet is
    elif endpoint == "kiosk.face_screen (camera refused)":
        page.goto(f"{base}/kiosk/metro/face?error=camera_refused&{query}")
    else:
        response = page.goto(f"{base}{PAGES.get(endpoint) or EXTRA_STATES[endpoint]}?{query}")
        assert response.status < 500, f"{endpoint} answered {response.status}"  # a calm error page is no pass
