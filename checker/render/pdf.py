"""HTML to PDF with WeasyPrint. A template cannot reach out: every URL is refused but the bundled stylesheets and
fonts (under reports/), nothing is attached, and WeasyPrint's log (which names URLs) is kept off standard error.
The same HTML gives the same bytes: no dates in the metadata, a fixed document identifier, and the fonts' timestamps
from SOURCE_DATE_EPOCH (0 when it is not set)."""
import hashlib
import logging
import os
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ..paths import reports_dir

_BUNDLED = (".css", ".ttf", ".otf", ".woff", ".woff2")


def _fetcher():
    from weasyprint.urls import URLFetcher

    class Bundled(URLFetcher):
        def fetch(self, url, headers=None):
            parts = urlsplit(url)
            path = Path(unquote(parts.path)).resolve() if parts.scheme == "file" else None
            if path is None or not path.is_relative_to(reports_dir().resolve()) or path.suffix.lower() not in _BUNDLED:
                raise ValueError("refused: a report fetches only the bundled stylesheets and fonts")
            return super().fetch(url, headers)

    return Bundled(allowed_protocols=("file",), allow_redirects=False)


@contextmanager
def _quiet_and_dated():
    logger = logging.getLogger("weasyprint")
    saved_env, saved_log = os.environ.get("SOURCE_DATE_EPOCH"), (logger.handlers[:], logger.propagate)
    os.environ.setdefault("SOURCE_DATE_EPOCH", "0")  # fontTools stamps each subset font with this time
    logger.handlers, logger.propagate = [logging.NullHandler()], False
    try:
        yield
    finally:
        logger.handlers, logger.propagate = saved_log
        if saved_env is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)


def html_to_pdf(html):
    """PDF bytes of a report's HTML page."""
    from weasyprint import HTML
    with _quiet_and_dated():
        document = HTML(string=html, base_url=str(reports_dir()), url_fetcher=_fetcher()).render()
        document.metadata.attachments = []
        document.metadata.created = document.metadata.modified = None
        identifier = hashlib.sha256(html.encode("utf-8")).hexdigest()[:32].encode()
        return document.write_pdf(pdf_identifier=identifier, attachments=None)
