"""``portal.text.render_markdown`` converts with one Markdown instance per thread, reset for each text: the HTML
must be what a fresh conversion gives, whatever the text before it left in the instance, in any thread."""
from __future__ import annotations

import threading

import markdown
import pytest

from portal import text

TEXTS = [
    "## Latar belakang\n\nWarga **bergotong-royong** sejak pagi.\n\n- satu\n- dua\n\n1. pertama\n2. kedua",
    "| Kegiatan | Biaya |\n| --- | ---: |\n| Jalan | Rp 5 juta |\n| Drainase | Rp 2 juta |\n\nSetelah tabel.",
    "Tautan [laporan](https://contoh.id/laporan \"judul\") dan `kode` serta <b>tag</b> yang ditampilkan.",
    "# Judul satu\n\n> kutipan warga\n\n    blok kode\n\n* bintang\n* lagi\n\n---\n\nAkhir.",
    "3. mulai dari tiga\n4. empat\n\n- daftar lain\n\nKalimat dengan *miring* dan __tebal__.",
    "Lihat [laporan][lap] kelurahan.\n\n[lap]: https://contoh.id/lap",
    "Tanpa definisi di teks ini: [teks][lap] tetap teks.",  # a reference left by the text before must not resolve
    "",
]


def _fresh(source: str) -> str:
    """What the converter gave when it was built anew for every text."""
    html = markdown.markdown(text._escape_raw_html(source), extensions=list(text.EXTENSIONS), output_format="html")
    return text._clean(text.re.sub(r"<(/?)h1>", r"<\1h2>", html))


@pytest.fixture(autouse=True)
def _no_kept_results():
    text.render_markdown.cache_clear()
    yield
    text.render_markdown.cache_clear()


def test_each_text_converts_as_if_alone_in_any_order():
    expected = {source: _fresh(source) for source in TEXTS}
    assert "<table>" in expected[TEXTS[1]] and "&lt;b&gt;" in expected[TEXTS[2]] and "<h2>" in expected[TEXTS[3]]
    assert 'href="https://contoh.id/lap"' in expected[TEXTS[5]] and "href" not in expected[TEXTS[6]]
    for order in (TEXTS, list(reversed(TEXTS)), TEXTS[1::2] + TEXTS[::2]):
        text.render_markdown.cache_clear()
        for source in order:
            assert str(text.render_markdown(source)) == expected[source]


def test_threads_convert_at_once_without_mixing_texts():
    expected = {source: _fresh(source) for source in TEXTS}
    failures: list[str] = []
    start = threading.Barrier(4)

    def convert(offset: int) -> None:
        start.wait()
        for i in range(60):
            source = TEXTS[(offset + i) % len(TEXTS)] + f"\n\nParagraf {offset}-{i}."
            got = str(text.render_markdown(source))
            if got != _fresh(source):
                failures.append(source)

    threads = [threading.Thread(target=convert, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert all(str(text.render_markdown(source)) == expected[source] for source in TEXTS)
