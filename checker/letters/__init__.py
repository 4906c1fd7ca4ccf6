"""Past IMR letters: read (text or PDF text layer), detect the layout, parse items, decisions, citations."""
from .parse import Letter, LetterError, LetterItem, parse_file, parse_text

__all__ = ["Letter", "LetterError", "LetterItem", "parse_file", "parse_text"]
