"""`assistant serve`: the kiosk web app on a production WSGI server, refusing a production start on demo data."""

from __future__ import annotations

import click

from .. import seeding
from .context import Context, fail


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option(
    "--threads",
    default=4,
    show_default=True,
    type=int,
    help="Threads a worker for the app (2-4 measured best; 4 leaves room for a slow page).",
)
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Worker processes sharing the socket (Linux, macOS): one a core for a busy entrance's API.",
)
@click.option(
    "--server",
    type=click.Choice(["granian", "waitress"]),
    default="granian",
    show_default=True,
    help="The HTTP server: Granian (faster, measured) or waitress (pure Python, runs anywhere).",
)
def serve(host: str, port: int, threads: int, workers: int, server: str):
    """Serve the kiosk web app on a production WSGI server (waitress). Production unless ASSISTANT_DEMO=1."""
    import os

    from .. import logs, metrics, serving

    metrics.use_processes()  # first: every figure of every worker is counted into the one folder
    ctx = Context()
    if not ctx.config["DEMO"]:
        if os.environ.get("ASSISTANT_AT"):
            fail("ASSISTANT_AT moves the clock, which only the demo may do. Unset it, or set ASSISTANT_DEMO=1.")
        with ctx.db.session() as s:
            demo_data = seeding.demo_data_present(s, ctx.config["SEEDS_DIR"], ctx.hash_key)
        if demo_data:
            fail(
                "This database holds demo residents, kiosks or staff accounts, so a production server will not start "
                "on it. Use a new database (DATABASE_URL or ASSISTANT_INSTANCE) and `assistant seed` there, "
                "or run the demo with ASSISTANT_DEMO=1."
            )
    logs.configure()
    if workers > 1 and not serving.can_share_socket():
        click.echo("This system cannot share a socket between processes; serving with one worker.", err=True)
    mode = "demo" if ctx.config["DEMO"] else "production: bind each kiosk at /kiosk/setup"
    click.echo(f"The kiosk is at http://{host}:{port}/kiosk/  (start page: http://{host}:{port}/; {mode})")
    serving.serve(host, port, threads, workers, server)
