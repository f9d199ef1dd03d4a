"""What the portal's operations announce: named blinker signals, as Indico does (``signals.event.created``).

An operation sends its signal right where the change happens, inside its transaction and before it commits, so
a subscriber may write in the same transaction (the search index does) or note what to do once it has committed
(the page cache does). Who listens is decided in one place, :func:`portal.subscribers.register_subscribers`,
which the app factory calls; nothing here knows its subscribers.

Every signal's sender is the object that changed; the keyword arguments are listed in its doc.
"""
from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

# --- submissions ---------------------------------------------------------------------------------------
piece_submitted = _signals.signal("piece-submitted", doc="""
A writer submitted a piece to the panel that receives it. Sender: the piece.""")
piece_withdrawn = _signals.signal("piece-withdrawn", doc="""
A writer took a submitted piece back to draft. Sender: the piece.""")

# --- panels ----------------------------------------------------------------------------------------------
panel_members_set = _signals.signal("panel-members-set", doc="""
A data manager set a panel's members, chair and mode. Sender: the panel. ``added``: the ids of the users now on
the panel who were not before; ``new_chair``: the chair's id when the chair changed, else None.""")
entries_collected = _signals.signal("entries-collected", doc="""
Pieces entered a panel (collected from the teams, taken from a Korkot team, or sent up by the tier below).
Sender: the panel. ``count``: how many entries were added or came back.""")
piece_returned = _signals.signal("piece-returned", doc="""
The city panel's check returned a piece to its writers for fixes. Sender: the entry. ``reasons``: the panel's
reasons, one per item.""")
sheet_submitted = _signals.signal("sheet-submitted", doc="""
A panel member (or the chair of a consensus panel) sent a score sheet. Sender: the sheet (flushed).""")
panel_decided = _signals.signal("panel-decided", doc="""
A panel's chair closed the panel: NA, ranks and selection are stored, the letter numbered, the chosen pieces
sent up. Sender: the panel.""")
piece_published = _signals.signal("piece-published", doc="""
A panel's decision made pieces best practices at its tier (published, or raised to the national level).
Sender: the panel. ``pieces``: the pieces concerned.""")

# --- e-learning ------------------------------------------------------------------------------------------
comment_posted = _signals.signal("comment-posted", doc="""
A reader posted a comment, question or reply on a published piece. Sender: the comment.""")
comment_moderated = _signals.signal("comment-moderated", doc="""
A data manager hid or restored a comment. Sender: the comment. ``hidden``: its new state.""")
piece_confirmed = _signals.signal("piece-confirmed", doc="""
A reader confirmed a published piece ("Saya konfirmasi") or took the confirmation back. Sender: the piece.
``user``: the reader; ``confirmed``: the new state.""")
award_recorded = _signals.signal("award-recorded", doc="""
An award was recorded for a national winner. Sender: the award.""")
award_corrected = _signals.signal("award-corrected", doc="""
The national data manager corrected an award (its revision went up; earlier certificates verify as corrected).
Sender: the award. ``previous``: the corrected fields' earlier values.""")
award_revoked = _signals.signal("award-revoked", doc="""
The national data manager revoked an award (its certificates verify as revoked). Sender: the award.""")
knowledge_product_published = _signals.signal("knowledge-product-published", doc="""
A knowledge product was put on the public pages. Sender: the product.""")
knowledge_product_withdrawn = _signals.signal("knowledge-product-withdrawn", doc="""
A knowledge product was taken off the public pages. Sender: the product.""")
anthology_built = _signals.signal("anthology-built", doc="""
A build of a yearly anthology book succeeded: the book now points at its new files (listed on the public pages).
Sender: the book.""")

# --- workshop nominations --------------------------------------------------------------------------------
nomination_round_opened = _signals.signal("nomination-round-opened", doc="""
The national data manager opened a semester's round of workshop nominations. Sender: the round.""")
nominations_confirmed = _signals.signal("nominations-confirmed", doc="""
A provincial data manager confirmed (or changed) a province's delegates of a round. Sender: the round.
``province``: the province; ``nominations``: its confirmed delegates.""")

# --- organisation tree -----------------------------------------------------------------------------------
org_node_created = _signals.signal("org-node-created", doc="""
A node of the organisation tree was created (a city with its Korkot team). Sender: the node. ``level``:
its level key (``portal.org.levels``).""")
org_node_renamed = _signals.signal("org-node-renamed", doc="""
A node got a new name or code (by hand or by a tree import). Sender: the node. ``level``: its level key.""")
org_node_moved = _signals.signal("org-node-moved", doc="""
A node was moved under another parent; what hangs below moved with it. Sender: the node. ``level``: its
level key.""")
org_node_deleted = _signals.signal("org-node-deleted", doc="""
A node of the organisation tree was deleted. Sender: the node (still loaded). ``level``: its level key.""")
org_tree_imported = _signals.signal("org-tree-imported", doc="""
A tree CSV was imported (nodes created and renamed in one transaction; each renamed node also sends
:data:`org_node_renamed`). Sender: the import result.""")


def all_signals() -> dict[str, object]:
    """Every signal of the portal by name (what the tests walk)."""
    return dict(_signals)
