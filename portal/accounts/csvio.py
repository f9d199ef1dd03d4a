"""Creating accounts from a CSV file (columns: email, nama, telepon, jabatan, peran, lingkup_kode).

One row per role: a person with two roles has two rows with the same email. Every row is checked first
(emails, roles, scope codes, and whether the importing manager may grant that role there); a file with
any problem creates nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _

from portal import audit
from portal.accounts.operations import build_account, invite
from portal.accounts.rules import EMAIL, ScopeError, ScopeLookup, can_grant, parse_role
from portal.auth.operations import issue_password_token, normalise_email
from portal.extensions import db
from portal.mail.outbox import announce
from portal.models.people import User
from portal.org.csvtable import Problem, TableError, imported_text, read_table
from portal.spreadsheet_safety import unquote_text

COLUMNS = ["email", "nama", "telepon", "jabatan", "peran", "lingkup_kode"]
REQUIRED = ["email", "nama", "peran"]


@dataclass
class _Person:
    line: int
    name: str
    phone: str
    position: str
    roles: list = field(default_factory=list)


@dataclass
class AccountImportResult:
    problems: list[Problem] = field(default_factory=list)
    links: list[tuple[str, str]] = field(default_factory=list)  # (email, raw one-time token)

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        if self.problems:
            return _("%(n)s masalah ditemukan; tidak ada akun yang dibuat.", n=len(self.problems))
        return _("%(n)s akun dibuat.", n=len(self.links))


def import_accounts_csv(data: bytes, by: User | None = None) -> AccountImportResult:
    """Check every row, then create all accounts in one transaction, each with a one-time link mailed in an
    invitation."""
    result = AccountImportResult()
    try:
        table = read_table(data, required=REQUIRED, known=COLUMNS)
    except TableError as exc:
        result.problems = exc.problems
        return result
    emails = {normalise_email(row.get("email", "")) for _, row in table.rows}
    taken = set(db.session.scalars(db.select(User.email).where(User.email.in_(emails)))) if emails else set()
    scopes = ScopeLookup({row.get("lingkup_kode", "") for _, row in table.rows})
    people: dict[str, _Person] = {}
    for line, row in table.rows:
        _check_row(line, row, people, taken, scopes, by, result.problems)
    if not table.rows:
        result.problems.append(Problem(2, None, _("berkas tidak berisi akun.")))
    if result.problems:
        return result
    created = []
    for email, person in people.items():
        user = build_account(
            email=email, name=person.name, roles=person.roles, phone=person.phone, position=person.position
        )
        token = issue_password_token(user)
        created.append((user, token))
        result.links.append((email, token))
    db.session.flush()
    by_id = getattr(by, "id", None)
    for user, token in created:
        invite(user, token)
        audit.record("account_created", target=f"user:{user.id}", detail=_("impor CSV"), user_id=by_id)
    audit.record("accounts_imported", target="accounts", detail=result.summary(), user_id=by_id)
    db.session.commit()
    announce()
    return result


def _check_row(line, row, people, taken, scopes: ScopeLookup, by, problems: list[Problem]) -> None:
    email = normalise_email(row.get("email", ""))
    before = len(problems)
    formulas: list[Problem] = []
    name = imported_text(line, "nama", row.get("nama", ""), formulas)
    position = imported_text(line, "jabatan", row.get("jabatan", ""), formulas)
    phone = unquote_text(row.get("telepon", ""))  # "+62 812..." is a phone number, accepted as it is
    if not EMAIL.match(email) or len(email) > 254:
        problems.append(Problem(line, "email", _("alamat email tidak valid.")))
    elif email in taken:
        problems.append(Problem(line, "email", _("email %(email)s sudah terdaftar.", email=email)))
    if not name or len(name) > 160:
        problems.append(Problem(line, "nama", _("wajib diisi, paling panjang 160 karakter.")))
    problems.extend(formulas)
    if len(phone) > 40 or len(position) > 160:
        problems.append(Problem(line, "telepon", _("telepon paling panjang 40, jabatan 160 karakter.")))
    role = parse_role(row.get("peran", ""))
    node = None
    if role is None:
        problems.append(
            Problem(
                line,
                "peran",
                _("peran tidak dikenal; isi writer, data_manager, panel_member, reader atau admin."),
            )
        )
    else:
        try:
            node = scopes.resolve(role, row.get("lingkup_kode", ""))
        except ScopeError as exc:
            problems.append(Problem(line, "lingkup_kode", str(exc)))
        else:
            if not can_grant(by, role, node):
                problems.append(
                    Problem(line, "peran", _("Anda tidak berwenang memberi peran ini pada lingkup ini."))
                )
    if len(problems) > before:
        return
    person = people.setdefault(email, _Person(line, name, phone, position))
    person.roles.append((role, node))
