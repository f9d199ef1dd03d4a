"""Knowledge products (public list, page, document) and the data managers' publishing and award forms."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal import permissions as perm
from portal import storage
from portal.elearning import bp, operations, queries, rules
from portal.elearning.forms import AwardForm, EmptyForm
from portal.elearning.web import cached, page_arg
from portal.extensions import db
from portal.models.pieces import KnowledgeProduct, Piece
from portal.page_cache import public_page

# Documents are always downloaded (attachment), never rendered inline; the type is one we know or a neutral one.
DOCUMENT_TYPES = {
    "pdf": "application/pdf",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "odt": "application/vnd.oasis.opendocument.text",
    "ppt": "application/vnd.ms-powerpoint",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@bp.route("/produk-pengetahuan")
@public_page
def knowledge_products():
    return cached(render_template("elearning/knowledge_list.html", result=queries.knowledge_products(page_arg()),
                                  endpoint="elearning.knowledge_products", args={}))


@bp.route("/produk-pengetahuan/<int:product_id>")
@public_page
def knowledge_product(product_id: int):
    product = queries.public_knowledge_product(product_id) or abort(404)
    return cached(render_template("elearning/knowledge.html", product=product))


@bp.route("/produk-pengetahuan/<int:product_id>/dokumen")
def knowledge_document(product_id: int):
    product = queries.public_knowledge_product(product_id) or abort(404)
    if not product.document_key:
        abort(404)
    ext = (product.document_ext or "").lower().lstrip(".")
    try:
        path = storage.path_for("documents", product.document_key, f".{ext}" if ext else "")
    except ValueError:
        abort(404)
    if not path.is_file():
        abort(404)
    response = send_file(path, mimetype=DOCUMENT_TYPES.get(ext, "application/octet-stream"), as_attachment=True,
                         download_name=f"produk-pengetahuan-{product.id}.{ext or 'bin'}", conditional=True,
                         max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store" if current_user.is_authenticated else "public, max-age=3600"
    return response


@bp.route("/produk-pengetahuan/menunggu")
@login_required
def knowledge_pending():
    """Submitted knowledge products waiting to be published, for KMW and national data managers."""
    level, ids = perm.managed_scope(current_user)
    if not perm.is_data_manager(current_user) or level == "city":
        abort(403)
    products = queries.pending_knowledge_products(None if level == "national" else ids)
    return render_template("elearning/knowledge_pending.html", products=products, form=EmptyForm())


def _publishable_product(product_id: int) -> KnowledgeProduct:
    """The knowledge product a publish/withdraw POST is about, after the permission and form checks."""
    product = db.session.get(KnowledgeProduct, product_id) or abort(404)
    if not rules.can_publish_knowledge_product(current_user, product):
        abort(403 if perm.is_data_manager(current_user) else 404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    return product


@bp.route("/produk-pengetahuan/<int:product_id>/terbitkan", methods=["POST"])
@login_required
def knowledge_publish(product_id: int):
    product = _publishable_product(product_id)
    operations.publish_knowledge_product(product, current_user)
    flash(_("Produk pengetahuan diterbitkan di halaman e-learning."), "success")
    return redirect(url_for("elearning.knowledge_product", product_id=product.id))


@bp.route("/produk-pengetahuan/<int:product_id>/tarik", methods=["POST"])
@login_required
def knowledge_withdraw(product_id: int):
    product = _publishable_product(product_id)
    operations.withdraw_knowledge_product(product, current_user)
    flash(_("Produk pengetahuan ditarik dari halaman e-learning."), "success")
    return redirect(url_for("elearning.knowledge_pending"))


@bp.route("/penghargaan/<int:piece_id>/tambah", methods=["GET", "POST"])
@login_required
def award_new(piece_id: int):
    piece = db.session.get(Piece, piece_id)
    if piece is None or piece.published_at is None:
        abort(404)
    if not perm.can_manage_national(current_user):
        abort(403)
    if not rules.can_record_award(current_user, piece):
        abort(404)
    form = AwardForm()
    if form.validate_on_submit():
        try:
            operations.record_award(piece, current_user, form.title.data, form.description.data or "")
        except operations.DiscussionError as exc:
            form.title.errors.append(str(exc))
        else:
            flash(_("Penghargaan dicatat."), "success")
            return redirect(url_for("elearning.honour_roll"))
    return render_template("elearning/award_form.html", piece=piece, form=form), 400 if form.errors else 200
