"""Who reacts to what the operations announce: every subscriber of the portal, registered in one place.

The operations send named signals (``portal.signals``) right where a change happens; this module, called by the
app factory, decides what follows from them. Nothing is attached at import time.

What people are told (mail and the notification centre) is decided in ``portal.notifications.events`` and
subscribed here like everything else; a commit that queued mail announces it (``portal.mail.outbox.listen``).

Two generic session events stay, because they are the only safe place for what they do, and are attached here
too: the page cache is emptied only after COMMIT succeeded (a signal is sent before the commit, which may still
fail), and both the page cache and the search index also catch writes that no operation announced (a shell
command, a bulk fix, a test), at flush. The request plumbing of portal/db.py (SQLite pragmas, the read-only
transaction tracking) is not a domain event: ``register_extensions`` registers it.
"""
from __future__ import annotations

from flask import Flask

from portal import page_cache, search, signals
from portal.mail import outbox
from portal.notifications import events as tell

# signal -> its subscribers, in the order they run
SUBSCRIPTIONS = {
    signals.piece_submitted: (tell.on_piece_submitted,),
    signals.piece_returned: (tell.on_piece_returned,),
    signals.panel_members_set: (tell.on_panel_members_set,),
    signals.entries_collected: (tell.on_entries_collected,),
    signals.sheet_submitted: (tell.on_sheet_submitted,),
    signals.piece_published: (search.index_published, page_cache.mark_public_change, tell.on_piece_published),
    # closed results are kept per content generation
    signals.panel_decided: (page_cache.mark_public_change, tell.on_panel_decided),
    signals.comment_posted: (page_cache.mark_public_change, tell.on_comment_posted),
    signals.comment_moderated: (page_cache.mark_public_change,),
    signals.piece_confirmed: (page_cache.mark_public_change,),
    signals.award_recorded: (page_cache.mark_public_change, tell.on_award_recorded),
    signals.award_corrected: (page_cache.mark_public_change,),  # the piece page, the honour roll, verification
    signals.award_revoked: (page_cache.mark_public_change,),
    signals.knowledge_product_published: (page_cache.mark_public_change,),
    signals.knowledge_product_withdrawn: (page_cache.mark_public_change,),
    signals.anthology_built: (page_cache.mark_public_change,),
    signals.org_node_created: (page_cache.mark_public_change,),
    signals.org_node_renamed: (search.index_below_node, page_cache.mark_public_change),
    signals.org_node_moved: (search.index_below_node, page_cache.mark_public_change),
    signals.org_node_deleted: (page_cache.mark_public_change,),
    signals.org_tree_imported: (page_cache.mark_public_change,),
    # piece_withdrawn changes nothing public and tells nobody (the writer did it).
    # nomination_round_opened and nominations_confirmed change nothing public.
}


def register_subscribers(app: Flask) -> None:
    """Connect the subscribers to the signals and attach the session events (idempotent: signals and session
    events are process-wide, and several apps may be built in one process)."""
    for signal, receivers in SUBSCRIPTIONS.items():
        for receiver in receivers:
            signal.connect(receiver, weak=False)
    page_cache.listen()
    search.listen()
    outbox.listen()  # a commit that queued mail (a subscriber's message) announces it to a consumer
