"""Where the bundled rule library and report templates are: inside the wheel, or at the repo's top level."""
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _data_dir(name):
    installed = _PACKAGE / "_data" / name
    return installed if installed.is_dir() else _PACKAGE.parent / name


def rules_dir():
    """The rule library directory (rules/)."""
    return _data_dir("rules")


def reports_dir():
    """The Jinja report templates directory (reports/)."""
    return _data_dir("reports")
