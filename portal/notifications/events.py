"""Who is told what, one subscriber per event of the operations (``portal.signals``), registered in
``portal/subscribers.py``. Each runs inside the operation's transaction (before its commit): the notifications and
messages it writes exist exactly when the change does, and the commit announces the mail to a consumer
(``portal.mail.outbox.listen``). A message says what happened and what to do; never who scored what.

Recipients are active accounts only; whoever caused an event is not told about it (a replier about their own
reply). Account mail (invitations, resets) is not here: the account operations send it themselves.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal import tiers
from portal.extensions import db
from portal.mail import messages
from portal.mail.outbox import portal_url
from portal.models.elearning import Comment
from portal.models.people import Role, RoleAssignment, User
from portal.models.pieces import Piece
from portal.models.reviews import EntryStatus, Panel, Tier


def team_writers(team_id: int, *, besides: set[int] = frozenset()) -> list[User]:
    """The active writers of a team, in a stable order."""
    users = db.session.scalars(
        select(User).join(RoleAssignment, RoleAssignment.user_id == User.id)
        .where(RoleAssignment.role == Role.WRITER, RoleAssignment.team_id == team_id, User.active.is_(True))
        .order_by(User.id)).unique().all()
    return [u for u in users if u.id not in besides]


def _active(user_ids) -> list[User]:
    ids = sorted({i for i in user_ids if i})
    if not ids:
        return []
    return list(db.session.scalars(select(User).where(User.id.in_(ids), User.active.is_(True)).order_by(User.id)))


def _data_managers(**scope) -> list[User]:
    """Active data managers at exactly this node (``city_id=`` or ``kmw_id=``)."""
    column = RoleAssignment.city_id if "city_id" in scope else RoleAssignment.kmw_id
    return list(db.session.scalars(
        select(User).join(RoleAssignment, RoleAssignment.user_id == User.id)
        .where(RoleAssignment.role == Role.DATA_MANAGER, column == next(iter(scope.values())),
               User.active.is_(True)).order_by(User.id)).unique())


def _panel_title(panel: Panel) -> str:
    from portal.panels.rules import panel_title

    return panel_title(panel)


# --- writers ---------------------------------------------------------------------------------------------

def on_piece_submitted(piece, **_kwargs) -> None:
    """A receipt to the team's writers: submitted, to whom."""
    from portal.panels.rules import receiving_panel_key

    tier, _key = receiving_panel_key(piece.team)
    receiver = tiers.policy(tier).receiver  # a lazy string: written in each recipient's language
    for writer in team_writers(piece.team_id):
        messages.piece_receipt(writer, piece, receiver=receiver)


def on_piece_returned(entry, *, reasons, **_kwargs) -> None:
    """The panel's reasons, to the team's writers."""
    piece = entry.piece
    for writer in team_writers(piece.team_id):
        messages.piece_returned(writer, piece, list(reasons))


def on_panel_decided(panel: Panel, **_kwargs) -> None:
    """The outcome of each decided piece to its writers; the recap (Lampiran) to the node's data managers."""
    if not isinstance(panel, Panel):  # an announcement without a panel (tests/test_events.py) tells nobody
        return
    policy = tiers.policy(panel.tier)
    title = _panel_title(panel)
    next_label = tiers.policy(policy.next_tier).receiver if policy.next_tier else ""
    for entry in sorted(panel.entries, key=lambda e: e.id):
        if entry.status != EntryStatus.ELIGIBLE or entry.na is None:
            continue
        if entry.selected:
            outcome = "forwarded" if policy.next_tier else "chosen"
        else:
            outcome = "passed" if entry.passed else "not_passed"
        for writer in team_writers(entry.piece.team_id):
            messages.piece_outcome(writer, entry.piece, outcome=outcome, panel=title, next_tier=next_label,
                                   na=entry.na)
    _recap_due(panel, title)


def _recap_due(panel: Panel, title: str) -> None:
    if panel.tier == Tier.CITY and panel.city_id:
        lampiran, managers = "Lampiran 3", _data_managers(city_id=panel.city_id)
        link = portal_url("reports.lampiran3", city_id=panel.city_id, periode=str(panel.period))
    elif panel.tier == Tier.PROVINCE and panel.kmw_id:
        lampiran, managers = "Lampiran 2", _data_managers(kmw_id=panel.kmw_id)
        link = portal_url("reports.lampiran2", kmw_id=panel.kmw_id, periode=str(panel.period))
    else:
        return
    for manager in managers:
        messages.recap_due(manager, panel, panel_title=title, lampiran=lampiran, link=link)


def on_piece_published(panel, *, pieces, **_kwargs) -> None:
    """Publication, with the link to the public page, to each piece's writers."""
    level = _l("tingkat nasional") if panel.tier == Tier.NATIONAL else _l("tingkat provinsi")
    for piece in pieces:
        for writer in team_writers(piece.team_id):
            messages.piece_published(writer, piece, level=level)


def on_award_recorded(award, **_kwargs) -> None:
    """The award, to the team's writers."""
    piece = db.session.get(Piece, award.piece_id)
    for writer in team_writers(piece.team_id):
        messages.award(writer, piece, award_title=award.title)


# --- panel members ---------------------------------------------------------------------------------------

def on_panel_members_set(panel: Panel, *, added, new_chair, **_kwargs) -> None:
    """The new members (and a new chair) hear that they are on the panel."""
    title = _panel_title(panel)
    told = set()
    for user in _active(added):
        messages.panel_assignment(user, panel, panel_title=title, chair=user.id == panel.chair_id)
        told.add(user.id)
    if new_chair and new_chair not in told:
        for user in _active([new_chair]):
            messages.panel_assignment(user, panel, panel_title=title, chair=True)


def on_entries_collected(panel: Panel, *, count, **_kwargs) -> None:
    """Pieces to check or score reached the panel: its members hear how many."""
    title = _panel_title(panel)
    for user in _active(m.user_id for m in panel.members):
        messages.panel_work(user, panel, panel_title=title, count=count)


def on_sheet_submitted(sheet, **_kwargs) -> None:
    """When this sheet was the last one the panel waited for: the chair hears that all are in, and whether ties
    at the cut-off wait for a decision."""
    from portal.panels.operations import all_sheets_in
    from portal.scoring_adapter import panel_results

    panel = sheet.entry.panel
    if panel.chair_id is None or not all_sheets_in(panel):
        return
    chair = _active([panel.chair_id])
    if not chair:
        return
    title = _panel_title(panel)
    messages.sheets_complete(chair[0], panel, panel_title=title)
    results = panel_results(panel)
    ties = int((results["shortlisted"] == "tie").sum()) if len(results) else 0
    if ties:
        messages.ties_to_decide(chair[0], panel, panel_title=title, count=ties)


# --- discussions -----------------------------------------------------------------------------------------

def on_comment_posted(comment: Comment, **_kwargs) -> None:
    """A question: the team's writers. A reply: the author of the comment replied to and the team's writers.
    Never the one who wrote it; a plain comment tells nobody."""
    piece = db.session.get(Piece, comment.piece_id)
    if comment.parent_id is None:
        if comment.kind == "question":
            for writer in team_writers(piece.team_id, besides={comment.user_id}):
                messages.discussion_question(writer, comment, piece)
        return
    parent = db.session.get(Comment, comment.parent_id)
    recipients = {u.id: u for u in team_writers(piece.team_id)}
    if parent is not None and parent.user is not None and parent.user.active:
        recipients.setdefault(parent.user_id, parent.user)
    recipients.pop(comment.user_id, None)
    for user_id in sorted(recipients):
        messages.discussion_reply(recipients[user_id], comment, piece)
