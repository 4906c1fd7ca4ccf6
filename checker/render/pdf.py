"""HTML to PDF with WeasyPrint (the same self-contained HTML the html format gives)."""


def html_to_pdf(html):
    """PDF bytes of a self-contained HTML page (no network: the page has no external resources)."""
    from weasyprint import HTML
    return HTML(string=html, base_url=None).write_pdf()
