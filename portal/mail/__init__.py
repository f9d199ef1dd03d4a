"""Mail: the outbox, delivery over SMTP by the task queue's consumers, and the recipients' unsubscribe links.

- ``settings.py``: ``MAIL_URL``, ``MAIL_FROM``, ``PORTAL_BASE_URL`` (checked when the app starts)
- ``categories.py``: what the portal sends, and which messages can be turned off
- ``outbox.py``: rendering a message in its recipient's language and queueing it
- ``delivery.py``: the consumer's side: claim, send over one connection per batch, defer or fail
- ``operations.py`` / ``routes.py``: unsubscribe (public, signed links); ``admin.py``: the administrators' outbox

Register with :func:`init_app` (the delivery tasks) and ``app.register_blueprint(bp)`` (URL prefix ``/surel``).
"""
from flask import Blueprint, Flask

from portal import tasks

bp = Blueprint("mail", __name__, url_prefix="/surel")


def init_app(app: Flask) -> None:
    """The delivery tasks, on the app's task queue (settings were checked with the configuration)."""
    tasks.on_queue(app, delivery.register_tasks)


from portal.mail import delivery, routes  # noqa: F401  (routes attach themselves to bp)
