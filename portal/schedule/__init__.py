"""The scheduled steps of the monthly cycle, run by the task queue's consumers in each node's local time.

- ``steps.py``: which steps, at which node, due when (local), and when a reminder is no longer worth sending
- ``engine.py``: the periodic tick, claiming a (step, node, month) by inserting its ``scheduled_run`` row
- ``work.py``: what each step does (collect the city entries, queue the reminders and notices)
- ``operations.py`` / ``admin.py``: the administrators' list of runs (``/admin/langkah-terjadwal``), run again

Register with :func:`init_app` (the tasks) and ``app.register_blueprint(admin.bp)``.
"""
from flask import Flask

from portal import tasks
from portal.schedule import engine


def init_app(app: Flask) -> None:
    """The scheduler's tasks, on the app's task queue."""
    tasks.on_queue(app, engine.register_tasks)
