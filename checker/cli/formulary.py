"""formulary: look a drug up in the MTUS Drug List in force, or import the DWC's list."""
import click

from ..errors import InputError
from .common import fail


@click.command(context_settings={"ignore_unknown_options": False})
@click.argument("args", nargs=-1, required=True)
@click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Lookup: the date whose drug list applies (default: today).")
@click.option("--version", "list_version", default=None, help="Import: the DWC version of the list (e.g. v12).")
@click.option("--effective", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Import: the date the list takes effect.")
@click.option("--out", "out_path", type=click.Path(dir_okay=False), default=None,
              help="Import: where to write the list (default: rules/formulary/mtus-drug-list-VERSION.yaml).")
def formulary(args, as_of, list_version, effective, out_path):
    """MTUS Drug Formulary: `formulary DRUG [--as-of DATE]` looks a drug up in the list in force;
    `formulary import FILE.xlsx|csv --version V --effective DATE` turns the DWC's list into a data file."""
    import datetime as dt
    from pathlib import Path

    from ..paths import rules_dir
    from ..render.output import write_atomic
    from ..request.formulary import dump_drug_list, import_drug_list, lookup
    try:
        if args[0] == "import":
            if len(args) != 2 or not list_version or effective is None:
                raise click.UsageError("formulary import FILE --version V --effective YYYY-MM-DD")
            drug_list = import_drug_list(args[1], list_version, effective.date())
            safe = "".join(ch if ch.isalnum() or ch in "-." else "-" for ch in list_version)
            target = Path(out_path) if out_path else rules_dir() / "formulary" / f"mtus-drug-list-{safe}.yaml"
            write_atomic(target, dump_drug_list(drug_list))
            click.echo(f"wrote {target}: {len(drug_list.entries)} drugs, version {drug_list.version}, "
                       f"effective {drug_list.effective.isoformat()}")
            return
        day = as_of.date() if as_of else dt.date.today()
        name = " ".join(args)
        click.echo(f"{name}: {lookup(name, day).describe()}")
    except InputError as exc:
        fail(exc)
