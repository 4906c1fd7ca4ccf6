"""Letters come through the input gate, and the text flattening keeps its rules (in linear time: see
benchmarks/letters.py)."""
import os

import pytest

from checker.letters import LetterError, parse_file
from checker.letters.parse import _flat


def test_a_pipe_or_device_is_refused_without_reading(tmp_path):
    fifo = tmp_path / "letter.txt"
    os.mkfifo(fifo)
    for path in (fifo, "/dev/zero"):
        with pytest.raises(LetterError, match="not a regular file"):
            parse_file(path)


def test_a_pdf_over_the_page_limit_is_refused(tmp_path):
    from pypdf import PdfWriter
    writer = PdfWriter()
    for _ in range(201):
        writer.add_blank_page(width=72, height=72)
    path = tmp_path / "long.pdf"
    with open(path, "wb") as fh:
        writer.write(fh)
    with pytest.raises(LetterError, match="more than 200 pages"):
        parse_file(path)


def test_flattening_rejoins_hyphenated_words_and_drops_page_debris():
    assert _flat("medi-\ncally necessary\nPage 2 of 3\n\n12\nnext  line\r\n") == "medi-cally necessary next  line"
    assert _flat("a -\nb\nx-\n- y") == "a - b x-- y"
