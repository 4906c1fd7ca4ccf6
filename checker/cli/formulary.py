"""formulary: look a drug up in the MTUS Drug List in force, or import the DWC's list."""
import click

from ..errors import InputError
from .common import fail, fail_unknown, out_option, write_output

# The DWC's MTUS Drug List names well over a thousand ingredients; a file much shorter than this is a sample or
# an extract, which must not be taken for the whole list (an unlisted drug would then read as "needs review").
MIN_COMPLETE = 200


@click.command()
@click.argument("args", nargs=-1, required=True)
@click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Lookup: the date whose drug list applies (default: today).")
@click.option("--list-version", "list_version", default=None, help="Import: the DWC version of the list (e.g. v12).")
@click.option("--effective", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Import: the date the list takes effect.")
@click.option("--complete", is_flag=True,
              help=f"Import: the file is the DWC's whole list, so a drug not on it is Unlisted (needs at least "
                   f"{MIN_COMPLETE} drugs); without it the list is partial and such a drug's status is unknown.")
@out_option("Import: where to write the list (default: rules/formulary/mtus-drug-list-VERSION.yaml).")
def formulary(args, as_of, list_version, effective, complete, out_path):
    """MTUS Drug Formulary: `formulary DRUG [--as-of DATE]` looks a drug up in the list in force;
    `formulary import FILE.xlsx|csv --list-version V --effective DATE [--complete]` turns the DWC's list into a
    data file. A name that is neither in the vocabulary nor on the list exits 2 with the closest known name."""
    import datetime as dt
    from pathlib import Path

    from ..paths import rules_dir
    from ..request.formulary import drug_lists, dump_drug_list, import_drug_list, lookup
    from ..request.vocabulary import load_vocabulary
    try:
        if args[0] == "import":
            if len(args) != 2 or not list_version or effective is None:
                raise click.UsageError("formulary import FILE --list-version V --effective YYYY-MM-DD [--complete]")
            drug_list = import_drug_list(args[1], list_version, effective.date(), complete=complete)
            if complete and len(drug_list.entries) < MIN_COMPLETE:
                raise InputError(args[1], f"--complete, but the file lists {len(drug_list.entries)} drug(s); the "
                                          f"DWC's whole list has well over {MIN_COMPLETE} (import it without --complete)")
            safe = "".join(ch if ch.isalnum() or ch in "-." else "-" for ch in list_version)
            target = Path(out_path) if out_path else rules_dir() / "formulary" / f"mtus-drug-list-{safe}.yaml"
            write_output(target, dump_drug_list(drug_list), f"{len(drug_list.entries)} drugs, version "
                         f"{drug_list.version}, effective {drug_list.effective.isoformat()}, "
                         f"{'complete' if drug_list.complete else 'partial'}")
            return
        day = as_of.date() if as_of else dt.date.today()
        name = " ".join(args)
        found = lookup(name, day)
        vocab = load_vocabulary()
        if found.entry is None and vocab.drug(name)[0] is None:
            known = sorted({n for spec in vocab.drugs.values() for n in spec["names"]}
                           | {e.ingredient.lower() for d in drug_lists() for e in d.entries})
            fail_unknown("drug", name, known, "neither in the drugs: of rules/vocabulary/ nor on a drug list")
        click.echo(f"{name}: {found.describe()}")
    except InputError as exc:
        fail(exc)
