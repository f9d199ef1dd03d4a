"""Import and export of the whole organisation tree as one flat CSV (format: docs/tree-csv.md).

One row per kelurahan; a row may stop at a higher level for a node that has nothing below it yet.
An import first checks every row against the file and the database (a handful of bulk queries, never
one per row) and writes nothing when any problem is found. Nodes are matched by code, so importing the
same file twice changes nothing; changed names (and time zones) are updated. A node never moves by
import: a code that already hangs under another parent is an error (moves are done on the tree pages).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from flask_babel import gettext as _

from portal import audit, signals
from portal.extensions import db
from portal.models.org import TIMEZONES, City, Kelurahan, Kmw, Province, Region, Team, TeamKind
from portal.org.csvtable import Problem, TableError, imported_text, read_table, write_table
from portal.org.levels import LEVELS, ORDER, korkot_code, korkot_name

COLUMNS = [
    "wilayah_kode",
    "wilayah_nama",
    "kmw_kode",
    "kmw_nama",
    "provinsi_kode",
    "provinsi_nama",
    "zona_waktu",
    "kota_kode",
    "kota_nama",
    "tim_kode",
    "tim_nama",
    "tim_jenis",
    "kelurahan_kode",
    "kelurahan_nama",
]
REQUIRED = [c for c in COLUMNS if not c.startswith("wilayah_") and c != "tim_jenis"]
TZ_ALIASES = {"wib": "Asia/Jakarta", "wita": "Asia/Makassar", "wit": "Asia/Jayapura"}
KIND_ALIASES = {"": TeamKind.TF, "tf": TeamKind.TF, "korkot": TeamKind.KORKOT, "kk": TeamKind.KORKOT}
EXTRA_COLUMN = {"provinsi": "zona_waktu", "tim": "tim_jenis"}


@dataclass
class _Node:
    line: int
    name: str
    parent: str  # parent code ("" for a region, or a KMW outside any region)
    extra: object = None  # time zone of a province, kind of a team


@dataclass
class TreeImportResult:
    problems: list[Problem] = field(default_factory=list)
    created: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ORDER, 0))
    updated: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ORDER, 0))
    rows: int = 0
    renamed: list[tuple[str, object]] = field(default_factory=list)  # (level key, node) whose name changed

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        if self.problems:
            return _("%(n)s masalah ditemukan; tidak ada yang diimpor.", n=len(self.problems))
        parts = [
            _(
                "%(level)s: %(c)s baru, %(u)s diperbarui",
                level=LEVELS[k].plural,
                c=self.created[k],
                u=self.updated[k],
            )
            for k in ORDER
        ]
        return _("%(rows)s baris diperiksa. ", rows=self.rows) + "; ".join(parts) + "."

    @property
    def changed(self) -> bool:
        return any(self.created.values()) or any(self.updated.values())


def import_tree_csv(data: bytes, by=None) -> TreeImportResult:
    """Check the whole file, then create and update nodes in one transaction (or nothing at all)."""
    result = TreeImportResult()
    try:
        table = read_table(data, required=REQUIRED, known=COLUMNS)
    except TableError as exc:
        result.problems = exc.problems
        return result
    result.rows = len(table.rows)
    nodes: dict[str, dict[str, _Node]] = {k: {} for k in ORDER}
    for line, row in table.rows:
        _check_row(line, row, nodes, result.problems)
    existing = _load_existing()
    _check_against_database(nodes, existing, result.problems)
    if result.problems:
        return result
    with db.session.no_autoflush:
        _apply(nodes, existing, result)
    audit.record("tree_imported", target="org", detail=result.summary(), user_id=getattr(by, "id", None))
    for level, node in result.renamed:
        signals.org_node_renamed.send(node, level=level)
    signals.org_tree_imported.send(result)
    db.session.commit()
    return result


# --- checking -----------------------------------------------------------------------------------


def _check_row(
    line: int, row: dict[str, str], nodes: dict[str, dict[str, _Node]], problems: list[Problem]
) -> None:
    filled = [i for i, key in enumerate(ORDER) if row.get(f"{key}_kode")]
    if not filled:
        problems.append(Problem(line, "kmw_kode", _("baris tanpa kode; isi paling sedikit kode KMW.")))
        return
    deepest = filled[-1]
    parent = ""
    for i, key in enumerate(ORDER):
        lvl = LEVELS[key]
        bad: list[Problem] = []
        code = imported_text(line, f"{key}_kode", row.get(f"{key}_kode", ""), bad)
        name = imported_text(line, f"{key}_nama", row.get(f"{key}_nama", ""), bad)
        if not code:
            if i < deepest and key != "wilayah":
                problems.append(
                    Problem(line, f"{key}_kode", _("wajib diisi karena kolom di kanannya terisi."))
                )
                return
            if name:
                problems.append(Problem(line, f"{key}_kode", _("nama terisi tetapi kodenya kosong.")))
                return
            continue
        bad += _field_problems(line, key, code, name, lvl.code_max, lvl.name_max)
        extra, extra_bad = _extra(line, key, row)
        if bad or extra_bad:
            problems.extend(bad + extra_bad)
            return
        seen = nodes[key].get(code)
        if seen is None:
            nodes[key][code] = _Node(line, name, parent, extra)
        elif seen.parent != parent:
            problems.append(
                Problem(
                    line,
                    f"{key}_kode",
                    _(
                        'kode %(code)s sudah muncul di baris %(other)s di bawah induk "%(p1)s", '
                        'di sini di bawah "%(p2)s".',
                        code=code,
                        other=seen.line,
                        p1=seen.parent or "-",
                        p2=parent or "-",
                    ),
                )
            )
            return
        elif seen.name != name:
            problems.append(
                Problem(
                    line,
                    f"{key}_nama",
                    _(
                        'kode %(code)s bernama "%(n1)s" di baris %(other)s, di sini "%(n2)s".',
                        code=code,
                        n1=seen.name,
                        other=seen.line,
                        n2=name,
                    ),
                )
            )
        elif seen.extra != extra:
            problems.append(
                Problem(
                    line,
                    EXTRA_COLUMN[key],
                    _("berbeda dengan baris %(other)s untuk kode %(code)s.", other=seen.line, code=code),
                )
            )
        parent = code


def _field_problems(line, key, code, name, code_max, name_max) -> list[Problem]:
    out = []
    if len(code) > code_max:
        out.append(Problem(line, f"{key}_kode", _("kode paling panjang %(n)s karakter.", n=code_max)))
    if not name:
        out.append(Problem(line, f"{key}_nama", _("wajib diisi.")))
    elif len(name) > name_max:
        out.append(Problem(line, f"{key}_nama", _("nama paling panjang %(n)s karakter.", n=name_max)))
    return out


def _extra(line: int, key: str, row: dict[str, str]):
    if key == "provinsi":
        raw = row.get("zona_waktu", "")
        tz = TZ_ALIASES.get(raw.lower(), raw)
        if tz not in TIMEZONES:
            return None, [
                Problem(
                    line,
                    "zona_waktu",
                    _("isi salah satu dari %(z)s (atau WIB, WITA, WIT).", z=", ".join(TIMEZONES)),
                )
            ]
        return tz, []
    if key == "tim":
        kind = KIND_ALIASES.get(row.get("tim_jenis", "").lower())
        if kind is None:
            return None, [Problem(line, "tim_jenis", _("isi tf atau korkot (kosong berarti tf)."))]
        return kind, []
    return None, []


@dataclass
class _Existing:
    by_code: dict[str, dict[str, object]]
    code_by_id: dict[str, dict[int, str]]

    def parent_code(self, key: str, obj) -> str:
        lvl = LEVELS[key]
        parent_id = getattr(obj, lvl.parent_fk) if lvl.parent_fk else None
        return self.code_by_id[lvl.parent].get(parent_id, "") if parent_id else ""


def _load_existing() -> _Existing:
    by_code, code_by_id = {}, {}
    for key in ORDER:
        rows = db.session.scalars(db.select(LEVELS[key].model)).all()
        by_code[key] = {r.code: r for r in rows}
        code_by_id[key] = {r.id: r.code for r in rows}
    return _Existing(by_code, code_by_id)


def _check_against_database(nodes, existing: _Existing, problems: list[Problem]) -> None:
    for key in ORDER:
        for code, node in nodes[key].items():
            obj = existing.by_code[key].get(code)
            if obj is None:
                continue
            was = existing.parent_code(key, obj)
            if was != node.parent:
                problems.append(
                    Problem(
                        node.line,
                        f"{key}_kode",
                        _(
                            'kode %(code)s sudah ada di bawah "%(was)s", bukan "%(now)s". '
                            "Pindahkan lewat halaman struktur organisasi, atau perbaiki baris ini.",
                            code=code,
                            was=was or "-",
                            now=node.parent or "-",
                        ),
                    )
                )
            if key == "tim" and obj.kind != node.extra:
                problems.append(
                    Problem(
                        node.line,
                        "tim_jenis",
                        _("tim %(code)s sudah tercatat berjenis %(kind)s.", code=code, kind=obj.kind.value),
                    )
                )
    _check_korkot(nodes, existing, problems)


def _check_korkot(nodes, existing: _Existing, problems: list[Problem]) -> None:
    """One Korkot team per city; a new city without one gets <city code>-KK, which must be free."""
    korkot_in_file: dict[str, list[tuple[str, _Node]]] = defaultdict(list)
    for code, node in nodes["tim"].items():
        if node.extra == TeamKind.KORKOT:
            korkot_in_file[node.parent].append((code, node))
    korkot_in_db = {
        existing.code_by_id["kota"].get(t.city_id): t.code
        for t in existing.by_code["tim"].values()
        if t.kind == TeamKind.KORKOT
    }
    for city_code, city in nodes["kota"].items():
        listed = korkot_in_file.get(city_code, [])
        have = korkot_in_db.get(city_code)
        for code, node in listed[1:] if have is None else listed:
            if code != have:
                problems.append(
                    Problem(
                        node.line,
                        "tim_jenis",
                        _(
                            "kota %(city)s sudah punya tim Korkot (%(other)s); satu kota satu tim Korkot.",
                            city=city_code,
                            other=have or listed[0][0],
                        ),
                    )
                )
        if have is None and not listed:
            auto = korkot_code(city_code)
            if auto in nodes["tim"] or auto in existing.by_code["tim"]:
                problems.append(
                    Problem(
                        city.line,
                        "kota_kode",
                        _(
                            "kode %(auto)s untuk tim Korkot otomatis sudah dipakai tim lain; "
                            "cantumkan tim Korkot kota ini dengan tim_jenis korkot.",
                            auto=auto,
                        ),
                    )
                )


# --- writing ------------------------------------------------------------------------------------


def _apply(nodes, existing: _Existing, result: TreeImportResult) -> None:
    resolved: dict[str, dict[str, object]] = {k: dict(existing.by_code[k]) for k in ORDER}
    new_cities: list[City] = []
    for key in ORDER:
        lvl = LEVELS[key]
        for code, node in nodes[key].items():
            obj = existing.by_code[key].get(code)
            if obj is not None:
                changed = obj.name != node.name or (key == "provinsi" and obj.timezone != node.extra)
                if obj.name != node.name:
                    result.renamed.append((key, obj))
                obj.name = node.name
                if key == "provinsi":
                    obj.timezone = node.extra
                result.updated[key] += int(changed)
                continue
            fields = {"code": code, "name": node.name}
            if lvl.parent_attr:
                fields[lvl.parent_attr] = resolved[lvl.parent].get(node.parent) if node.parent else None
            if key == "provinsi":
                fields["timezone"] = node.extra
            if key == "tim":
                fields["kind"] = node.extra
            obj = lvl.model(**fields)
            db.session.add(obj)
            resolved[key][code] = obj
            result.created[key] += 1
            if key == "kota":
                new_cities.append(obj)
    has_korkot = {n.parent for n in nodes["tim"].values() if n.extra == TeamKind.KORKOT}
    for city in new_cities:
        if city.code not in has_korkot:
            db.session.add(
                Team(
                    code=korkot_code(city.code), name=korkot_name(city.name), kind=TeamKind.KORKOT, city=city
                )
            )
            result.created["tim"] += 1


# --- export -------------------------------------------------------------------------------------


def export_tree_csv() -> bytes:
    """The whole tree in the import format; importing it again changes nothing."""
    return write_table(COLUMNS, tree_rows())


def tree_rows() -> list[list[str]]:
    def by_code(model):
        return db.session.scalars(db.select(model).order_by(model.code)).all()

    regions = {r.id: r for r in by_code(Region)}
    children: dict[str, dict[int | None, list]] = {}
    for key, model, fk in (
        ("provinsi", Province, "kmw_id"),
        ("kota", City, "province_id"),
        ("tim", Team, "city_id"),
        ("kelurahan", Kelurahan, "team_id"),
    ):
        grouped = defaultdict(list)
        for obj in by_code(model):
            grouped[getattr(obj, fk)].append(obj)
        children[key] = grouped
    rows: list[list[str]] = []
    kmws = sorted(by_code(Kmw), key=lambda k: (regions[k.region_id].code if k.region_id else "", k.code))
    used_regions = {k.region_id for k in kmws}
    for region in regions.values():
        if region.id not in used_regions:
            rows.append([region.code, region.name] + [""] * 12)
    for kmw in kmws:
        region = regions.get(kmw.region_id)
        base = [region.code if region else "", region.name if region else "", kmw.code, kmw.name]
        _rows_below(rows, base, children, "provinsi", kmw.id)
    return rows


def _rows_below(rows, base, children, key, parent_id) -> None:
    items = children[key].get(parent_id, []) if key else []
    if not items:
        rows.append(base + [""] * (len(COLUMNS) - len(base)))
        return
    next_key = {"provinsi": "kota", "kota": "tim", "tim": "kelurahan", "kelurahan": None}[key]
    for obj in items:
        cells = [obj.code, obj.name]
        if key == "provinsi":
            cells.append(obj.timezone)
        if key == "tim":
            cells.append(obj.kind.value)
        _rows_below(rows, base + cells, children, next_key, obj.id if next_key else None)
