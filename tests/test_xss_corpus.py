"""XSS corpus: classic payloads typed into every text input a user reaches through the real forms, then read
back on every page that shows them. The HTML is parsed (html.parser) so tags and attributes are checked as a
browser would see them, not only by substring.

Asserted on every page: no inline ``<script>`` (scripts only from /static/), no ``on*=`` attribute on any tag,
no ``javascript:``/``vbscript:``/``data:text/html`` URL in href/src/action/formaction/xlink:href, no ``<iframe>``,
``<object>`` or ``<embed>``, no style expression, and the template payload ``{{7*7}}`` never evaluated to 49.
"""
from __future__ import annotations

import io
import re
from html.parser import HTMLParser

from portal.extensions import db
from portal.models.reviews import EntryStatus, Tier
from tests import builders_elearning as el
from tests import builders_reports as rb
from tests.builders_security import PERIOD, build_scenario
from tests.builders_submissions import complete_fields, long_text
from tests.support import PASSWORD

PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "[klik](javascript:alert(1))",
    "<svg/onload=alert(1)>",
    '<a href="data:text/html,<script>alert(1)</script>">data</a>',
    "ssti{{7*7}}ssti",
    "</textarea><script>alert(1)</script>",
    '<iframe src="https://jahat.example/"></iframe>',
    '<p style="width:expression(alert(1));background:url(javascript:alert(1))">gaya</p>',
    "&#x3C;script&#x3E;alert(1)&#x3C;/script&#x3E;",
    '<a href="jav&#x09;ascript:alert(1)">tab</a>',
    "[t](jav&#x61;script:alert(1))",
    "' onmouseover='alert(1)",
    "<details open ontoggle=alert(1)>d</details>",
    "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e",
    "<math><mi xlink:href=\"javascript:alert(1)\">m</mi></math>",
    "<object data=\"javascript:alert(1)\"></object><embed src=\"javascript:alert(1)\">",
    "{% print(7*7) %}ssti{{ config }}",
]
ALL = "\n\n".join(PAYLOADS)


def packed(limit: int, start: int = 0) -> str:
    """As many payloads as fit in ``limit`` characters, starting at payload ``start`` (so fields differ)."""
    out = ""
    for i in range(len(PAYLOADS)):
        p = PAYLOADS[(start + i) % len(PAYLOADS)]
        if len(out) + len(p) + 1 > limit:
            break
        out = f"{out} {p}" if out else p
    return out


BAD_SCHEMES = ("javascript:", "vbscript:", "data:text/html")
URL_ATTRS = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "background"}


