"""Request text in the text and Markdown reports: it cannot forge a line of the report. Every string of the report
data loses its control characters (ANSI escapes included) and its line breaks; in Markdown, what is printed
through a template expression is escaped as well, so it cannot open a heading, a link, a list or raw HTML."""
import re

_ANSI = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])")
_BREAKS = re.compile(r"[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]+")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|~!&])")
_MD_LINE_START = re.compile(r"^(\s*(?:\d+)?)([-+=.)])")  # a list item or a setext line


def one_line(text):
    """Text as one printable line: escape sequences and control characters dropped, line breaks made spaces."""
    return _CONTROL.sub("", _BREAKS.sub(" ", _ANSI.sub("", text)))


def clean(data):
    """The report data with every string made one line (the structure and every other value unchanged)."""
    if isinstance(data, str):
        return one_line(data)
    if isinstance(data, dict):
        return {key: clean(value) for key, value in data.items()}
    if isinstance(data, list):
        return [clean(value) for value in data]
    return data


def markdown(value):
    """A value printed into Markdown: its special characters escaped (a Jinja `finalize`)."""
    if not isinstance(value, str):
        return value
    return _MD_LINE_START.sub(r"\1\\\2", _MD_SPECIAL.sub(r"\\\1", value))
