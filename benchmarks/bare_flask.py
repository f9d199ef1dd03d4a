"""The floor of the load benchmark: a bare Flask application that answers "hello", with nothing of the portal
(no extensions, no session, no hooks). ``load.py`` runs it in its own gunicorn with the portal's server settings
and reports every page as a share of it.

    gunicorn -w 2 --chdir benchmarks bare_flask:app
"""
from __future__ import annotations

from flask import Flask

app = Flask(__name__)


@app.route("/_bench/hello")
def hello():
    return "hello"
