"""The private text helpers: the same values as pandas' own conversions."""

import numpy as np
import pandas as pd
import pytest

from diagnostic_lib._text import all_distinct, str_array


@pytest.mark.parametrize(
    "values",
    [
        ["a", "b", "a"],
        ["a", None, np.nan, pd.NA, ""],
        ["é", "Ünïcode", "z"],
        [1, "a", 2.5],  # not all text: pandas writes the numbers as text
        [True, False],
        [],
        [None, None],
    ],
)
def test_str_array_equals_pandas_str_array(values):
    obj = np.asarray(values, dtype=object)
    want = pd.array(obj, dtype="str")
    got = str_array(obj)
    assert got.dtype == want.dtype
    pd.testing.assert_extension_array_equal(got, want)


def test_str_array_reads_numpy_text_arrays():
    values = np.array(["x", "yy", ""])
    pd.testing.assert_extension_array_equal(str_array(values), pd.array(values, dtype="str"))


@pytest.mark.parametrize(
    "names",
    [["a", "b", None], ["x"], [1, "a", None, 2.5], [], ["é", ""]],
)
def test_str_take_equals_str_array_of_the_taken_values(names):
    from diagnostic_lib._text import str_take

    names = np.asarray(names, dtype=object)
    rng = np.random.default_rng(2)
    codes = rng.integers(0, len(names), 50) if len(names) else np.zeros(0, dtype="int64")
    got = str_take(names, codes)
    pd.testing.assert_extension_array_equal(got, str_array(names[codes]))
    assert len(got) == len(codes)


@pytest.mark.parametrize(
    "values",
    [
        ["a", "b", "c"],
        ["a", "b", "a"],
        ["a", None, "b"],
        ["a", None, None],
        ["", "a", " a"],
        ["1", 1, "b"],
        [],
        ["x"],
    ],
)
@pytest.mark.parametrize("dtype", ["str", object])
def test_all_distinct_is_not_duplicated_any(values, dtype):
    s = pd.Series(values, dtype=dtype)
    assert all_distinct(s) is (not s.duplicated().any())


def test_ranked_codes_follow_the_sorted_text():
    from diagnostic_lib._text import ranked_codes

    names = np.array(["b", "é", "a", "B", "10", "9"], dtype=object)
    codes = np.array([0, 1, 2, -1, 3, 4, 5, 0, -1])
    new, sorted_names = ranked_codes(codes, names)
    assert sorted_names.tolist() == sorted(names.tolist())
    # every row names the same text as before; missing stays missing
    assert [sorted_names[c] if c >= 0 else None for c in new] == [
        names[c] if c >= 0 else None for c in codes
    ]


@pytest.mark.parametrize("dtype", ["str", object])
def test_all_distinct_is_no_duplicate_among_the_rows_kept(dtype):
    """Arrow text (hashed by Arrow) and other values (factorised) answer as ``duplicated``."""
    rng = np.random.default_rng(5)
    pool = np.array(["a", "b", "7", " 7", "", "é", "e\u0301", None], dtype=object)
    for _ in range(200):
        n = int(rng.integers(0, 7))
        values = pd.Series(rng.choice(pool, n), dtype=dtype)
        where = rng.random(n) < 0.6
        want = not values[where].duplicated().any()
        assert all_distinct(values, where=where) == want
        assert all_distinct(values) == (not values.duplicated().any())


@pytest.mark.parametrize(
    ("values", "want"),
    [
        (["a", "b", "c"], True),  # in order: decided by comparing neighbours
        (["a", "b", "b", "c"], False),  # in order but for a repeat: hashed
        (["a", None, "b"], True),
        ([None, "a", None], False),  # missing values equal each other
        (["b", "a", "c"], True),  # not in order: hashed
        (["c", "b", "a", "c"], False),
        (["", "a"], True),
        (["", "", "a"], False),
    ],
)
def test_all_distinct_on_ordered_text(values, want):
    s = pd.Series(values, dtype="str")
    assert s.array._pa_array.num_chunks >= 1  # Arrow text: the ordered short cut applies
    assert all_distinct(s) is want
    assert all_distinct(s, where=np.ones(len(values), dtype=bool)) is want


def test_factorize_is_pandas_factorize_on_text_in_many_chunks():
    """Arrow text read in blocks (one chunk each) encodes as pandas would, in one piece."""
    from diagnostic_lib._text import factorize

    rng = np.random.default_rng(11)
    pool = np.array(["b", "a", "", "é", "e\u0301", "2024-05-01 10:00", " a"], dtype=object)
    parts = [pd.Series(rng.choice(pool, int(rng.integers(0, 9))), dtype="str") for _ in range(9)]
    values = pd.concat(parts, ignore_index=True)
    assert values.array._pa_array.num_chunks > 1
    codes, uniq = factorize(values)
    want_codes, want_uniq = pd.factorize(values, use_na_sentinel=False)
    assert codes.tolist() == want_codes.tolist()
    assert list(uniq) == list(want_uniq)
    # missing values and other dtypes: pandas' own answer
    for other in (pd.Series(["a", None, "a"], dtype="str"), pd.Series([1, 2, 1])):
        got = factorize(other)
        want = pd.factorize(other, use_na_sentinel=False)
        assert got[0].tolist() == want[0].tolist()
        assert [str(u) for u in got[1]] == [str(u) for u in want[1]]
