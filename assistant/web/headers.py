"""The headers every answer carries: what the browser may load and do, and that nothing personal is cached."""

from __future__ import annotations

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; media-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    # The kiosk's own pages may use the camera (the face screen); nothing may use the microphone or location.
    "Permissions-Policy": "camera=(self), microphone=(), geolocation=()",
    # Nothing personal may linger in the browser's cache or history.
    "Cache-Control": "no-store",
}


HSTS = "max-age=63072000; includeSubDomains"  # two years, once the deployment is behind TLS (ASSISTANT_HTTPS=1)
