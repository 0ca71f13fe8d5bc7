"""The assistant: a check-in kiosk that lets people without smartphones show their (simulated) health status.

Kept empty on purpose: importing a part (the reader bridge on a kiosk computer, say) loads only that part. The app
factory is `assistant.app.create_app`, also reachable as `assistant.create_app`.
"""


def __getattr__(name: str):
    if name == "create_app":
        from .app import create_app

        return create_app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
