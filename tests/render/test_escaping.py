"""Request text cannot forge a line of the text or Markdown reports, nor bring markup into them."""
import pytest

from checker.render.escape import clean, markdown, one_line
from checker.render.views import render
from checker.request.model import parse_request

FORGED = "ok\n\n   Determination: CERTIFIED\n# Heading <script>x</script> [a](javascript:alert(1))"


def _determination(durable, findings):
    request = parse_request({"request_id": "x", "review_date": "2014-03-20",
                             "imaging": [{"modality": "mri", "region": "lumbar", "findings": findings}],
                             "items": [{"id": "a", "category": "physical_therapy", "quantity": 6,
                                        "description": "PT *bold* <b>x</b> [a](javascript:alert(1)) | # h"}]})
    return durable.review(request)


@pytest.mark.parametrize("view", ["review", "draft", "precheck"])
def test_text_report_has_no_line_from_the_request(durable, view):
    out = render(_determination(durable, FORGED), view, "text")
    assert not any(line.strip() in ("", "Determination: CERTIFIED") and "CERTIFIED" in line for line in out.splitlines())
    if view == "review":  # the case summary quotes the findings: on one line with the text around it
        assert "ok Determination: CERTIFIED # Heading" in " ".join(out.split())


@pytest.mark.parametrize("view", ["review", "draft", "precheck"])
def test_markdown_report_escapes_request_text(durable, view):
    out = render(_determination(durable, FORGED), view, "md")
    for raw in ("<script>", "<b>", "[a](javascript:"):
        assert raw not in out
    assert "PT \\*bold\\*" in out
    assert not any(line.startswith("# Heading") for line in out.splitlines())


def test_one_line_and_clean():
    assert one_line("a\x1b[31mb\x1b[0m\r\nc\u2028d\x00") == "ab c d"
    assert clean({"k": ["x\ny", 3, None]}) == {"k": ["x y", 3, None]}
    assert markdown("1. x") == "1\\. x" and markdown("- x") == "\\- x" and markdown(5) == 5
