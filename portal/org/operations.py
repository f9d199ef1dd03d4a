"""Writes and queries on the organisation tree: create, edit, move and delete one node; browse a level."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, or_

from portal import audit, signals
from portal.extensions import db
from portal.failures import PortalError
from portal.models.org import TIMEZONES, Team, TeamKind
from portal.models.people import RoleAssignment, User
from portal.models.pieces import Extension, KnowledgeProduct, Piece
from portal.models.reviews import Panel
from portal.org.levels import LEVELS, ORDER, child_level, korkot_code, korkot_name

PER_PAGE = 50


class OrgError(PortalError):
    """A refused change; ``field`` names the form field to show it beside (None: the whole form)."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def get_node(level: str, node_id: int):
    return db.session.get(LEVELS[level].model, node_id)


def find_parent(level: str, parent_code: str):
    """The parent node named by code for a new or moved node of ``level`` (None for top levels)."""
    lvl = LEVELS[level]
    if lvl.parent is None or (lvl.parent_optional and not parent_code):
        return None
    parent_model = LEVELS[lvl.parent].model
    parent = db.session.scalar(db.select(parent_model).where(parent_model.code == parent_code.strip()))
    if parent is None:
        raise OrgError(
            _(
                "%(level)s dengan kode %(code)s tidak ditemukan.",
                level=LEVELS[lvl.parent].label,
                code=parent_code,
            ),
            "parent_code",
        )
    return parent


def _check_fields(
    level: str, node, code: str, name: str, timezone: str | None, kind: str | None, parent
) -> None:
    lvl = LEVELS[level]
    model = lvl.model
    if not code or len(code) > lvl.code_max:
        raise OrgError(_("Kode wajib diisi, paling panjang %(n)s karakter.", n=lvl.code_max), "code")
    if len(name) > lvl.name_max:
        raise OrgError(_("Nama paling panjang %(n)s karakter.", n=lvl.name_max), "name")
    taken = db.session.scalar(db.select(model.id).where(model.code == code))
    if taken is not None and (node is None or taken != node.id):
        raise OrgError(_("Kode %(code)s sudah dipakai.", code=code), "code")
    if not name.strip():
        raise OrgError(_("Isi nama."), "name")
    if level == "provinsi" and timezone not in TIMEZONES:
        raise OrgError(_("Pilih zona waktu."), "timezone")
    if level == "tim" and kind == TeamKind.KORKOT.value:
        other = db.session.scalar(
            db.select(Team.code).where(
                Team.city_id == parent.id, Team.kind == TeamKind.KORKOT, Team.id != (node.id if node else -1)
            )
        )
        if other:
            raise OrgError(_("Kota ini sudah punya tim Korkot (%(code)s).", code=other), "kind")


def create_node(
    level: str,
    *,
    code: str,
    name: str,
    parent=None,
    timezone: str | None = None,
    kind: str | None = None,
    by: User | None = None,
):
    """Create one node under ``parent``; a new city gets its Korkot team at once."""
    lvl = LEVELS[level]
    code, name = code.strip(), name.strip()
    _check_fields(level, None, code, name, timezone, kind, parent)
    if level == "kota" and db.session.scalar(db.select(Team.id).where(Team.code == korkot_code(code))):
        raise OrgError(
            _("Kode %(code)s untuk tim Korkot kota ini sudah dipakai tim lain.", code=korkot_code(code)),
            "code",
        )
    fields = {"code": code, "name": name}
    if lvl.parent_attr:
        fields[lvl.parent_attr] = parent
    if level == "provinsi":
        fields["timezone"] = timezone
    if level == "tim":
        fields["kind"] = TeamKind(kind or "tf")
    node = lvl.model(**fields)
    db.session.add(node)
    if level == "kota":
        db.session.add(Team(code=korkot_code(code), name=korkot_name(name), kind=TeamKind.KORKOT, city=node))
    audit.record("org_node_created", target=f"{level}:{code}", detail=name, user_id=getattr(by, "id", None))
    signals.org_node_created.send(node, level=level)
    db.session.commit()
    return node


def update_node(
    level: str,
    node,
    *,
    code: str,
    name: str,
    parent=None,
    timezone: str | None = None,
    kind: str | None = None,
    by: User | None = None,
):
    """Rename, recode or move (new ``parent``) one node; what hangs below moves with it."""
    lvl = LEVELS[level]
    code, name = code.strip(), name.strip()
    _check_fields(level, node, code, name, timezone, kind, parent if level == "tim" else None)
    before = f"{node.code} {node.name}"
    moved = bool(lvl.parent_attr) and getattr(node, lvl.parent_attr) is not parent
    renamed = (node.code, node.name) != (code, name)
    node.code, node.name = code, name
    if lvl.parent_attr:
        setattr(node, lvl.parent_attr, parent)
    if level == "provinsi":
        node.timezone = timezone
    if level == "tim" and kind:
        node.kind = TeamKind(kind)
    detail = f"{before} -> {code} {name}"
    if moved:
        detail += f"; induk: {parent.code if parent else '-'}"
    audit.record(
        "org_node_moved" if moved else "org_node_updated",
        target=f"{level}:{node.id}",
        detail=detail,
        user_id=getattr(by, "id", None),
    )
    if renamed:
        signals.org_node_renamed.send(node, level=level)
    if moved:
        signals.org_node_moved.send(node, level=level)
    db.session.commit()
    return node


