"""Group sizes by factorised keys: the same Series as pandas' group-by, on every key type."""

import itertools

import numpy as np
import pandas as pd
import pytest

from diagnostic_lib import inventory
from diagnostic_lib.inventory import volume


def _plain(df, keys):
    return df.groupby(keys, dropna=False, observed=True).size().rename("count")


def _frame(n: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    text = np.array(["b", "a", "é", "", "B", "a b"], dtype=object)
    return pd.DataFrame(
        {
            "s": pd.Series(text[rng.integers(0, 6, n)], dtype="str").where(rng.random(n) > 0.1),
            "i": rng.integers(-3, 4, n),
            "u": rng.integers(0, 3, n).astype("uint8"),
            "ni": pd.array(rng.integers(2020, 2024, n), dtype="Int64"),
            "b": rng.random(n) > 0.5,
            "c": pd.Categorical(rng.choice(["z", "y"], n), categories=["z", "y", "x"]),
            "o": pd.Series(text[rng.integers(0, 6, n)], dtype=object),
            "f": np.where(rng.random(n) > 0.2, rng.integers(0, 3, n) * 0.5, np.nan),
        }
    ).assign(ni=lambda d: d["ni"].where(rng.random(n) > 0.1))


@pytest.mark.parametrize("n", [0, 1, 7, 500])
@pytest.mark.parametrize("width", [1, 2, 3])
def test_group_sizes_equal_the_group_by(n, width):
    df = _frame(n, seed=n + width)
    for keys in itertools.permutations(df.columns, width):
        keys = list(keys)
        pd.testing.assert_series_equal(volume.group_sizes(df, keys), _plain(df, keys))


@pytest.mark.parametrize("n, width", [(200, 4), (2000, 6)])
def test_group_sizes_equal_the_group_by_with_many_combinations(n, width):
    # 201**4 combinations are sorted; 2001**6 do not fit in an integer: the group-by
    rng = np.random.default_rng(5)
    df = pd.DataFrame({f"k{i}": rng.integers(0, 10**6, n) for i in range(width)})
    df.iloc[::3] = df.iloc[0].to_numpy()  # some groups of several rows
    pd.testing.assert_series_equal(volume.group_sizes(df, list(df)), _plain(df, list(df)))


@pytest.mark.parametrize("period", ["year", "quarter", "month", None])
@pytest.mark.parametrize("by", [("sector", "category"), ("family",), ("sector",), ("category",)])
def test_counts_equal_the_group_by_on_the_sample(diag, monkeypatch, by, period):
    got = inventory.counts(diag.incidents, by=by, period=period, complete=False)
    monkeypatch.setattr(volume, "group_sizes", _plain)
    want = inventory.counts(diag.incidents, by=by, period=period, complete=False)
    pd.testing.assert_frame_equal(got, want)
    assert int(got["count"].sum()) == len(diag.incidents)
