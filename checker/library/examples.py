"""A rule's examples are request fragments: they are laid over a minimal request for the topic (dated the day
its edition takes effect, one item of its first category) and must give the expected result."""
import datetime as dt

from ..request.model import parse_request


def _merge(base, extra):
    out = dict(base)
    for key, value in extra.items():
        out[key] = _merge(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


def shift_dates(node, delta):
    """The same request data with every date moved by `delta`."""
    if isinstance(node, dt.date):
        return node + delta
    if isinstance(node, dict):
        return {k: shift_dates(v, delta) for k, v in node.items()}
    if isinstance(node, list):
        return [shift_dates(v, delta) for v in node]
    return node


def example_data(topic, example, criterion=None):
    """The full request mapping for one example of a criterion of `topic` (dated when the criterion takes effect).
    In a later edition's span, the example's own dates move with it, keeping their distance from the review date."""
    fragment = dict(example.request)
    if criterion is not None and criterion.written_for and criterion.effective_from != criterion.written_for:
        fragment = shift_dates(fragment, criterion.effective_from - criterion.written_for)
    item_extra = fragment.pop("item", {})
    item = _merge({"id": "item-1", "category": topic.selectors[0][0], "description": topic.title}, item_extra)
    start = criterion.effective_from if criterion is not None else topic.effective_from
    base = {"request_id": "example", "review_date": start.isoformat(), "items": [item]}
    return _merge(base, fragment)


def example_request(topic, example, criterion=None):
    """The validated Request for one example."""
    return parse_request(example_data(topic, example, criterion), "<example>")
