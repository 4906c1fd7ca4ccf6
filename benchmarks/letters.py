"""Letter parsing time against letter size: letters of 1, 10 and 50 MB (the seed letters repeated, one letter
with a huge case summary, and opening phrases of every pattern without their ends) should take time in proportion.

    .venv/bin/python benchmarks/letters.py [--sizes 1,10,50]
"""
import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SEED = ROOT / "examples" / "letters" / "000_5470d357e156a1c5.txt"
LAYOUT_C = ROOT / "tests" / "fixtures" / "letters" / "synthetic-later-layout-c.txt"
# phrases that open a pattern whose end never comes: a backtracking matcher rescans the rest at each one
OPENINGS = ("1) MAXIMUS Federal Services, Inc. has determined the request for x ", "State(s) of Licensure: x ",
            "Certification(s)/Specialty: x ", "The reviewer is Board Certified in x and has y ",
            "RATIONALE FOR WHY THE REQUESTED TREATMENT/SERVICE IS NOT MEDICALLY NECESSARY 1. X ",
            "1) Regarding the request for x ", "Item x: Upheld MAXIMUS guideline: y ", "word-\n", "12\n")


def letters(size):
    seed, layout_c = SEED.read_text(), LAYOUT_C.read_text()
    yield "seed letter repeated", (seed + "\n") * (size // len(seed) + 1)
    yield "layout (c) repeated", (layout_c + "\n") * (size // len(layout_c) + 1)
    at = seed.index("CLINICAL CASE SUMMARY") + len("CLINICAL CASE SUMMARY")
    filler = "The patient reports low back pain radiating to the left leg, seen on 1/2/2014. "
    yield "one huge case summary", seed[:at] + filler * (size // len(filler)) + seed[at:]
    unit = "".join(OPENINGS)
    yield "unterminated openings", ("Notice of Independent Medical Review Determination\nIMR ISSUES, DECISIONS AND "
                                    "RATIONALES\n") + unit * (size // len(unit))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1,10,50", help="letter sizes in MB")
    args = parser.parse_args()
    from checker.letters import LetterError, parse_text
    sizes = [float(s) for s in args.sizes.split(",")]
    print(f"{'letter':26}" + "".join(f"{f'{s:g} MB':>12}" for s in sizes) + "   s per MB")
    for index, name in enumerate(n for n, _ in letters(1)):
        row = []
        for size in sizes:
            text = list(letters(int(size * 1_000_000)))[index][1]
            start = time.perf_counter()
            try:
                parse_text(text)
            except LetterError:
                pass
            row.append(time.perf_counter() - start)
        print(f"{name:26}" + "".join(f"{t:11.2f}s" for t in row) + f"   {' / '.join(f'{t / s:.3f}' for t, s in zip(row, sizes))}")


if __name__ == "__main__":
    main()
