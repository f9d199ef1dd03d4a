"""The obligation tracking of one month as a recap (so it exports like Lampiran 2 and 3): percentages per
city and per KMW / wilayah, and who to follow up, with names and phones. Internal: never on public pages."""

from __future__ import annotations

from flask_babel import gettext as _

from portal.period import Period
from portal.reports.recaps import Recap, Section, yes_no
from portal.reports.tracking import Obligations, Scope, obligations, percentages


def _contacts(found: Obligations, kind: str, node_id) -> tuple[str, str]:
    people = found.who(kind, node_id)
    return ", ".join(n for n, _p in people), ", ".join(p for _n, p in people if p)


def _per_city(found: Obligations) -> Section:
    import pandas as pd

    table = percentages(found.teams, "submitted", "city", "city_id")
    cities = found.cities.set_index("city_id")
    rows = []
    for n, r in enumerate(table.itertuples(), 1):
        city = cities.loc[r.city_id]
        rows.append(
            {
                _("No"): n,
                _("Kota/Kabupaten"): r.city,
                _("Provinsi"): city["province"],
                _("Tim"): int(r.total),
                _("Kirim s.d. tgl 15"): int(r.done),
                _("Persen"): float(r.percent),
                _("Kirim ke provinsi s.d. tgl 20"): yes_no(bool(city["sent"])),
            }
        )
    columns = [
        _("No"),
        _("Kota/Kabupaten"),
        _("Provinsi"),
        _("Tim"),
        _("Kirim s.d. tgl 15"),
        _("Persen"),
        _("Kirim ke provinsi s.d. tgl 20"),
    ]
    frame = pd.DataFrame(rows, columns=columns)
    totals = {
        _("Tim"): int(frame[_("Tim")].sum()),
        _("Kirim s.d. tgl 15"): int(frame[_("Kirim s.d. tgl 15")].sum()),
        _("Kirim ke provinsi s.d. tgl 20"): int(found.cities["sent"].sum()),
    }
    return Section(_("Kepatuhan per kota/kabupaten"), frame, totals)


def _per_kmw(found: Obligations) -> Section:
    import pandas as pd

    table = percentages(found.teams, "submitted", "kmw", "kmw_id")
    kmws = found.kmws.set_index("kmw_id")
    rows = [
        {
            _("No"): n,
            _("KMW"): r.kmw,
            _("Wilayah"): kmws.loc[r.kmw_id, "region"],
            _("Tim"): int(r.total),
            _("Kirim s.d. tgl 15"): int(r.done),
            _("Persen"): float(r.percent),
            _("Kirim ke KMP s.d. tgl 25"): yes_no(bool(kmws.loc[r.kmw_id, "sent"])),
        }
        for n, r in enumerate(table.itertuples(), 1)
    ]
    columns = [
        _("No"),
        _("KMW"),
        _("Wilayah"),
        _("Tim"),
        _("Kirim s.d. tgl 15"),
        _("Persen"),
        _("Kirim ke KMP s.d. tgl 25"),
    ]
    frame = pd.DataFrame(rows, columns=columns)
    totals = {
        _("Tim"): int(frame[_("Tim")].sum()),
        _("Kirim s.d. tgl 15"): int(frame[_("Kirim s.d. tgl 15")].sum()),
        _("Kirim ke KMP s.d. tgl 25"): int(found.kmws["sent"].sum()),
    }
    return Section(_("Kepatuhan per KMW"), frame, totals)


def _missing_teams(found: Obligations) -> Section:
    import pandas as pd

    rows = []
    for n, t in enumerate(found.missing_teams().itertuples(), 1):
        names, phones = _contacts(found, "team", t.team_id)
        rows.append(
            {
                _("No"): n,
                _("Tim"): t.team,
                _("Kota/Kabupaten"): t.city,
                _("Keadaan"): _("Terlambat") if t.late else _("Belum mengirim"),
                _("Penulis"): names,
                _("Telepon"): phones,
            }
        )
    columns = [_("No"), _("Tim"), _("Kota/Kabupaten"), _("Keadaan"), _("Penulis"), _("Telepon")]
    frame = pd.DataFrame(rows, columns=columns)
    return Section(_("Tim yang belum mengirim s.d. tanggal 15"), frame, {_("Tim"): len(rows)})


def _missing_experts(found: Obligations) -> Section:
    import pandas as pd

    rows = [
        {_("No"): n, _("Nama TA"): e.name, _("KMW"): e.kmw, _("Telepon"): e.phone}
        for n, e in enumerate(found.missing_experts().itertuples(), 1)
    ]
    frame = pd.DataFrame(rows, columns=[_("No"), _("Nama TA"), _("KMW"), _("Telepon")])
    return Section(_("TA yang belum mengirim produk pengetahuan"), frame, {_("Nama TA"): len(rows)})


def followup_recap(scope: Scope, period: str, scope_label: str) -> Recap:
    """Rekap kepatuhan dan tindak lanjut for ``scope`` in ``period`` (contacts included: internal)."""
    found = obligations(period, scope)
    label = Period(period).label()
    return Recap(
        title=_("Rekap Kepatuhan dan Tindak Lanjut Best Practice"),
        lines=[f"{_('Cakupan')}: {scope_label}", f"{_('Bulan')}: {label}"],
        sections=[_per_city(found), _per_kmw(found), _missing_teams(found), _missing_experts(found)],
        file_stem=f"Rekap kepatuhan_{scope_label}_{label}",
    )
