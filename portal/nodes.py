"""Read-only views of the organisation tree's nodes, for pages that only show them (rows, not mapped objects).

They answer the attributes the rules and templates read of ``portal.models.org``'s mapped nodes (``team.city``,
``city.province.kmw_id``, ``kmw.name``...), so a rule takes either and stays in one place. A team's view says its
province's time zone as ``timezone``, which ``node_timezone`` reads.
"""
from __future__ import annotations

from dataclasses import dataclass

from portal.models.org import TeamKind


@dataclass(frozen=True, slots=True)
class ProvinceRef:
    name: str
    kmw_id: int | None


@dataclass(frozen=True, slots=True)
class CityRef:
    id: int
    name: str
    province: ProvinceRef | None = None


@dataclass(frozen=True, slots=True)
class KmwRef:
    id: int
    name: str


@dataclass(frozen=True, slots=True)
class TeamRef:
    id: int
    name: str
    city_id: int
    city: CityRef
    kind: TeamKind | None = None
    timezone: str | None = None  # its province's, where the view was read with it
