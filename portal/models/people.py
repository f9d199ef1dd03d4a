"""People, their scoped roles, one-time password links and the audit log."""
from __future__ import annotations

import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, Enum, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models._base import UTCDateTime, utcnow
from portal.models.org import Kmw, node_timezone


class Role(str, enum.Enum):
    WRITER = "writer"  # scope: team (TF or Korkot team) or KMW (provincial expert, TA)
    DATA_MANAGER = "data_manager"  # scope: city, KMW or national
    PANEL_MEMBER = "panel_member"  # scope: city, KMW or national
    READER = "reader"  # no scope
    ADMIN = "admin"  # no scope


def _enum(e):
    return Enum(e, native_enum=False, length=20, values_callable=lambda x: [m.value for m in x])


class SessionHolder(UserMixin):
    """What Flask-Login asks of a signed-in person: the account (``User``) and the person read as rows for a
    request (``portal.auth.identity.SignedIn``) answer it alike from their ``id``, ``active`` and
    ``session_version``."""

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        # The session version travels with the id, so a bumped version invalidates old cookies.
        return f"{self.id}:{self.session_version}"


class User(SessionHolder, db.Model):
    __tablename__ = "user_account"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(160))
    phone: Mapped[str] = mapped_column(String(40), default="")
    position: Mapped[str] = mapped_column(String(160), default="")  # jabatan, e.g. "Faskel Teknik"
    password_hash: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    # Bumped at logout, password change and disabling: every older session stops working.
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    locale: Mapped[str | None] = mapped_column(String(5))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The mail server refused this address for good (portal/mail/delivery.py): when, and its answer. Cleared when
    # a message to it is accepted again.
    mail_failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    mail_failure: Mapped[str] = mapped_column(Text, default="")
    # In the order they were given: a writer of two teams starts on the first team's page, on every database.
    roles: Mapped[list[RoleAssignment]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin", order_by="RoleAssignment.id"
    )

    @property
    def account(self) -> User:
        """The account itself (the signed-in person's identity, ``portal.auth.identity.SignedIn``, loads it)."""
        return self


class RoleAssignment(db.Model):
    """One role of one person at one node of the tree (none for national, reader and admin)."""

    __tablename__ = "role_assignment"
    __table_args__ = (
        UniqueConstraint("user_id", "role", "team_id", "city_id", "kmw_id", name="uq_role_assignment_scope"),
        CheckConstraint(
            "(CASE WHEN team_id IS NULL THEN 0 ELSE 1 END + CASE WHEN city_id IS NULL THEN 0 ELSE 1 END"
            " + CASE WHEN kmw_id IS NULL THEN 0 ELSE 1 END) <= 1",
            name="one_scope",
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(_enum(Role))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"), index=True)
    city_id: Mapped[int | None] = mapped_column(ForeignKey("city.id"), index=True)
    kmw_id: Mapped[int | None] = mapped_column(ForeignKey("kmw.id"), index=True)
    user: Mapped[User] = relationship(back_populates="roles")
    team = relationship("Team", lazy="joined")
    city = relationship("City", lazy="joined")
    kmw = relationship("Kmw", lazy="joined")

    @property
    def level(self) -> str:
        return scope_level(self.team_id, self.city_id, self.kmw_id)

    @property
    def place(self) -> str:
        """The names of the node this role covers (see :func:`place_name`)."""
        if self.team is not None:
            city = self.team.city
            return place_name(self.team.name, city.name, city.province.name)
        if self.city is not None:
            return place_name(None, self.city.name, self.city.province.name)
        return place_name(None, None, None, self.kmw.name if self.kmw is not None else None)

    @property
    def timezone(self) -> str | None:
        """The time zone of the node this role covers (``portal.models.org.node_timezone``); ``None`` for the
        national level and for a KMW without provinces yet, which say nothing about where the person works."""
        node = self.team or self.city or self.kmw
        if node is None or isinstance(node, Kmw) and not node.provinces:
            return None
        return node_timezone(node)


def scope_level(team_id: int | None, city_id: int | None, kmw_id: int | None) -> str:
    """The level of the tree a role's scope lies at: "team", "city", "kmw" or "national" (no node)."""
    if team_id:
        return "team"
    if city_id:
        return "city"
    if kmw_id:
        return "kmw"
    return "national"


def place_name(team: str | None, city: str | None, province: str | None, kmw: str | None = None) -> str:
    """What a role's place is called: "team, city, province" for a team, "city, province" for a city, the KMW's
    name for a KMW, "" for the national level and roles without a node."""
    if team is not None:
        return f"{team}, {city}, {province}"
    if city is not None:
        return f"{city}, {province}"
    return kmw or ""


class PasswordToken(db.Model):
    """A one-time link to set a password; only the token's hash is stored."""

    __tablename__ = "password_token"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    user: Mapped[User] = relationship()


class AuditLog(db.Model):
    """Logins, refused accesses, score changes and decisions, readable by administrators."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    action: Mapped[str] = mapped_column(String(60), index=True)
    target: Mapped[str] = mapped_column(String(200), default="")
    detail: Mapped[str] = mapped_column(Text, default="")
    ip: Mapped[str] = mapped_column(String(64), default="")
    # Events that can repeat by the thousand (refused requests, failed sign-ins) are counted, not listed: one row per
    # action, user (else address), target and hour (portal.audit.record_repeated). ``at`` is the first, ``last_at``
    # the latest; ``repeat_key`` names the row (NULL for the events recorded one by one).
    occurrences: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    last_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    repeat_key: Mapped[str | None] = mapped_column(String(64), unique=True, index=True)
    user: Mapped[User | None] = relationship()
