"""An item of category `other` whose description names a category of the vocabulary is judged as that category: a
submitter who found no category for "prolotherapy injections" should still get the prolotherapy criteria. The
longest phrase found decides; medication is never read this way (its drug facts come from the medication field)."""
import re

from .vocabulary import is_pattern, linear_pattern

_NOT_READ = ("other", "medication")


def _phrase(phrase):
    if is_pattern(phrase):
        return linear_pattern(phrase)
    return linear_pattern(r"(?:^|[^a-z])" + re.escape(phrase.lower()) + r"(?:s|es)?(?:$|[^a-z])")


def category_named(text, vocab):
    """The category whose phrase is the longest one found in the text, or None."""
    lowered = " ".join((text or "").lower().split())
    best = (0, None)
    for category in sorted(vocab.categories):
        if category in _NOT_READ:
            continue
        for phrase in vocab.categories[category].get("phrases", ()):
            found = _phrase(phrase).search(lowered)
            if found and len(phrase) > best[0]:
                best = (len(phrase), category)
    return best[1]


def read_other_categories(request, vocab):
    """(request with each `other` item that names a category given it, notes saying so)."""
    items, notes = [], []
    for item in request.items:
        named = category_named(item.description, vocab) if item.category == "other" else None
        if named is None:
            items.append(item)
            continue
        items.append(item.model_copy(update={"category": named}))
        notes.append(f"{item.id}: category 'other' judged as '{named}', which its description names")
    if not notes:
        return request, ()
    return request.model_copy(update={"items": items}), tuple(notes)
