"""The organisation tree: wilayah (region) -> KMW -> province -> city -> team -> kelurahan."""
from __future__ import annotations

import enum

from sqlalchemy import Enum, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db

TIMEZONES = {"Asia/Jakarta": "WIB", "Asia/Pontianak": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}


class TeamKind(str, enum.Enum):
    TF = "tf"  # Tim Fasilitator (faskel team)
    KORKOT = "korkot"  # the city coordinator's own team


class Region(db.Model):
    """KMP wilayah (national level split, e.g. Wilayah I and II)."""

    __tablename__ = "region"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    kmws: Mapped[list[Kmw]] = relationship(back_populates="region", order_by="Kmw.code")


class Kmw(db.Model):
    """A provincial consultant contract (Konsultan Manajemen Wilayah); may cover several provinces."""

    __tablename__ = "kmw"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(160))
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"), index=True)
    region: Mapped[Region | None] = relationship(back_populates="kmws")
    provinces: Mapped[list[Province]] = relationship(back_populates="kmw", order_by="Province.name")


class Province(db.Model):
    __tablename__ = "province"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    timezone: Mapped[str] = mapped_column(String(40), default="Asia/Jakarta")
    kmw_id: Mapped[int] = mapped_column(ForeignKey("kmw.id"), index=True)
    kmw: Mapped[Kmw] = relationship(back_populates="provinces")
    cities: Mapped[list[City]] = relationship(back_populates="province", order_by="City.name")

    @property
    def tz_label(self) -> str:
        return TIMEZONES.get(self.timezone, "")


class City(db.Model):
    """Kota or kabupaten: one Korkot each."""

    __tablename__ = "city"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    province_id: Mapped[int] = mapped_column(ForeignKey("province.id"), index=True)
    province: Mapped[Province] = relationship(back_populates="cities")
    teams: Mapped[list[Team]] = relationship(back_populates="city", order_by="Team.code")


class Team(db.Model):
    """A writing team: a facilitator team (TF) or the city's Korkot team."""

    __tablename__ = "team"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(30), unique=True)
    name: Mapped[str] = mapped_column(String(160))
    kind: Mapped[TeamKind] = mapped_column(
        Enum(TeamKind, native_enum=False, length=10, values_callable=lambda e: [m.value for m in e]),
        default=TeamKind.TF,
    )
    city_id: Mapped[int] = mapped_column(ForeignKey("city.id"), index=True)
    city: Mapped[City] = relationship(back_populates="teams")
    kelurahan: Mapped[list[Kelurahan]] = relationship(back_populates="team", order_by="Kelurahan.code")


class Kelurahan(db.Model):
    __tablename__ = "kelurahan"
    __table_args__ = (UniqueConstraint("code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(30))
    name: Mapped[str] = mapped_column(String(160))
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id"), index=True)
    team: Mapped[Team] = relationship(back_populates="kelurahan")


NATIONAL_TIMEZONE = "Asia/Jakarta"


def node_timezone(node) -> str:
    """The time zone whose local days a node's deadlines follow: a kelurahan's, team's or city's province; a
    province's own; a KMW's first province; the national office (``None``, a KMP region) Jakarta. A read model of
    a node (``portal.nodes.TeamRef``) says its zone as ``timezone``."""
    if isinstance(node, Kelurahan):
        node = node.team
    if isinstance(node, Team):
        node = node.city
    if isinstance(node, City):
        return node.province.timezone
    if isinstance(node, Province):
        return node.timezone
    if isinstance(node, Kmw) and node.provinces:
        return node.provinces[0].timezone
    if isinstance(getattr(node, "timezone", None), str):  # a read model with its node's zone (``TeamRef``)
        return node.timezone
    return NATIONAL_TIMEZONE
