"""What each Spark task runs, without Spark: lines numbered across blocks and batches as the
CLI numbers them, the CLI's rules on every row, the champion's scores."""

from __future__ import annotations

import pandas as pd
import pytest

from pinkbreast.features import FEATURE_NAMES
from pinkbreast.ml import serving
from pinkbreast.ml.champion import Champion
from pinkbreast.spark.batches import RESULTS, run
from pinkbreast.spark.sources import Block, FilePlan


@pytest.fixture(scope="module")
def model(trained_champion) -> Champion:
    return serving.champion(trained_champion[0])


def _line(ref: str, values: list[float]) -> str:
    return ",".join([ref, *map(repr, values)])


def test_lines_are_numbered_across_blocks_and_batches_and_bad_ones_rejected(model, reference):
    values = reference[list(FEATURE_NAMES)].to_numpy().tolist()
    header = ",".join(["sample_ref", *FEATURE_NAMES])
    first = [header, _line("A", values[0]), "", _line("B", values[1])]  # block 0: lines 1-4
    second = [_line("C", values[2]), ",,", _line("D", values[3]).replace(",", ",x", 1)]
    plan = FilePlan("in.csv", ("sample_ref", *FEATURE_NAMES), header,
                    {0: Block(0, 0), 900: Block(4, 2)})  # fmt: skip
    batches = [  # block 0 arrives in two batches; a task reads its blocks in order
        pd.DataFrame({"file": "f", "block": 0, "text": first[:2]}),
        pd.DataFrame(
            {
                "file": ["f", "f", "f", "f", "f"],
                "block": [0, 0, 900, 900, 900],
                "text": first[2:] + second[:3],
            }
        ),  # fmt: skip
    ]
    out = pd.concat(run(iter(batches), kind="csv", files={"f": plan}, model=model))
    assert list(out.columns) == [name for name, _ in RESULTS]
    located = out[["outcome", "sample_ref", "line", "row"]].values.tolist()
    assert located == [
        ["scored", "A", 2, 1],
        ["scored", "B", 4, 2],
        ["scored", "C", 5, 3],
        ["rejected", "D", 7, 4],
    ]
    assert (
        out["reason"].iat[3]
        == f"column 2 (radius_mean): expected a number, got 'x{values[3][0]!r}'"
    )
    expected = model.score(reference[list(FEATURE_NAMES)].to_numpy()[:3])
    assert out["probability_malignant"].iloc[:3].tolist() == expected.probability
    assert set(out["model_version"].iloc[:3]) == {model.version}


@pytest.fixture(scope="module")
def reference():
    from pinkbreast.ml.data import load_reference

    return load_reference()
