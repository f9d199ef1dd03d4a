"""Panel pages: my panels, a panel, the check, the score sheet, results, decisions, the letter, management.

Objects a user may not know about answer 404; known objects without the right answer 403.
"""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup, escape
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload
from wtforms.fields.choices import SelectChoice

from portal import cycle, permissions, scoring_adapter
from portal.extensions import db
from portal.failures import refused_back_to
from portal.kept import Kept, encode_part, page_around
from portal.models.org import City, Kmw, Team
from portal.models.pieces import Piece
from portal.models.reviews import (
    Entry,
    EntryStatus,
    Panel,
    PanelMember,
    PanelMode,
    PanelStatus,
    RubricVersion,
    Tier,
)
from portal.panels import bp, letters, operations, queries, rules
from portal.panels.forms import (
    ActionForm,
    CheckForm,
    MembersForm,
    OpenPanelForm,
    RecuseForm,
    SheetForm,
    TieForm,
)
from portal.period import Period
from portal.submissions import queries as piece_queries
from portal.submissions.requirements import check_requirements
from portal.timeutil import now_utc


def _panel_or_404(panel_id: int, *, entries: bool = True, results: bool = False):
    panel = queries.load_panel(panel_id, entries=entries, results=results)
    if panel is None or not rules.can_view_panel(current_user, panel):
        abort(404)
    return panel


# What every entry page (check, score sheet, recusal) reads right away, in one statement: the panel with its
# members (who they are, not their names) and rubric version, the entry's recusals, and the piece with its team
# and city. The rubric's instruments are not joined (they would repeat every other column eight times): the
# version's engine form is kept per worker (scoring_adapter.panel_rubric).
ENTRY_PAGE = (
    joinedload(Entry.panel).joinedload(Panel.members).lazyload(PanelMember.user),
    joinedload(Entry.panel).joinedload(Panel.rubric).lazyload(RubricVersion.instruments),
    joinedload(Entry.recusals),
    joinedload(Entry.piece).joinedload(Piece.team).joinedload(Team.city),
)


# Built once: SQLAlchemy reuses the statement's cache key instead of walking these options at every request.
_ENTRY_PAGE_STATEMENT = select(Entry).options(*ENTRY_PAGE).where(Entry.id == bindparam("entry_id"))


def _entry_or_404(entry_id: int) -> Entry:
    entry = db.session.execute(_ENTRY_PAGE_STATEMENT, {"entry_id": entry_id}).unique().scalar_one_or_none()
    if entry is None or not rules.can_view_panel(current_user, entry.panel):
        abort(404)
    return entry


# Template globals (see portal.templating): panels/_macros.html and home/_month.html are imported without context.
# (A photo's address is the template global ``photo_url``, portal.elearning.web: the submissions feature serves it
# and checks who may see the piece.)
bp.add_app_template_global(rules.panel_title, "panel_title")
bp.add_app_template_global(rules.writes_for_team, "writes_for_team")


@bp.app_template_filter("number_rows")
def number_rows(rows) -> Markup:
    """Table rows of a label and whole numbers (a member's total, an instrument's scores):
    ``<tr><td>label</td><td>9</td><td>7</td></tr>``. A closed national panel's results show thousands of
    numbers, too many for a template loop per cell: labels are escaped, numbers formatted with ``%d``."""
    return Markup("".join([
        "<tr><td>%s</td>%s</tr>" % (escape(label), "<td>%d</td>" * len(numbers) % tuple(numbers))
        if isinstance(numbers, (list, tuple)) else "<tr><td>%s</td><td>%d</td></tr>" % (escape(label), numbers)
        for label, numbers in rows]))


@bp.route("/")
@login_required
def my_panels():
    return render_template("panels/my_panels.html", rows=queries.my_panels(current_user),
                           manages=bool(queries.managed_nodes(current_user)))


@bp.route("/panel/<int:panel_id>")
@login_required
def panel(panel_id: int):
    panel = _panel_or_404(panel_id)
    return render_template("panels/panel.html", panel=panel, rows=queries.entry_rows(panel, current_user),
                           member=rules.membership(current_user, panel), manager=rules.can_manage_panel(current_user, panel),
                           chair=rules.is_chair(current_user, panel), problems=operations.readiness_problems(panel),
                           min_size=rules.min_size(panel.tier), deadline=queries.deadline(panel),
                           tz=rules.panel_timezone(panel), action=ActionForm(), recuse_form=RecuseForm(),
                           now=now_utc(), waiting=queries.waiting_pieces(panel),
                           collected_at=queries.collected_at(panel) if panel.tier == Tier.CITY else None)


