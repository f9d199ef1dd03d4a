"""Who reacts to what the operations announce: every subscriber of the portal, registered in one place.

The operations send named signals (``portal.signals``) right where a change happens; this module, called by the
app factory, decides what follows from them. Nothing is attached at import time.

Two generic session events stay, because they are the only safe place for what they do, and are attached here
too: the page cache is emptied only after COMMIT succeeded (a signal is sent before the commit, which may still
fail), and both the page cache and the search index also catch writes that no operation announced (a shell
command, a bulk fix, a test), at flush. The request plumbing of portal/db.py (SQLite pragmas, the read-only
transaction tracking) is not a domain event: ``register_extensions`` registers it.
"""
from __future__ import annotations

from flask import Flask

from portal import page_cache, search, signals

# signal -> its subscribers, in the order they run
SUBSCRIPTIONS = {
    signals.piece_published: (search.index_published, page_cache.mark_public_change),
    signals.panel_decided: (page_cache.mark_public_change,),  # closed results are kept per content generation
    signals.comment_posted: (page_cache.mark_public_change,),
    signals.comment_moderated: (page_cache.mark_public_change,),
    signals.piece_confirmed: (page_cache.mark_public_change,),
    signals.award_recorded: (page_cache.mark_public_change,),
    signals.award_corrected: (page_cache.mark_public_change,),  # the piece page, the honour roll, verification
    signals.award_revoked: (page_cache.mark_public_change,),
    signals.knowledge_product_published: (page_cache.mark_public_change,),
    signals.knowledge_product_withdrawn: (page_cache.mark_public_change,),
    signals.org_node_created: (page_cache.mark_public_change,),
    signals.org_node_renamed: (search.index_below_node, page_cache.mark_public_change),
    signals.org_node_moved: (search.index_below_node, page_cache.mark_public_change),
    signals.org_node_deleted: (page_cache.mark_public_change,),
    signals.org_tree_imported: (page_cache.mark_public_change,),
    # piece_submitted and piece_withdrawn change nothing public; the notifications will subscribe to them.
    # nomination_round_opened and nominations_confirmed change nothing public either.
}


def register_subscribers(app: Flask) -> None:
    """Connect the subscribers to the signals and attach the session events (idempotent: signals and session
    events are process-wide, and several apps may be built in one process)."""
    for signal, receivers in SUBSCRIPTIONS.items():
        for receiver in receivers:
            signal.connect(receiver, weak=False)
    page_cache.listen()
    search.listen()
