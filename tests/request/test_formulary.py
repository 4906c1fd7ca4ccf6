"""MTUS Drug Formulary: the bundled partial lists, the list in force by date, import of the DWC spreadsheet."""
import datetime as dt
import shutil

import pytest

from checker.errors import InputError
from checker.paths import rules_dir
from checker.request.formulary import (
    drug_lists,
    dump_drug_list,
    import_drug_list,
    lookup,
)

D = dt.date


def test_bundled_lists_are_partial_and_dated():
    lists = drug_lists()
    assert [d.effective for d in lists] == [D(2018, 1, 1), D(2020, 11, 1)]
    assert not any(d.complete for d in lists)


@pytest.mark.parametrize("name,day,status", [
    ("Norco 10/325 mg", D(2017, 6, 1), "not_in_force"),
    ("Norco 10/325 mg", D(2019, 6, 1), "non_exempt"),
    ("naproxen sodium 550 mg", D(2019, 6, 1), "exempt"),
    ("amitriptyline 25 mg", D(2019, 6, 1), "unknown"),
    ("amitriptyline 25 mg", D(2021, 6, 1), "exempt"),
])
def test_lookup_uses_the_list_in_force(name, day, status):
    assert lookup(name, day).status == status


def test_compounded_drugs_always_need_review():
    assert lookup("flurbiprofen/lidocaine cream", D(2019, 6, 1), compounded=True).status == "compounded"


@pytest.fixture
def rules_copy(tmp_path):
    target = tmp_path / "rules"
    shutil.copytree(rules_dir(), target)
    return target


def _write_imported(rules_copy, drug_list):
    path = rules_copy / "formulary" / f"mtus-drug-list-{drug_list.version}.yaml"
    path.write_text(dump_drug_list(drug_list))
    drug_lists.cache_clear()
    return path


def test_csv_import_makes_a_complete_list(tmp_path, rules_copy):
    csv_path = tmp_path / "list.csv"
    csv_path.write_text("MTUS Drug List v.99\n\nDrug Ingredient,Exempt/Non-Exempt,Special Fill,Perioperative Fill\n"
                        "Hydrocodone Bitartrate/Acetaminophen,Non-Exempt,Special Fill,Perioperative Fill\n"
                        "Ibuprofen,Exempt,,\n")
    assert not import_drug_list(csv_path, "v99", D(2030, 1, 1)).complete  # complete only when the caller says so
    drug_list = import_drug_list(csv_path, "v99", D(2030, 1, 1), complete=True)
    assert drug_list.complete and len(drug_list.entries) == 2
    _write_imported(rules_copy, drug_list)
    try:
        norco = lookup("Norco 5/325", D(2030, 2, 1), root=rules_copy)
        assert norco.status == "non_exempt" and norco.entry.special_fill_days == 4
        assert lookup("Lyrica 75 mg", D(2030, 2, 1), root=rules_copy).status == "unlisted"
        assert lookup("Lyrica 75 mg", D(2029, 2, 1), root=rules_copy).status == "unknown"
    finally:
        drug_lists.cache_clear()


def test_xlsx_import(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Drug Ingredient", "Reference in Guideline", "Exempt / Non-Exempt", "Special Fill", "Perioperative Fill"])
    sheet.append(["Tramadol", "Chronic Pain", "Non-Exempt", "4 days", "4 days"])
    sheet.append(["Naproxen", "Low Back", "Exempt", None, None])
    path = tmp_path / "list.xlsx"
    book.save(path)
    drug_list = import_drug_list(path, "v98", D(2031, 1, 1))
    assert [(e.ingredient, e.status) for e in drug_list.entries] == [("Tramadol", "non_exempt"), ("Naproxen", "exempt")]


def test_import_errors_name_the_file_and_row(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("Drug Ingredient,Exempt/Non-Exempt\nIbuprofen,maybe\n")
    with pytest.raises(InputError, match="neither Exempt") as info:
        import_drug_list(bad, "v1", D(2030, 1, 1))
    assert info.value.line == 2
    no_header = tmp_path / "none.csv"
    no_header.write_text("a,b\n1,2\n")
    with pytest.raises(InputError, match="no header row"):
        import_drug_list(no_header, "v1", D(2030, 1, 1))
    with pytest.raises(InputError, match=".xlsx or .csv"):
        import_drug_list(tmp_path / "list.pdf", "v1", D(2030, 1, 1))