# --- city check --------------------------------------------------------------------------------------

@bp.route("/entri/<int:entry_id>/periksa", methods=["GET", "POST"])
@login_required
def check(entry_id: int):

    entry = _entry_or_404(entry_id)
    panel = entry.panel
    if panel.tier != Tier.CITY or rules.membership(current_user, panel) is None and \
            not rules.can_manage_panel(current_user, panel):
        abort(403)
    if rules.writes_for_team(current_user, entry.piece.team_id):
        abort(403)
    form = CheckForm()
    if form.validate_on_submit():
        explained = {c: request.form.get(f"point_{c}") == "1" for c in range(1, 9)}
        try:
            operations.check_entry(entry.id, current_user, explained, form.note.data or "")
        except operations.PanelError as exc:
            flash(exc.message, "error")
        else:
            flash(_("Tulisan dikembalikan ke penulis beserta alasannya.") if entry.status == EntryStatus.RETURNED
                  else _("Tulisan lengkap dan masuk penilaian."), "success")
            return redirect(url_for("panels.panel", panel_id=panel.id))
    return render_template("panels/check.html", entry=entry, panel=panel, piece=entry.piece,
                           missing=check_requirements(entry.piece), form=form,
                           checklist=queries.checklist(entry),
                           instruments=scoring_adapter.panel_rubric(panel).instruments)


@bp.route("/entri/<int:entry_id>/mundur", methods=["POST"])
@login_required
def recuse(entry_id: int):
    entry = _entry_or_404(entry_id)
    if rules.membership(current_user, entry.panel) is None:
        abort(403)
    form = RecuseForm()
    back = url_for("panels.panel", panel_id=entry.panel_id)
    if form.validate_on_submit():
        refused_back_to(back)
        operations.recuse(entry.id, current_user, form.reason.data)
        flash(_("Pengunduran diri Anda dicatat; tulisan ini dinilai oleh anggota lain."), "success")
    else:
        flash(_("Tuliskan alasan konflik kepentingan Anda."), "error")
    return redirect(back)


# --- score sheet -------------------------------------------------------------------------------------

@bp.route("/entri/<int:entry_id>/nilai", methods=["GET", "POST"])
@login_required
def sheet(entry_id: int):
    entry = queries.entry_view(entry_id)  # rows: the page shows its entry, panel and piece, never changes them
    if entry is None or not rules.can_view_panel(current_user, entry.panel):
        abort(404)
    panel = entry.panel
    consensus = panel.mode == PanelMode.CONSENSUS
    if rules.membership(current_user, panel) is None or not rules.may_score(current_user, entry):
        abort(403)
    if consensus and panel.chair_id != current_user.id:
        abort(403)
    if entry.status != EntryStatus.ELIGIBLE:
        abort(404)
    rubric = scoring_adapter.panel_rubric(panel)
    codes = [i.code for i in rubric.instruments]
    existing = queries.sheet_view(entry.id, current_user.id, consensus)
    form = SheetForm()
    values = dict(existing.values) if existing else {c: None for c in codes}
    errors: dict[int, str] = {}
    typed: dict[int, str] = {}  # a refused score is shown back as typed, beside its message
    status = 200
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        values, errors = operations.parse_scores(request.form, codes, rubric.min_score, rubric.max_score)
        typed = {code: (request.form.get(f"score_{code}") or "").strip() for code in errors}
        submit = bool(form.submit.data)
        if errors:
            flash(_("Periksa nilai yang ditandai: setiap instrumen diisi bilangan bulat %(a)d sampai %(b)d.",
                    a=rubric.min_score, b=rubric.max_score), "error")
            status = 422
        else:
            version = int(form.version.data) if (form.version.data or "").isdigit() else None
            try:
                operations.save_sheet(entry.id, current_user, values, version=version, submit=submit,
                                      consensus=consensus, note=form.note.data or "")
            except operations.PanelLocked as exc:
                flash(exc.message, "error")
                status = 409
            except operations.StaleSheet as exc:
                flash(exc.message, "error")
                status = 409
                # The next save deliberately replaces the newer sheet: the form now carries its version.
                fresh = queries.sheet_view(entry.id, current_user.id, consensus)
                form.version.data = str(fresh.version) if fresh else ""
            except operations.PanelError as exc:
                flash(exc.message, "error")
                status = 422
            else:
                flash(_("Nilai terkirim. Terima kasih.") if submit else _("Draf nilai tersimpan."), "success")
                return redirect(url_for("panels.sheet", entry_id=entry.id))
        existing = queries.sheet_view(entry.id, current_user.id, consensus)
    else:
        form.note.data = existing.note if existing else ""
        form.version.data = str(existing.version) if existing else ""
    return render_template("panels/sheet.html", entry=entry, panel=panel, form=form,
                           piece_part=_piece_part(entry.piece, piece_queries.photo_rows(entry.piece_id)),
                           changes=queries.sheet_changes(existing),
                           sheet=existing, values=values, errors=errors, typed=typed, rubric=rubric,
                           total=scoring_adapter.sheet_total(panel, values),
                           max_total=scoring_adapter.max_total(panel),
                           locked=panel.status != PanelStatus.OPEN, consensus=consensus), status