def _references(level: str, node_id: int) -> list[str]:
    checks = {
        "tim": [
            (Piece.team_id, _("tulisan")),
            (RoleAssignment.team_id, _("peran akun")),
            (Extension.team_id, _("perpanjangan tenggat")),
        ],
        "kota": [
            (RoleAssignment.city_id, _("peran akun")),
            (Panel.city_id, _("panel penilai")),
            (Extension.city_id, _("perpanjangan tenggat")),
        ],
        "kmw": [
            (RoleAssignment.kmw_id, _("peran akun")),
            (Panel.kmw_id, _("panel penilai")),
            (Extension.kmw_id, _("perpanjangan tenggat")),
            (KnowledgeProduct.kmw_id, _("produk pengetahuan")),
        ],
    }
    return [
        label
        for column, label in checks.get(level, [])
        if db.session.scalar(db.select(column).where(column == node_id).limit(1)) is not None
    ]


def delete_node(level: str, node, by: User | None = None) -> None:
    """Delete a node with nothing below it and nothing recorded against it.

    A city's own empty Korkot team (created with the city) is deleted with it."""
    below = child_level(level)
    spare_korkot = []
    if below is not None:
        fk = getattr(below.model, below.parent_fk)
        children = db.session.scalars(db.select(below.model).where(fk == node.id)).all()
        if level == "kota":
            spare_korkot = [
                t
                for t in children
                if t.kind == TeamKind.KORKOT and not t.kelurahan and not _references("tim", t.id)
            ]
            children = [t for t in children if t not in spare_korkot]
        if children:
            raise OrgError(
                _(
                    "Tidak dapat dihapus: masih ada %(n)s %(what)s di bawahnya.",
                    n=len(children),
                    what=below.plural,
                )
            )
    used = _references(level, node.id) + [u for t in spare_korkot for u in _references("tim", t.id)]
    if used:
        raise OrgError(_("Tidak dapat dihapus: masih dipakai oleh %(what)s.", what=", ".join(used)))
    for team in spare_korkot:
        db.session.delete(team)
    audit.record(
        "org_node_deleted", target=f"{level}:{node.code}", detail=node.name, user_id=getattr(by, "id", None)
    )
    db.session.delete(node)
    signals.org_node_deleted.send(node, level=level)
    db.session.commit()


# --- browsing -----------------------------------------------------------------------------------


def level_counts(scope_filter) -> dict[str, int]:
    """Number of nodes at each level the viewer may see (``scope_filter(level)``: where clause or None)."""
    out = {}
    for key in ORDER:
        model = LEVELS[key].model
        query = db.select(func.count(model.id))
        clause = scope_filter(key)
        if clause is not None:
            query = query.where(clause)
        out[key] = db.session.scalar(query)
    return out


def list_nodes(level: str, *, scope_clause=None, parent_id: int | None = None, q: str = "", page: int = 1):
    """One page of a level, ordered by code, with the number of direct children of each node."""
    lvl = LEVELS[level]
    model = lvl.model
    query = db.select(model).order_by(model.code)
    if scope_clause is not None:
        query = query.where(scope_clause)
    if parent_id is not None and lvl.parent_fk:
        query = query.where(getattr(model, lvl.parent_fk) == parent_id)
    if q:
        like = f"%{q.strip()}%"
        query = query.where(or_(model.code.ilike(like), model.name.ilike(like)))
    pagination = db.paginate(query, page=page, per_page=PER_PAGE, error_out=False)
    return pagination, child_counts(level, [n.id for n in pagination.items])


def child_counts(level: str, ids: list[int]) -> dict[int, int]:
    below = child_level(level)
    if below is None or not ids:
        return {}
    fk = getattr(below.model, below.parent_fk)
    rows = db.session.execute(db.select(fk, func.count()).where(fk.in_(ids)).group_by(fk)).all()
    return {parent_id: n for parent_id, n in rows}


def ancestors(level: str, node) -> list[tuple[str, object]]:
    """(level, node) pairs from the top of the tree down to ``node``'s parent."""
    chain = []
    lvl = LEVELS[level]
    while lvl.parent_attr is not None:
        node = getattr(node, lvl.parent_attr)
        if node is None:
            break
        chain.append((lvl.parent, node))
        lvl = LEVELS[lvl.parent]
    return list(reversed(chain))
