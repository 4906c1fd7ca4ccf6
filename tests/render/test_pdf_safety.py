"""PDF output: templates cannot fetch URLs or attach files, and the same request gives the same bytes."""
from pypdf import PdfReader

from checker.render.pdf import html_to_pdf


def test_no_url_is_fetched_and_nothing_is_attached(tmp_path, monkeypatch):
    import urllib.request
    fetched = []
    monkeypatch.setattr(urllib.request.OpenerDirector, "open", lambda self, *a, **k: fetched.append(a) or 1 / 0)
    html = ('<html><head><link rel="attachment" href="file:///etc/passwd">'
            '<link rel="stylesheet" href="http://127.0.0.1:9/x.css?summary=secret">'
            '<style>@font-face { font-family: x; src: url(file:///etc/passwd) }</style></head>'
            '<body><img src="file:///etc/hostname"><a rel="attachment" href="file:///etc/passwd">x</a>'
            '<p style="font-family: x">text</p></body></html>')
    path = tmp_path / "out.pdf"
    path.write_bytes(html_to_pdf(html))
    assert not fetched
    assert list(PdfReader(path).attachments) == []
    assert b"root:" not in path.read_bytes()


def test_pdf_bytes_are_reproducible(monkeypatch):
    html = "<html><body><h1>Report</h1><p>The same text, twice.</p></body></html>"
    first = html_to_pdf(html)
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    assert html_to_pdf(html) == first