# The piece beside a score sheet is the same for every member who opens it, and members open each sheet several
# times: rendered once per worker (a twelfth of the page) for exactly what it shows. Its key is the piece's row and
# its photos' rows themselves, compared value by value, so a changed title, text, name or caption is a new key.
_sheet_pieces: Kept[Markup] = Kept(128)


def _piece_part(piece: piece_queries.PieceText, photos: list) -> Markup:
    return _sheet_pieces.get(("sheet-piece", piece, tuple(photos)), lambda: Markup(
        render_template("panels/_piece_body.html", piece=piece, photos=photos)))


# --- results and decisions ---------------------------------------------------------------------------

@bp.route("/panel/<int:panel_id>/hasil")
@login_required
def results(panel_id: int):
    panel = queries.panel_view(panel_id)  # rows: a closed panel's page shows its kept view and nothing else
    if panel is None or not rules.can_view_panel(current_user, panel):
        abort(404)
    chair = rules.is_chair(current_user, panel)
    member_of = rules.membership(current_user, panel) is not None
    show_calibration = chair or rules.can_manage_panel(current_user, panel)
    if panel.status == PanelStatus.CLOSED:  # the recorded decision: no entries, sheets or ranking to load
        view = queries.decided_view(panel, show_calibration=show_calibration)
        if view.listing is None:  # the same for everyone who may see it: rendered and encoded once per kept view
            view.listing = encode_part(render_template("panels/_results_list.html", panel=panel, view=view,
                                                       chair=False, member_of=False, scorable=set(), tie_form=None))
        return page_around(view.listing, "panels/results.html", "listing", panel=panel, view=view, chair=chair,
                           member_of=member_of, problems=[], scorable=set(), tie_form=None,
                           action=None)  # nothing to decide
    # the open panel with its members' names, entries, sheets and recusals, and its rubric's instruments
    panel = queries.load_panel(panel_id, results=True, instruments=True)
    if panel is None:  # deleted since the first statement
        abort(404)
    view = queries.live_view(panel, current_user, show_calibration=show_calibration)
    scorable = {e.id for e in panel.entries if member_of and rules.may_score(current_user, e)} \
        if panel.mode == PanelMode.INDIVIDUAL or chair else set()
    return render_template("panels/results.html", panel=panel, view=view, chair=chair, tie_form=TieForm(),
                           action=ActionForm(), problems=operations.readiness_problems(panel),
                           member_of=member_of, scorable=scorable)


@bp.route("/entri/<int:entry_id>/seri", methods=["POST"])
@login_required
def tie(entry_id: int):
    entry = _entry_or_404(entry_id)
    if not rules.is_chair(current_user, entry.panel):
        abort(403)
    form = TieForm()
    back = url_for("panels.results", panel_id=entry.panel_id)
    if form.validate_on_submit():
        refused_back_to(back)
        operations.decide_tie(entry.id, current_user, form.decision.data == "yes", form.reason.data)
        flash(_("Keputusan nilai seri dicatat."), "success")
    else:
        flash(_("Pilih keputusan dan tuliskan alasannya."), "error")
    return redirect(back)


