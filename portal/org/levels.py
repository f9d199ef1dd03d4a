"""The six levels of the organisation tree, described once for the pages, the operations and the CSV."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from portal.models.org import City, Kelurahan, Kmw, Province, Region, Team


@dataclass(frozen=True)
class Level:
    key: str  # URL and CSV prefix: wilayah_kode, kmw_kode, ...
    model: type
    label: object  # lazy Indonesian label
    plural: object
    parent: str | None  # key of the parent level
    parent_attr: str | None  # relationship to the parent on the model
    parent_fk: str | None
    children_attr: str | None
    code_max: int
    name_max: int
    parent_optional: bool = False


LEVELS: dict[str, Level] = {
    lvl.key: lvl
    for lvl in (
        Level("wilayah", Region, _l("Wilayah KMP"), _l("Wilayah KMP"), None, None, None, "kmws", 20, 120),
        Level(
            "kmw",
            Kmw,
            _l("KMW"),
            _l("KMW"),
            "wilayah",
            "region",
            "region_id",
            "provinces",
            20,
            160,
            parent_optional=True,
        ),
        Level(
            "provinsi", Province, _l("Provinsi"), _l("Provinsi"), "kmw", "kmw", "kmw_id", "cities", 20, 120
        ),
        Level(
            "kota",
            City,
            _l("Kota/kabupaten"),
            _l("Kota/kabupaten"),
            "provinsi",
            "province",
            "province_id",
            "teams",
            20,
            120,
        ),
        Level("tim", Team, _l("Tim"), _l("Tim"), "kota", "city", "city_id", "kelurahan", 30, 160),
        Level(
            "kelurahan", Kelurahan, _l("Kelurahan"), _l("Kelurahan"), "tim", "team", "team_id", None, 30, 160
        ),
    )
}
ORDER = list(LEVELS)


def child_level(key: str) -> Level | None:
    i = ORDER.index(key)
    return LEVELS[ORDER[i + 1]] if i + 1 < len(ORDER) else None


def city_of(level: str, node) -> City | None:
    """The city a team or kelurahan (or the city itself) belongs to; None above the city level."""
    if level == "kota":
        return node
    if level == "tim":
        return node.city
    if level == "kelurahan":
        return node.team.city
    return None


def kmw_id_of(level: str, node) -> int | None:
    if level == "kmw":
        return node.id
    if level == "provinsi":
        return node.kmw_id
    city = city_of(level, node)
    return city.province.kmw_id if city is not None else None


def korkot_code(city_code: str) -> str:
    return f"{city_code}-KK"


def korkot_name(city_name: str) -> str:
    return f"Tim Korkot {city_name}"
