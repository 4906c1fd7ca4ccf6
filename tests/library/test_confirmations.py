"""A criterion confirmed by a real IMR letter names the letter, and the letter holds the words quoted."""
import re

from conftest import ROOT

LETTERS = ROOT / "examples" / "letters" / "imr-2016-2017" / "txt"


def _words(text):
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def _quoted_parts(quote):
    """The quotation's runs of words; "..." and "[...]" mark the reviewer's omissions or ours."""
    return [w for w in (_words(p) for p in re.split(r"\.\.\.|…|\[[^\]]*\]", quote)) if w]


def test_every_letter_quotation_is_in_the_letters_it_names(library):
    texts = {p.stem: _words(p.read_text(encoding="utf-8")) for p in LETTERS.glob("*.txt")}
    wrong = []
    for crit in library.criteria():
        cb = crit.confirmed_by
        if cb.source != "imr_letter":
            continue
        if not cb.letters or not cb.quote:
            wrong.append(f"{crit.topic} {crit.id}: imr_letter without letters and quote")
            continue
        unknown = [n for n in cb.letters if n not in texts]
        if unknown:
            wrong.append(f"{crit.topic} {crit.id}: no such development letter {unknown}")
            continue
        named = " | ".join(texts[n] for n in cb.letters)
        missing = [p for p in _quoted_parts(cb.quote) if p not in named]
        if missing:
            wrong.append(f"{crit.topic} {crit.id}: not in {cb.letters}: {missing[0][:80]!r}")
    assert not wrong, "\n".join(sorted(set(wrong)))


def test_the_quotation_check_can_fail():
    assert _quoted_parts("a b [...] c. ... d") == ["a b", "c", "d"]
    assert "four a s at each visit" in _words('Document the "four A\'s" at each visit')


def test_a_published_quotation_names_where_it_was_published(library):
    """A `secondary` confirmation that quotes the guideline gives the page or document it quotes from."""
    wrong = [f"{c.topic} {c.id}" for c in library.criteria()
             if c.confirmed_by.source == "secondary" and c.confirmed_by.quote
             and not (c.confirmed_by.url or "").startswith(("https://", "http://"))]
    assert not wrong, wrong
