"""Reading and writing tables of samples (CSV files): files and messages to people, not ML.

* :mod:`.problems`: why a file is refused (:class:`~.problems.FileRejected`, each
  :class:`~.problems.Problem` by file, line and column);
* :mod:`.cells`: the kinds of table (labelled cases, samples to score), their layouts, and the
  one set of cell rules, for a cell and for a whole column;
* :mod:`.reader`: the reader every entry point uses (:func:`~.reader.parse_table`,
  :func:`~.reader.read_table`), which names every problem;
* :mod:`.columns`: its fast path for a plainly valid file, parsed column by column with the
  same rules;
* :mod:`.dialects`: a spreadsheet's ``;`` and decimal commas turned into plain CSV.

The names callers need are importable from the package itself.
"""

from pinkbreast.tables.cells import CASES, DIAGNOSES, SAMPLE_REF_MAX, SAMPLES, SITE_ID_OFFSET
from pinkbreast.tables.problems import MAX_PROBLEMS, FileRejected, Problem
from pinkbreast.tables.reader import parse_table, read_table, write_cases

__all__ = [
    "CASES",
    "DIAGNOSES",
    "MAX_PROBLEMS",
    "SAMPLES",
    "SAMPLE_REF_MAX",
    "SITE_ID_OFFSET",
    "FileRejected",
    "Problem",
    "parse_table",
    "read_table",
    "write_cases",
]
