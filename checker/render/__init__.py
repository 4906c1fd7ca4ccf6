"""Stage 5, rendering: the three reports (review, draft, precheck) in text, md, html, pdf and json; atomic output."""
