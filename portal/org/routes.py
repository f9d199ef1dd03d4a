"""Tree pages: browse by level with counts, create, edit, move, delete; CSV import and export."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal import permissions
from portal.extensions import db
from portal.failures import refused_back_to
from portal.ids import int_arg, page_arg
from portal.org import bp, csvio, rules
from portal.org import operations as ops
from portal.org.forms import DeleteForm, NodeForm, TreeImportForm
from portal.org.levels import LEVELS, ORDER, child_level

require_manager = permissions.require(permissions.is_data_manager)


def _level(level: str):
    if level not in LEVELS:
        abort(404)
    return LEVELS[level]


def _visible_node(level: str, node_id: int):
    node = ops.get_node(level, node_id)
    if node is None or not rules.can_view_node(current_user, level, node):
        abort(404)
    return node


def _page() -> int:
    return page_arg("hal")


@bp.route("/")
@require_manager
def index():
    counts = ops.level_counts(rules.scope_filter(current_user))
    return render_template(
        "org/index.html",
        levels=LEVELS,
        order=ORDER,
        counts=counts,
        can_import=rules.can_import_tree(current_user),
    )


@bp.route("/<level>/")
@require_manager
def level_list(level: str):
    lvl = _level(level)
    q = request.args.get("q", "").strip()
    pagination, counts = ops.list_nodes(
        level, scope_clause=rules.scope_filter(current_user)(level), q=q, page=_page()
    )
    return render_template(
        "org/list.html",
        lvl=lvl,
        pagination=pagination,
        counts=counts,
        q=q,
        child=child_level(level),
        can_create=rules.can_open_create(current_user, level, None),
    )


@bp.route("/<level>/<int:node_id>")
@require_manager
def node(level: str, node_id: int):
    lvl = _level(level)
    item = _visible_node(level, node_id)
    child = child_level(level)
    children, counts = ops.list_nodes(child.key, parent_id=item.id, page=_page()) if child else (None, {})
    return render_template(
        "org/node.html",
        lvl=lvl,
        node=item,
        child=child,
        children=children,
        counts=counts,
        chain=ops.ancestors(level, item),
        delete_form=DeleteForm(),
        can_edit=rules.can_edit_node(current_user, level, item),
        can_add_child=bool(child) and rules.can_create_under(current_user, child.key, item),
    )


def _node_form(level: str, **kwargs) -> NodeForm:
    form = NodeForm(**kwargs)
    if level != "provinsi":
        del form.timezone
    if level != "tim":
        del form.kind
    if LEVELS[level].parent is None:
        del form.parent_code
    return form


def _save(level: str, form: NodeForm, item=None):
    """Resolve the parent, check the user may attach there, and create or update. Returns the node or None."""
    try:
        parent = ops.find_parent(level, form.parent_code.data or "") if "parent_code" in form else None
        current_parent = (
            getattr(item, LEVELS[level].parent_attr)
            if item is not None and LEVELS[level].parent_attr
            else None
        )
        if (item is None or parent is not current_parent) and not rules.can_create_under(
            current_user, level, parent
        ):
            raise ops.OrgError(_("Anda tidak berwenang menaruh data di bawah induk ini."), "parent_code")
        fields = {
            "code": form.code.data,
            "name": form.name.data,
            "parent": parent,
            "by": current_user,
            "timezone": form.timezone.data if "timezone" in form else None,
            "kind": form.kind.data if "kind" in form else None,
        }
        if item is None:
            return ops.create_node(level, **fields)
        return ops.update_node(level, item, **fields)
    except ops.OrgError as exc:
        db.session.rollback()
        target = form[exc.field] if exc.field and exc.field in form else None
        if target is not None:
            target.errors = list(target.errors) + [str(exc)]
        else:
            flash(str(exc), "error")
        return None


@bp.route("/<level>/baru", methods=["GET", "POST"])
@require_manager
def create(level: str):
    lvl = _level(level)
    parent = None
    parent_id = int_arg("induk")
    if parent_id is not None and lvl.parent:
        parent = _visible_node(lvl.parent, parent_id)
    if not rules.can_open_create(current_user, level, parent):
        abort(403)
    form = _node_form(level, parent_code=parent.code if parent is not None else "")
    if form.validate_on_submit():
        item = _save(level, form)
        if item is not None:
            flash(_("%(level)s %(name)s dibuat.", level=lvl.label, name=item.name), "success")
            return redirect(url_for("org.node", level=level, node_id=item.id))
    return render_template("org/edit.html", lvl=lvl, levels=LEVELS, form=form, item=None)


@bp.route("/<level>/<int:node_id>/ubah", methods=["GET", "POST"])
@require_manager
def edit(level: str, node_id: int):
    lvl = _level(level)
    item = _visible_node(level, node_id)
    if not rules.can_edit_node(current_user, level, item):
        abort(403)
    parent = getattr(item, lvl.parent_attr) if lvl.parent_attr else None
    form = _node_form(level, obj=item, parent_code=parent.code if parent is not None else "")
    if request.method == "GET" and "kind" in form:
        form.kind.data = item.kind.value
    if form.validate_on_submit() and _save(level, form, item) is not None:
        flash(_("Perubahan disimpan."), "success")
        return redirect(url_for("org.node", level=level, node_id=item.id))
    return render_template("org/edit.html", lvl=lvl, levels=LEVELS, form=form, item=item)


@bp.route("/<level>/<int:node_id>/hapus", methods=["POST"])
@require_manager
def delete(level: str, node_id: int):
    lvl = _level(level)
    item = _visible_node(level, node_id)
    if not rules.can_edit_node(current_user, level, item):
        abort(403)
    form = DeleteForm()
    if not form.validate_on_submit():
        abort(400)
    chain = ops.ancestors(level, item)
    refused_back_to(url_for("org.node", level=level, node_id=node_id))
    ops.delete_node(level, item, by=current_user)
    flash(_("%(level)s dihapus.", level=lvl.label), "success")
    if chain:
        up_level, up = chain[-1]
        return redirect(url_for("org.node", level=up_level, node_id=up.id))
    return redirect(url_for("org.level_list", level=level))


@bp.route("/impor", methods=["GET", "POST"])
@permissions.require_admin
def import_tree():
    form = TreeImportForm()
    result = None
    if form.validate_on_submit():
        result = csvio.import_tree_csv(form.file.data.read(), by=current_user)
    return render_template("org/import.html", form=form, result=result)


@bp.route("/ekspor")
@permissions.require_admin
def export_tree():
    return Response(
        csvio.export_tree_csv(),
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=struktur-organisasi.csv"},
    )
