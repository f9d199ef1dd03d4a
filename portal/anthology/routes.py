"""Thin views of the anthology: open a year, compose the book, build it, follow the build."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from portal import jobs, permissions
from portal.anthology import bp, operations, queries, rules
from portal.anthology.content import default_title
from portal.anthology.forms import NATIONAL_CHOICE, BookForm, OpenForm
from portal.extensions import db
from portal.models.org import Province


def _scope_choices() -> list[SelectChoice]:
    choices = [SelectChoice(NATIONAL_CHOICE, _("Nasional"))] if permissions.can_manage_national(current_user) else []
    return choices + [SelectChoice(str(p.id), _("Provinsi %(name)s", name=p.name))
                      for p in rules.managed_provinces(current_user)]


@bp.route("/")
@login_required
def index():
    if not rules.may_use_anthology(current_user):
        abort(403)
    form = OpenForm(request.args)
    form.cakupan.choices = _scope_choices()
    if request.args and form.validate():
        if form.cakupan.data == NATIONAL_CHOICE:
            return redirect(url_for("anthology.edit", year=form.tahun.data))
        return redirect(url_for("anthology.edit", year=form.tahun.data, province_id=int(form.cakupan.data)))
    books = queries.books_of(rules.managed_provinces(current_user), permissions.can_manage_national(current_user))
    return render_template("anthology/index.html", form=form, books=books)


def _province(province_id: int | None) -> Province | None:
    """The book's province (404 if none such), after checking the user may make that book (404 otherwise)."""
    province = db.get_or_404(Province, province_id) if province_id is not None else None
    if not rules.can_manage_book(current_user, province):
        abort(404)
    return province


@bp.route("/<int:year>/nasional", methods=["GET", "POST"])
@bp.route("/<int:year>/provinsi/<int:province_id>", methods=["GET", "POST"])
@login_required
def edit(year: int, province_id: int | None = None):
    province = _province(province_id)
    try:
        operations.check_year(year)
    except operations.AnthologyError:
        abort(404)
    book = operations.book_for(year, province)
    form = BookForm() if request.method == "POST" else BookForm(
        formdata=None, judul=book.title if book and book.title else default_title(year, province),
        pengantar=book.foreword if book else "", ukuran=book.page_format if book else "A4")
    typed = typed_chosen = None
    if request.method == "POST":
        shown = [int(v) for v in request.form.getlist("ditampilkan") if v.isdigit() and len(v) < 12]
        typed_chosen = {int(v) for v in request.form.getlist("pilih") if v.isdigit() and len(v) < 12}
        typed = {i: request.form.get(f"urutan-{i}", "")[:6] for i in shown}
        if form.validate_on_submit():
            try:
                book = operations.save_book(current_user.id, year, province, title=form.judul.data or "",
                                            foreword=form.pengantar.data or "", page_format=form.ukuran.data,
                                            piece_ids=queries.ordered_choice(shown, typed_chosen, typed))
                if request.form.get("aksi") == "susun":
                    operations.start_build(current_user.id, book)
                    return redirect(url_for("anthology.status", book_id=book.id))
                flash(_("Susunan buku disimpan."), "success")
                return redirect(request.path)
            except operations.AnthologyError as error:
                db.session.rollback()
                flash(error.message, "error")
        for errors in form.errors.values():
            for message in errors:
                flash(message, "error")
        book = operations.book_for(year, province)
    view = queries.editor(year, province, book, typed, typed_chosen)
    return render_template("anthology/edit.html", form=form, year=year, province=province, book=book, view=view,
                           job=queries.build_job(book) if book else None)


@bp.route("/buku/<int:book_id>/susun", methods=["POST"])
@login_required
def build(book_id: int):
    """Build the saved book again (after a failure, or to refresh it)."""
    book = db.get_or_404(operations.AnthologyBook, book_id)
    _province(book.province_id)
    try:
        operations.start_build(current_user.id, book)
    except operations.AnthologyError as error:
        flash(error.message, "error")
        return redirect(_edit_url(book))
    return redirect(url_for("anthology.status", book_id=book.id))


def _edit_url(book) -> str:
    if book.province_id is None:
        return url_for("anthology.edit", year=book.year)
    return url_for("anthology.edit", year=book.year, province_id=book.province_id)


@bp.route("/buku/<int:book_id>")
@login_required
def status(book_id: int):
    book = db.get_or_404(operations.AnthologyBook, book_id)
    _province(book.province_id)
    job = queries.build_job(book)
    return render_template("anthology/status.html", book=book, job=job, edit_url=_edit_url(book),
                           waiting=job is not None and jobs.waiting_for_a_consumer(job),
                           max_attempts=jobs.max_attempts())