class _Checker(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.in_script = False

    def handle_starttag(self, tag, attrs):
        attrs = [(k.lower(), v or "") for k, v in attrs]
        names = dict(attrs)
        if tag == "script" and not names.get("src", "").startswith("/static/"):
            self.problems.append(f"inline <script {attrs}>")
        if tag in ("iframe", "object", "embed", "frame", "frameset"):
            self.problems.append(f"<{tag}> tag")
        for key, value in attrs:
            if key.startswith("on"):
                self.problems.append(f"<{tag} {key}={value!r}>")
            squeezed = re.sub(r"[\s\x00-\x1f]+", "", value).lower()
            if key in URL_ATTRS and squeezed.startswith(BAD_SCHEMES):
                self.problems.append(f"<{tag} {key}={value!r}>")
            if key == "style" and ("expression(" in squeezed or "javascript:" in squeezed):
                self.problems.append(f"<{tag} style={value!r}>")

    handle_startendtag = handle_starttag


def problems_in(html: str) -> list[str]:
    checker = _Checker()
    checker.feed(html)
    checker.close()
    found = checker.problems
    if "ssti49ssti" in html or re.search(r"\b49ssti", html):
        found.append("template payload {{7*7}} evaluated to 49")
    return found


class Pages:
    """Sign-in clients per user and a record of every page read."""

    def __init__(self, app):
        self.app = app
        self.clients = {}
        self.read: list[tuple[str, str, int]] = []
        self.problems: list[str] = []

    def client(self, user):
        key = getattr(user, "id", None)
        if key not in self.clients:
            c = self.app.test_client()
            if user is not None:
                r = c.post("/akun/masuk", data={"email": user.email, "password": PASSWORD})
                assert r.status_code == 302, r.get_data(as_text=True)[:300]
            self.clients[key] = c
        return self.clients[key]

    def post(self, user, url, data, expect=(200, 302)):
        r = self.client(user).post(url, data=data, content_type="multipart/form-data")
        assert r.status_code in expect, f"POST {url}: {r.status_code} {r.get_data(as_text=True)[:400]}"
        return r

    def look(self, user, url, *, html: bool = True, must_show: str | None = None):
        r = self.client(user).get(url, follow_redirects=True)
        assert r.status_code == 200, f"GET {url} as {getattr(user, 'email', 'anonymous')}: {r.status_code}"
        if not html:
            return r
        page = r.get_data(as_text=True)
        self.read.append((url, getattr(user, "email", "anonymous"), len(page)))
        for p in problems_in(page):
            self.problems.append(f"{url} ({getattr(user, 'email', 'anonymous')}): {p}")
        if must_show is not None:
            assert must_show in page, f"{url} does not show {must_show!r}: the check would prove nothing"
        return r


def test_checker_catches_the_payloads_when_unescaped():
    """The checker itself: raw payloads in a page are found, escaped ones are not."""
    from markupsafe import escape

    raw = "<html><body>" + "".join(PAYLOADS).replace("{{7*7}}", "49") + "</body></html>"
    found = problems_in(raw)
    for marker in ("inline <script", "onerror", "onload", "javascript", "data:text/html", "<iframe>", "expression",
                   "ontoggle", "<object>", "<embed>", "evaluated"):
        assert any(marker in p for p in found), marker
    assert problems_in("<html><body>" + str(escape(ALL)) + "</body></html>") == []


def test_payloads_through_every_form_and_page(app, make_tree, make_user, make_piece):
    s = build_scenario(make_tree, make_user, make_piece)
    u = s.users
    pages = Pages(app)
    admin, writer_a, city_dm, kmw_dm = u["admin"], u["writer_a"], u["city_dm"], u["kmw_dm"]

    # --- a piece, every field, and the photo caption (the writer's real form) ----------------------------------
    draft = s.draft
    fields = complete_fields()
    short = {"title": 250, "theme": 160, "institution_name": 200, "institution_address": 300,
             "institution_phone": 40, "author_name": 160, "author_position": 160, "author_place": 160,
             "author_phone": 40}
    for n, (name, limit) in enumerate(short.items()):
        fields[name] = packed(limit, n)
    fields["title"] = "Judul " + packed(240, 0)
    fields["body_md"] = long_text() + "\n\n" + ALL
    fields["facts"] = ALL
    fields.update(version=str(draft.version), action="save", **{f"caption_{s.photo.id}": packed(200, 3)})
    pages.post(writer_a, f"/tulisan/{draft.id}", fields)
    db.session.refresh(draft)
    assert "<script>alert(1)</script>" in draft.body_md and "ssti{{7*7}}ssti" in draft.facts
    assert "onerror" in draft.title + draft.theme + draft.institution_name + draft.author_name
    # a new photo's caption through the JSON upload, and autosave of the theme
    from tests.builders_submissions import jpeg

    r = pages.client(writer_a).post(f"/tulisan/{draft.id}/foto", content_type="multipart/form-data",
                                    data={"photo": (io.BytesIO(jpeg(900, 700)), "a.jpg"), "caption": packed(200, 7)})
    assert r.status_code == 200, r.get_data(as_text=True)[:300]
    r = pages.client(writer_a).post(f"/tulisan/{draft.id}/simpan", json={"version": draft.version,
                                                                         "theme": packed(160, 9)})
    assert r.status_code == 200, r.get_data(as_text=True)[:300]
    r = pages.client(writer_a).post("/tulisan/pratinjau", data={"body_md": ALL})
    assert r.status_code == 200 and problems_in(r.get_json()["html"]) == []
    db.session.refresh(draft)

    pages.look(writer_a, f"/tulisan/{draft.id}", must_show="&lt;script&gt;alert(1)&lt;/script&gt;")
    pages.look(writer_a, f"/tulisan/{draft.id}/lihat")
    pages.look(writer_a, "/tulisan/")
    pages.look(writer_a, "/")
    pages.look(city_dm, f"/tulisan/{draft.id}/lihat")

    # The piece goes into the open KMW A panel and is then published (the panels' flow has its own tests).
    kmw_entry = rb.add_entry(s.kmw_panel, draft)
    rb.add_sheet(kmw_entry, s.helper_a, 800)

    # --- a score sheet note (open KMW A panel, its member) ----------------------------------------------------
    pages.post(s.helper_a, f"/penilaian/entri/{kmw_entry.id}/nilai",
               {**{f"score_{c}": "8" for c in range(1, 9)}, "version": "1", "note": ALL[:3900], "save": "1"})
    pages.look(s.helper_a, f"/penilaian/entri/{kmw_entry.id}/nilai", must_show="&lt;script&gt;")
    pages.look(s.helper_a, f"/penilaian/panel/{s.kmw_panel.id}")
    pages.look(kmw_dm, f"/penilaian/panel/{s.kmw_panel.id}")
    pages.look(kmw_dm, f"/penilaian/panel/{s.kmw_panel.id}/hasil")
    pages.look(kmw_dm, f"/laporan/panel/{s.kmw_panel.id}/kalibrasi")

    # --- recusal reason (KMW B panel member) -------------------------------------------------------------
    pages.post(u["other_panel"], f"/penilaian/entri/{s.other_entry.id}/mundur", {"reason": packed(480, 2)})
    pages.look(u["other_panel"], f"/penilaian/panel/{s.other_panel.id}")
    pages.look(u["other_kmw_dm"], f"/penilaian/panel/{s.other_panel.id}")
    pages.look(u["other_kmw_dm"], f"/penilaian/panel/{s.other_panel.id}/hasil")

    # --- return reasons and checklist note (an open city panel of Demak, its data manager checks) ----------
    demak_piece = make_piece(s.tree.team["demak-TF01"], period=PERIOD, title="Demak " + packed(200, 5))
    demak_panel = rb.make_panel(Tier.CITY, PERIOD, city=s.tree.city["demak"], members=[], chair=None)
    demak_entry = rb.add_entry(demak_panel, demak_piece, status="pending")
    pages.look(u["other_city_dm"], f"/penilaian/entri/{demak_entry.id}/periksa")
    pages.post(u["other_city_dm"], f"/penilaian/entri/{demak_entry.id}/periksa",
               {"point_1": "1", "note": ALL[:1990], "submit": "1"})
    db.session.refresh(demak_entry)
    assert demak_entry.status == EntryStatus.RETURNED
    pages.look(u["writer_other_city"], "/tulisan/", must_show="&lt;script&gt;")
    pages.look(u["writer_other_city"], f"/tulisan/{demak_piece.id}/lihat")
    pages.look(u["other_city_dm"], f"/penilaian/panel/{demak_panel.id}")

    # --- publish; comments, replies, reports, moderation on the public page ----------------------------------
    el.publish(draft, "national")
    pages.post(u["writer_b"], f"/elearning/tulisan/{draft.id}/komentar", {"kind": "comment", "body": ALL})
    from portal.models.elearning import Comment

    first = db.session.scalar(db.select(Comment).where(Comment.piece_id == draft.id))
    assert first is not None and "<script>" in first.body
    pages.post(u["reader"], f"/elearning/tulisan/{draft.id}/komentar",
               {"kind": "comment", "body": packed(1900, 4), "parent_id": str(first.id)})
    pages.post(u["reader"], f"/elearning/komentar/{first.id}/laporkan", {"reason": packed(480, 6)})
    pages.look(city_dm, "/elearning/moderasi", must_show="&lt;script&gt;")
    second = make_piece(s.team_b, period="2026-09")
    el.publish(second, "province")
    pages.post(u["writer_a"], f"/elearning/tulisan/{second.id}/komentar", {"kind": "question", "body": ALL})
    to_hide = db.session.scalar(db.select(Comment).where(Comment.piece_id == second.id))
    pages.post(city_dm, f"/elearning/komentar/{to_hide.id}/moderasi", {"action": "hide", "reason": packed(480, 1)})
    for viewer in (None, writer_a, city_dm):
        pages.look(viewer, f"/elearning/tulisan/{draft.id}")
        pages.look(viewer, f"/elearning/tulisan/{second.id}")
    pages.look(None, f"/elearning/tulisan/{draft.id}", must_show="&lt;script&gt;alert(1)&lt;/script&gt;")
    pages.look(writer_a, "/notifikasi", must_show="&lt;script&gt;")  # the question's excerpt, escaped
    pages.look(u["writer_b"], "/notifikasi")

    # --- award (national data manager) ----------------------------------------------------------------
    pages.post(u["national_dm"], f"/elearning/penghargaan/{draft.id}/tambah",
               {"title": packed(150, 0), "description": ALL[:1990]})
    pages.look(None, "/elearning/penghargaan", must_show="&lt;script&gt;")

    # --- rewards: an award corrected and revoked, its certificate's pages; a nomination round ----------------
    from portal.rewards import certificates

    old_number = certificates.award_number(s.award)
    pages.post(u["national_dm"], f"/penghargaan/{s.award.id}/koreksi",
               {"title": packed(150, 2), "recipient_name": packed(150, 4), "description": ALL[:1990],
                "reason": ALL[:990]})
    db.session.refresh(s.award)
    assert s.award.revision == 2 and "<" in s.award.recipient_name
    new_number = certificates.award_number(s.award)
    pages.look(u["national_dm"], f"/penghargaan/{s.award.id}", must_show="&lt;script&gt;")
    pages.look(None, f"/sertifikat/{old_number}", must_show="&lt;")
    pages.look(None, f"/sertifikat/{new_number}", must_show="&lt;")
    pages.look(writer_a, f"/elearning/tulisan/{s.published.id}")
    pages.look(writer_a, f"/sertifikat/{new_number}/unduh", html=False)
    pages.post(u["national_dm"], f"/penghargaan/{s.award.id}/cabut", {"revoke_reason": ALL[:990]})
    pages.look(None, f"/sertifikat/{new_number}", must_show="&lt;script&gt;")
    pages.look(u["national_dm"], f"/penghargaan/{s.award.id}")
    pages.post(u["national_dm"], "/nominasi/", {"year": "2027", "semester": "1", "quota": "2",
                                                "workshop_name": packed(190, 5), "workshop_date": "2027-06-01",
                                                "workshop_place": packed(190, 6)})
    pages.post(kmw_dm, f"/nominasi/{s.nomination_round.id}/provinsi/{s.province.id}",
               {"writers": [str(writer_a.id)], "reason": ALL[:990]})
    pages.look(u["national_dm"], "/nominasi/", must_show="&lt;")
    for viewer in (kmw_dm, u["national_dm"]):
        pages.look(viewer, f"/nominasi/{s.nomination_round.id}")
    pages.look(kmw_dm, f"/nominasi/{s.nomination_round.id}/undangan.pdf", html=False)
    pages.look(kmw_dm, f"/nominasi/{s.nomination_round.id}/peserta.xlsx", html=False)

    # --- knowledge product (expert writes, KMW data manager publishes) -----------------------------------
    pages.post(u["expert"], "/tulisan/produk-pengetahuan",
               {"year": "2026", "title": packed(240, 1), "summary": ALL, "body_md": ALL, "action": "submit"})
    pages.look(u["expert"], "/tulisan/produk-pengetahuan")
    pages.look(kmw_dm, "/elearning/produk-pengetahuan/menunggu", must_show="&lt;")
    pages.post(kmw_dm, f"/elearning/produk-pengetahuan/{s.kp_pending.id}/terbitkan", {})
    pages.look(None, "/elearning/produk-pengetahuan")
    pages.look(None, f"/elearning/produk-pengetahuan/{s.kp_pending.id}", must_show="&lt;script&gt;")

    # --- public lists, search, feeds --------------------------------------------------------------------
    for url in ("/", "/elearning/", "/elearning/nasional", "/elearning/provinsi", f"/elearning/provinsi/{s.province.id}",
                "/elearning/bulan/2026-12", "/elearning/cari?q=alert", "/elearning/cari?q=klik",
                "/elearning/cari?q=" + "%3Cscript%3Ealert(1)%3C/script%3E", "/laporan/kemajuan",
                f"/laporan/kemajuan/{s.kmw_a.id}"):
        pages.look(None, url)
    pages.look(None, "/elearning/cari?q=Judul", must_show="&lt;")
    for url in ("/elearning/feed/nasional.atom", f"/elearning/feed/provinsi/{s.province.id}.atom"):
        pages.look(None, url)

    # --- extension reason (city data manager) ------------------------------------------------------------
    pages.post(city_dm, "/tulisan/perpanjangan", {"scope": f"team:{s.team_a.id}", "period": PERIOD,
                                                  "stage": "writing", "until": "2026-12-20T17:00", "reason": ALL})
    pages.look(city_dm, "/tulisan/perpanjangan", must_show="&lt;script&gt;")

    # --- accounts: name and position (admin) -------------------------------------------------------------
    pages.post(admin, "/akun-pengguna/baru", {"email": "xss@uji.bp.id", "name": packed(150, 0),
                                             "position": packed(150, 3), "phone": "", "role": "writer",
                                             "scope_code": "SEMARANG-TF04"})
    from portal.models.people import User

    created = db.session.scalar(db.select(User).where(User.email == "xss@uji.bp.id"))
    assert created is not None and "<" in created.name
    for url in ("/akun-pengguna/", f"/akun-pengguna/{created.id}", "/akun-pengguna/?q=script"):
        pages.look(admin, url)
    pages.look(city_dm, "/akun-pengguna/")

    # --- organisation tree: names through the page and through the CSV import -------------------------------
    pages.post(admin, f"/admin/struktur/tim/baru?induk={s.semarang.id}",
               {"code": "SMG-XSS", "name": packed(150, 1), "parent_code": "SEMARANG", "kind": "tf"})
    from portal.models.org import Team

    team = db.session.scalar(db.select(Team).where(Team.code == "SMG-XSS"))
    assert team is not None and "<" in team.name
    csv = ("wilayah_kode,wilayah_nama,kmw_kode,kmw_nama,provinsi_kode,provinsi_nama,zona_waktu,kota_kode,kota_nama,"
           "tim_kode,tim_nama,tim_jenis,kelurahan_kode,kelurahan_nama\n"
           'W1,Wilayah I,KMW-A,KMW A,JATENG,Jawa Tengah,Asia/Jakarta,SEMARANG,Kota Semarang,SEMARANG-TF01,'
           'TF 01 Kota Semarang,tf,KEL-XSS,"<script>alert(1)</script><img src=x onerror=alert(1)>"\n'
           'W1,Wilayah I,KMW-A,KMW A,JATENG,Jawa Tengah,Asia/Jakarta,SEMARANG,Kota Semarang,SEMARANG-TF01,'
           'TF 01 Kota Semarang,tf,<svg/onload=alert(1)>,ssti{{7*7}}ssti\n')
    r = pages.post(admin, "/admin/struktur/impor", {"file": (io.BytesIO(csv.encode()), "pohon.csv")})
    assert not problems_in(r.get_data(as_text=True))
    for url in ("/admin/struktur/", "/admin/struktur/tim/", f"/admin/struktur/tim/{team.id}",
                f"/admin/struktur/kota/{s.semarang.id}", f"/admin/struktur/tim/{s.team_a.id}",
                "/admin/struktur/kelurahan/", "/admin/struktur/tim/?q=script", f"/admin/struktur/tim/{team.id}/ubah"):
        pages.look(admin, url)
    pages.look(admin, "/admin/struktur/ekspor", html=False)

    # --- reports: Lampiran pages and their exports (exports must not crash) -------------------------------
    for url in (f"/laporan/lampiran3/{s.semarang.id}?periode=2026-12", f"/laporan/lampiran3/{s.semarang.id}",
                f"/laporan/lampiran2/{s.kmw_a.id}?periode=2026-12", f"/laporan/lampiran2/{s.kmw_a.id}",
                "/laporan/?periode=2026-12", "/laporan/kepatuhan?periode=2026-12"):
        pages.look(admin, url)
    for url in (f"/laporan/lampiran3/{s.semarang.id}/unduh/xlsx?periode=2026-12",
                f"/laporan/lampiran3/{s.semarang.id}/unduh/pdf?periode=2026-12",
                f"/laporan/lampiran2/{s.kmw_a.id}/unduh/xlsx?periode=2026-12",
                f"/laporan/lampiran2/{s.kmw_a.id}/unduh/pdf?periode=2026-12",
                "/laporan/kepatuhan/unduh/xlsx?periode=2026-12"):
        pages.look(admin, url, html=False)
    city_panel_dec = db.session.scalar(db.select(type(s.city_panel)).where(
        type(s.city_panel).period == "2026-12", type(s.city_panel).tier == Tier.CITY))
    pages.look(city_dm, f"/penilaian/panel/{city_panel_dec.id}/hasil")
    pages.look(city_dm, f"/penilaian/panel/{city_panel_dec.id}/surat.pdf", html=False)

    # --- the audit page, when its blueprint is registered ------------------------------------------------
    if "admin_audit.index" in app.view_functions:
        pages.look(admin, "/admin/audit/")

    assert len(pages.read) >= 60
    assert not pages.problems, "\n".join(pages.problems)


def test_tie_reason_payloads(app, make_tree, make_user, make_piece):
    """The chair's reason for a tie at the cut-off (a real tie through the panels' flow) on the result pages."""
    from tests.builders_panels import tied_city_panel

    admin, pool, panel, (_top, *tied) = tied_city_panel(make_tree, make_user, make_piece)
    pages = Pages(app)
    pages.post(pool[0], f"/penilaian/entri/{tied[0].id}/seri", {"decision": "yes", "reason": packed(480, 0)})
    pages.post(pool[0], f"/penilaian/entri/{tied[1].id}/seri", {"decision": "no", "reason": packed(480, 5)})
    db.session.expire_all()
    assert "<script>" in tied[0].tie_reason
    pages.look(pool[0], f"/penilaian/panel/{panel.id}/hasil", must_show="&lt;script&gt;")
    pages.look(admin, f"/penilaian/panel/{panel.id}/hasil")
    pages.look(admin, f"/penilaian/panel/{panel.id}")
    pages.post(pool[0], f"/penilaian/panel/{panel.id}/tutup", {})
    pages.look(admin, f"/penilaian/panel/{panel.id}/hasil")
    pages.look(admin, f"/penilaian/panel/{panel.id}/surat.pdf", html=False)
    pages.look(admin, f"/laporan/lampiran3/{panel.city_id}?periode={panel.period}")
    if "admin_audit.index" in app.view_functions:
        pages.look(admin, "/admin/audit/")
    assert not pages.problems, "\n".join(pages.problems)