@bp.route("/panel/<int:panel_id>/tutup", methods=["POST"])
@login_required
def close(panel_id: int):
    panel = _panel_or_404(panel_id)
    if not rules.is_chair(current_user, panel):
        abort(403)
    if not ActionForm().validate_on_submit():
        abort(400)
    refused_back_to(url_for("panels.results", panel_id=panel.id))
    operations.close_panel(panel.id, current_user)
    flash(_("Panel diputuskan. Nilai terkunci dan surat keputusan dapat diunduh."), "success")
    return redirect(url_for("panels.results", panel_id=panel.id))


@bp.route("/panel/<int:panel_id>/surat.pdf")
@login_required
def letter(panel_id: int):
    panel = _panel_or_404(panel_id)
    if panel.status != PanelStatus.CLOSED:
        abort(404)
    pdf = letters.letter_pdf(panel)
    return current_app.response_class(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{letters.letter_filename(panel)}"',
        "Cache-Control": "private, no-store"})


# --- management --------------------------------------------------------------------------------------

@bp.route("/kelola", methods=["GET", "POST"])
@login_required
def manage():
    nodes = queries.managed_nodes(current_user)
    if not nodes:
        abort(403)
    period = Period.parse(request.args.get("bulan")) or cycle.current_period(permissions.home_timezone(current_user))
    form = OpenPanelForm(period=period)
    form.node.choices = [SelectChoice(queries.node_key(t, n), label) for t, n, label in nodes]
    if form.validate_on_submit():
        tier, node = next((t, n) for t, n, _l in nodes if queries.node_key(t, n) == form.node.data)
        try:
            panel = operations.open_panel(tier, form.period.data, current_user,
                                          city=node if isinstance(node, City) else None,
                                          kmw=node if isinstance(node, Kmw) else None)
        except operations.PanelError as exc:
            flash(exc.message, "error")
        else:
            return redirect(url_for("panels.members", panel_id=panel.id))
    return render_template("panels/manage.html", form=form, nodes=nodes, period=period,
                           panels=queries.panels_for_period(nodes, period), previous=period.previous(),
                           following=period.next(),
                           node_key=queries.node_key)


@bp.route("/panel/<int:panel_id>/anggota", methods=["GET", "POST"])
@login_required
def members(panel_id: int):
    panel = _panel_or_404(panel_id)
    if not rules.can_manage_panel(current_user, panel):
        abort(403)
    pool = rules.pool(panel)
    form = MembersForm()
    form.members.choices = [SelectChoice(u.id, f"{u.name} ({u.position or u.email})") for u in pool]
    form.chair.choices = [SelectChoice(0, _("— pilih ketua —"))] + [SelectChoice(u.id, u.name) for u in pool]
    if request.method == "GET":
        form.members.data = [m.user_id for m in panel.members]
        form.chair.data = panel.chair_id or 0
        form.mode.data = panel.mode.value
    elif form.validate_on_submit():
        try:
            operations.set_members(panel.id, form.members.data or [], form.chair.data or None,
                                   PanelMode(form.mode.data), current_user)
        except operations.PanelError as exc:
            flash(exc.message, "error")
        else:
            flash(_("Susunan panel tersimpan."), "success")
            return redirect(url_for("panels.panel", panel_id=panel.id))
    return render_template("panels/members.html", panel=panel, form=form, min_size=rules.min_size(panel.tier),
                           locked=panel.status != PanelStatus.OPEN)


@bp.route("/panel/<int:panel_id>/kumpulkan", methods=["POST"])
@login_required
def collect(panel_id: int):
    panel = _panel_or_404(panel_id)
    if not rules.can_manage_panel(current_user, panel):
        abort(403)
    if not ActionForm().validate_on_submit():
        abort(400)
    refused_back_to(url_for("panels.panel", panel_id=panel.id))
    added = operations.collect_city_entries(panel.id, current_user)
    flash(_("%(n)d tulisan baru masuk panel.", n=added), "success")
    return redirect(url_for("panels.panel", panel_id=panel.id))
