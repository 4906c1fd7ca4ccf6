"""Regenerate the golden report files (make golden). Run it on purpose, read the diff, and commit it."""
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from checker.pipeline import Checker  # noqa: E402
from checker.render.views import render  # noqa: E402
from checker.request.model import load_request  # noqa: E402

GOLDEN = Path(__file__).resolve().parent
SEEDS = sorted((ROOT / "examples" / "requests").glob("seed-*.yaml"))
VIEWS = ("review", "draft", "precheck")
FORMATS = {"text": "txt", "html": "html"}


def normalise(text):
    """Golden files pin the words, not the rule library's hash (it changes with any rule file) nor the shared
    stylesheet (base.html.j2)."""
    import re
    text = re.sub(r"<style>.*?</style>", "<style>(base.html.j2)</style>", text, flags=re.S)
    return re.sub(r"\b[0-9a-f]{64}\b|(?<=sha256 )[0-9a-f]{12}\b", "<sha256>", text)


def outputs():
    checker = Checker()
    for path in SEEDS:
        det = checker.review(load_request(path))
        for view in VIEWS:
            for fmt, ext in FORMATS.items():
                yield GOLDEN / view / f"{path.stem}.{ext}", normalise(render(det, view, fmt))


if __name__ == "__main__":
    for target, text in outputs():
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        print(f"wrote {target.relative_to(ROOT)}")
