"""Request errors say what to write: the closest field or value, an example of the expected shape, the line and
column of the field at fault; never the value the request gave. Text YAML would cut at ' #' is warned about."""
import subprocess
import sys

import pytest

from checker.errors import InputError
from checker.request.model import load_request

BASE = "request_id: x\nreview_date: 2014-01-01\n"
ITEM = "items:\n  - {id: a, category: physical_therapy, description: t}\n"


def _error(tmp_path, text):
    path = tmp_path / "r.yaml"
    path.write_text(text)
    with pytest.raises(InputError) as info:
        load_request(path)
    return info.value


@pytest.mark.parametrize("text,field,line,wording,secret", [
    (BASE + "injury_date: 2013-02-03\n" + ITEM, "injury_date", 3, "unknown field; did you mean injury.date?", None),
    (BASE + "items:\n  - {id: a, category: phsyical_therapy, description: t}\n", "items[0].category", 4,
     "unknown category; did you mean physical_therapy?", "phsyical"),
    (BASE + "items:\n  - {id: a, category: physical_therapy, description: t, frequency: 2x6}\n", "items[0].frequency", 4,
     "expected a mapping like {per_week: 2, weeks: 6}", "2x6"),
    (BASE + "diagnoses: [{icd10: M5416}]\n" + ITEM, "diagnoses[0].icd10", 3, "written like M54.5", "M5416"),
    (BASE + "injury:\n  mechanism: fall\n  date: 2015-01-01\n" + ITEM, "injury.date", 5, "after review_date", None),
    (BASE + "patient: {sex: femal}\n" + ITEM, "patient.sex", 3, "did you mean female?", None),
    (BASE + "items:\n  - {id: a, categroy: physical_therapy, description: t}\n", "items[0].categroy", 4,
     "unknown field; did you mean category?", None),
], ids=["nested-field", "category", "frequency-shape", "icd10", "injury-date-line", "literal", "misspelt-key"])
def test_errors_say_what_to_write(tmp_path, text, field, line, wording, secret):
    err = _error(tmp_path, text)
    assert err.field == field and err.line == line and err.column
    assert wording in err.message, err.message
    assert "Value error" not in err.message and "pattern" not in err.message and "^[" not in err.message
    assert "Field required" not in err.message and "required field is missing" not in err.message
    assert secret is None or secret not in err.message
    assert len(err.message) < 200  # not the 53 categories


def test_a_hash_in_unquoted_text_is_warned_about(tmp_path):
    path = tmp_path / "r.yaml"
    path.write_text(BASE + "items:\n  - id: a\n    category: physical_therapy\n"
                           "    description: Physical therapy #90 visits\n    quantity: 12   # as requested\n")
    out = subprocess.run([sys.executable, "-m", "checker", "review", str(path)], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    warnings = [line for line in out.stderr.splitlines() if line.startswith("warning:")]
    assert warnings == [f"warning: {path}:6:5: items[0].description: the text after ' #' is read as a YAML comment "
                        "and dropped; put the whole value in quotes to keep it"]


@pytest.mark.parametrize("key", ["re[_flags", "a[b]", "[", "x]"])
def test_a_key_with_brackets_is_an_unknown_field_not_a_crash(tmp_path, key):
    # the fuzz benchmark found keys with '[' mistaken for pydantic's step names (an IndexError)
    err = _error(tmp_path, BASE + f'"{key}": []\n' + ITEM)
    assert "unknown field" in err.message and key not in err.one_line()
