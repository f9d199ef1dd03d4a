"""What people are told: the notification centre (``/notifikasi``), each user's choice of delivery per category
(``/akun/pemberitahuan``), the daily digest, and the subscribers that turn the operations' events into messages.

- ``events.py``: who is told what, one subscriber per event (registered in ``portal/subscribers.py``)
- ``operations.py``: reading and marking notifications; the daily digest (a periodic task)
- ``routes.py``: the pages

Every message goes through ``portal.mail.outbox.queue_message``, which writes the notification and follows the
recipient's choice for its email. Register with :func:`init_app` (the digest task) and ``app.register_blueprint(bp)``.
"""
from flask import Blueprint, Flask

from portal import tasks

bp = Blueprint("notifications", __name__)


def init_app(app: Flask) -> None:
    """The daily digest's periodic task, on the app's task queue."""
    tasks.on_queue(app, operations.register_tasks)


from portal.notifications import operations, routes  # noqa: E402,F401  (routes attach themselves to bp)
