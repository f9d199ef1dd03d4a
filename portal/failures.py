"""One error hierarchy: an operation that refuses raises a :class:`PortalError` carrying the message for the user.

Each feature's refusal is a subclass (``PanelError``, ``SubmissionError``, ``AccountError``, ...), so its callers
keep catching it by its own name. One handler, registered by the app factory
(``portal.errors.install_error_handlers``), turns an uncaught refusal into what the request expects:

- a JSON endpoint (decorated with :func:`json_endpoint`, or a request that sent or prefers JSON):
  ``{"error": message, ...}`` with the error's HTTP status;
- a form page: the message flashed and a redirect to where the view said the user goes back to
  (:func:`refused_back_to`), else to the page the form was on (the same-site referrer);
- anything else: the error page with the message and the status.

A view only catches a refusal itself when it shows it beside a field or renders the form again with what the
user typed. This module imports nothing of the portal, so every feature can import it.
"""
from __future__ import annotations

import functools
from urllib.parse import urlsplit

from flask import request

# Marks a view leaves on its request (not on ``g``, which outlives a request when an app context was pushed
# around several, as in the tests and shell scripts).
_BACK_TO = "portal.refused_back_to"
_JSON = "portal.json_endpoint"


class PortalError(Exception):
    """A refused operation. ``message`` is shown to the user as it is (already translated)."""

    status = 400  # HTTP status of the JSON answer or the error page

    def __init__(self, message: str = ""):
        super().__init__(message)
        self.message = message

    def json(self) -> dict:
        """The body of the JSON answer; a subclass adds what its callers' scripts read."""
        return {"error": self.message}


def refused_back_to(url: str) -> None:
    """Where a refusal of the operation this view is about to call sends the user (with the message flashed)."""
    request.environ[_BACK_TO] = url


def json_endpoint(view):
    """Mark a view that answers JSON: a refusal becomes ``{"error": ...}`` with its status, not a flash."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        request.environ[_JSON] = True
        return view(*args, **kwargs)

    return wrapper


def wants_json() -> bool:
    if request.environ.get(_JSON) or request.is_json:
        return True
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]


def back_url() -> str | None:
    """Where a refused form goes back to: the view's choice, else the same-site page the form was posted from;
    None when neither is known (a GET cannot go back to itself)."""
    chosen = request.environ.get(_BACK_TO)
    if chosen:
        return chosen
    referrer = request.referrer
    if referrer and request.method != "GET":
        parts = urlsplit(referrer)
        if parts.netloc == request.host and parts.scheme in ("http", "https"):
            return referrer
    return None
