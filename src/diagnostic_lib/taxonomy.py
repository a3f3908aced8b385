"""The category taxonomy and the severity weights, shipped as replaceable data.

The taxonomy (``data/taxonomy.csv``) gives each canonical category code its
family, French and English labels, and the aliases under which it appears in
exports (e.g. SPVM's ``Vol dans / sur véhicule à moteur``). The severity weights
(``data/severity_weights.csv``) give each code a weight and its provenance:
``secondary`` for the indicative Statistics Canada Crime Severity Index weights
reported by a secondary source (see docs/methods.md, *Local severity
index*; verify them against Statistics Canada before calling them official),
``local`` for local assumptions.
The local severity-weighted index built from them is *not* the official CSI.

Users replace either file by giving its path (in ``diagnostic.toml``:
``[taxonomy] path = …`` and ``[severity] path = …``), or add their own labels
to the codes without copying the taxonomy (``[taxonomy.aliases]`` and
``[taxonomy] categories = "categories.csv"``, applied by :func:`with_aliases`).
:func:`unmatched_categories` lists the labels of an export that no code claims,
with the closest codes.

Packaged code tables map a standard's codes to the taxonomy's, in the same form
as ``categories.csv``: ``ucr2`` (``data/ucr2.csv``, its sources in
``data/ucr2.toml``) holds Statistics Canada's UCR2 violation codes, selected by
``[taxonomy] categories = "ucr2"`` (:func:`code_table_aliases`). A label that
starts or ends with a known code (``"1430 - Voies de fait"``) takes that code
(:func:`match_key`).

Examples
--------
>>> from diagnostic_lib import taxonomy
>>> tax = taxonomy.load_taxonomy()
>>> taxonomy.lookup_categories(["Introduction", "Méfait", "??"], tax).tolist()
['burglary', 'mischief', '']
>>> float(taxonomy.load_severity_weights().loc["robbery", "weight"])
583.0
>>> ucr = with_aliases(tax, code_table_aliases("ucr2")[0])
>>> taxonomy.lookup_categories(["1430", "2120 Introduction par effraction", "1627"], ucr).tolist()
['assault', 'burglary', '']
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from importlib import resources
from importlib.resources.abc import Traversable
from os import PathLike
from typing import Any

import pandas as pd

from . import schema
from ._text import as_text, map_distinct, norm_key
from .errors import ConfigError, DataError, bilingual, unreadable

TAXONOMY_COLUMNS = ("code", "family", "label_fr", "label_en", "concern", "aliases")
WEIGHT_COLUMNS = ("code", "weight", "provenance", "note")

SUGGESTIONS = 3
"""Closest codes suggested for a label no code claims (:func:`unmatched_categories`)."""

SUGGESTION_CUTOFF = 0.5
"""Least :class:`difflib.SequenceMatcher` ratio of a suggested code (on normalised text)."""

CODE_TABLES: dict[str, str] = {"ucr2": "ucr2.csv"}
"""Packaged code tables (name → file of ``data/``), usable as ``[taxonomy] categories``."""

CODE_TABLE_COLUMNS = ("source_label", "code", "label_en", "label_fr", "evidence")


def _data_path(name: str) -> Traversable:
    """A data file shipped with the package."""
    return resources.files("diagnostic_lib") / "data" / name


def load_taxonomy(path: str | PathLike[str] | None = None) -> pd.DataFrame:
    """Load the category taxonomy.

    Parameters
    ----------
    path : path, optional
        A CSV with columns ``code, family, label_fr, label_en`` and optionally
        ``concern`` (the survey concern code the category answers to, see
        :data:`~diagnostic_lib.schema.CONCERNS`) and ``aliases``
        (``|``-separated). Default: the packaged taxonomy.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``code``; ``aliases`` is a tuple of strings.

    Raises
    ------
    DataError
        Missing columns, duplicated codes or unknown families.

    Examples
    --------
    >>> load_taxonomy().loc["burglary", "family"]
    'property'
    """
    src = path if path is not None else _data_path("taxonomy.csv")
    name = str(path) if path is not None else "taxonomy.csv (packaged)"
    try:
        with open(src, encoding="utf-8-sig") as fh:
            df = pd.read_csv(fh, dtype=str, keep_default_na=False)
    except (OSError, pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise DataError(f"{name}: {unreadable(exc, 'csv')}") from None
    missing = [c for c in TAXONOMY_COLUMNS[:4] if c not in df.columns]
    if missing:
        message = bilingual(
            "taxonomy.error.missing_columns", missing=", ".join(missing), columns=list(df.columns)
        )
        raise DataError(f"{name}: {message}")
    for opt in ("aliases", "concern"):
        if opt not in df.columns:
            df[opt] = ""
    df["code"] = df["code"].str.strip()
    if df["code"].duplicated().any():
        codes = sorted(df.loc[df["code"].duplicated(), "code"])
        raise DataError(f"{name}: {bilingual('taxonomy.error.duplicated', codes=codes)}")
    bad = sorted(set(df["family"]) - set(schema.FAMILIES))
    if bad:
        message = bilingual(
            "taxonomy.error.families", families=bad, allowed=", ".join(schema.FAMILIES)
        )
        raise DataError(f"{name}: {message}")
    if "other" not in set(df["code"]):
        raise DataError(f"{name}: {bilingual('taxonomy.error.no_other')}")
    df["aliases"] = [tuple(a.strip() for a in s.split("|") if a.strip()) for s in df["aliases"]]
    return df.set_index("code", drop=False)[list(TAXONOMY_COLUMNS)]


def alias_map(taxonomy: pd.DataFrame) -> dict[str, str]:
    """Normalised label → category code, from codes, labels and aliases.

    Parameters
    ----------
    taxonomy : pandas.DataFrame
        A taxonomy (see :func:`load_taxonomy`).

    Returns
    -------
    dict
        Normalised label (see :func:`~diagnostic_lib._text.norm_key`) → code; a
        label added by :func:`with_aliases` keeps its code, otherwise the first
        code that claims a label keeps it.

    Examples
    --------
    >>> alias_map(load_taxonomy())["vol qualifie"]
    'robbery'
    """
    # the labels of the config (see with_aliases) win over the taxonomy's own
    out: dict[str, str] = dict(taxonomy.attrs.get("alias_overrides", {}))
    for rec in taxonomy.itertuples(index=False):
        for label in (rec.code, rec.label_fr, rec.label_en, *rec.aliases):
            key = norm_key(label)
            if key and key not in out:
                out[key] = rec.code
    return out


def match_key(key: str, amap: Mapping[str, str]) -> str:
    """The code of a normalised label: its own, else that of a code it starts or ends with.

    Exports of records systems often write a standard code with its name
    (``"1430 - Voies de fait niveau 1"``, ``"Assault, level 1 [1430]"``): when the
    whole label is unknown, its first or last word, if made of digits and known,
    gives the code.

    Parameters
    ----------
    key : str
        A normalised label (:func:`~diagnostic_lib._text.norm_key`).
    amap : dict
        Normalised label → code (:func:`alias_map`).

    Returns
    -------
    str
        The code, ``""`` when none.

    Examples
    --------
    >>> amap = {"1430": "assault", "mefait": "mischief"}
    >>> [match_key(k, amap) for k in ("1430 voies de fait", "assault level 1 1430", "mefait", "x")]
    ['assault', 'assault', 'mischief', '']
    """
    code = amap.get(key)
    if code is not None:
        return code
    words = key.split(" ")
    if len(words) > 1:
        for word in (words[0], words[-1]):
            if word.isdigit() and word in amap:
                return amap[word]
    return ""


def load_code_table(name: str) -> pd.DataFrame:
    """A packaged code table: a standard's codes, their names and the taxonomy code of each.

    Parameters
    ----------
    name : str
        A key of :data:`CODE_TABLES` (``"ucr2"``).

    Returns
    -------
    pandas.DataFrame
        :data:`CODE_TABLE_COLUMNS`, one row per code of the standard; ``code`` is
        ``""`` for a code with no equivalent in the packaged taxonomy.

    Raises
    ------
    ConfigError
        An unknown name.

    Examples
    --------
    >>> t = load_code_table("ucr2").set_index("source_label")
    >>> t.loc["1430", ["code", "label_en"]].tolist()
    ['assault', 'Assault, level 1']
    """
    if name not in CODE_TABLES:
        message = bilingual(
            "taxonomy.error.code_table", name=repr(name), known=", ".join(CODE_TABLES)
        )
        raise ConfigError(message)
    with open(_data_path(CODE_TABLES[name]), encoding="utf-8") as fh:
        df = pd.read_csv(fh, dtype=str, keep_default_na=False)
    return df[list(CODE_TABLE_COLUMNS)]


def code_table_aliases(name: str) -> tuple[dict[str, str], dict[str, str]]:
    """Source label → taxonomy code from a packaged code table, and where each was read.

    Each mapped row gives its code and its English and French names; rows without a
    code are left out (their labels stay unmatched and ``validate`` lists them).

    Parameters
    ----------
    name : str
        A key of :data:`CODE_TABLES`.

    Returns
    -------
    (dict, dict)
        The mapping (for :func:`with_aliases`) and, for each label, the file and row.

    Examples
    --------
    >>> mapping, where = code_table_aliases("ucr2")
    >>> mapping["2120"], mapping["Voies de fait simples (niveau 1)"], "1627" in mapping
    ('burglary', 'assault', False)
    >>> where["2120"]
    'ucr2.csv (packaged), row 71'
    """
    table = load_code_table(name)
    mapping: dict[str, str] = {}
    where: dict[str, str] = {}
    for row, rec in enumerate(table.itertuples(index=False), start=2):
        if not rec.code:
            continue
        for label in (rec.source_label, rec.label_en, rec.label_fr):
            if label.strip():
                mapping[label.strip()] = rec.code
                where[label.strip()] = f"{CODE_TABLES[name]} (packaged), row {row}"
    return mapping, where


def lookup_categories(labels: Any, taxonomy: pd.DataFrame | None = None) -> pd.Series:
    """Map source labels to canonical codes (``""`` when unknown).

    Matching ignores case, accents and punctuation; a label that starts or ends
    with a known code takes that code (:func:`match_key`).

    Parameters
    ----------
    labels : array-like of str
        Category labels as written in an export.
    taxonomy : pandas.DataFrame, optional
        Default: the packaged taxonomy.

    Returns
    -------
    pandas.Series of str
        The canonical code of each label.

    Examples
    --------
    >>> lookup_categories(["VOL DE VEHICULE A MOTEUR"]).tolist()
    ['vehicle_theft']
    """
    tax = load_taxonomy() if taxonomy is None else taxonomy
    amap = alias_map(tax)
    labels = pd.Series(labels)
    return pd.Series(
        map_distinct(as_text(labels), lambda u: match_key(norm_key(u), amap)),
        index=labels.index,
        dtype="str",
    )


def with_aliases(
    taxonomy: pd.DataFrame,
    mapping: Mapping[str, str],
    where: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """The taxonomy with more source labels for its codes (the config's aliases).

    Each source label becomes an alias of its code, and wins over the taxonomy:
    another code that claimed the same label (as an alias, a label or a code)
    loses it. The taxonomy given is not changed.

    Parameters
    ----------
    taxonomy : pandas.DataFrame
        A taxonomy (see :func:`load_taxonomy`).
    mapping : dict
        Source label → canonical code (e.g. ``[taxonomy.aliases]`` of
        ``diagnostic.toml`` merged with its ``categories.csv``).
    where : dict, optional
        Source label → where it was written (for the error message), e.g.
        ``'diagnostic.toml: [taxonomy.aliases] "Vol dans véhicule"'``.

    Returns
    -------
    pandas.DataFrame
        A copy of the taxonomy; ``attrs["alias_overrides"]`` holds the normalised
        labels and their codes (read by :func:`alias_map`).

    Raises
    ------
    ConfigError
        A code that is not in the taxonomy, with the closest codes.

    Examples
    --------
    >>> tax = with_aliases(load_taxonomy(), {"Vol dans véhicule": "theft_from_vehicle"})
    >>> lookup_categories(["VOL DANS VEHICULE", "Méfait"], tax).tolist()
    ['theft_from_vehicle', 'mischief']
    >>> with_aliases(load_taxonomy(), {"Vol": "theft_from_vehicule"})
    Traceback (most recent call last):
    ...
    diagnostic_lib.errors.ConfigError: [taxonomy.aliases] "Vol": the code 'theft_from_vehicule' ...
    """
    codes = list(taxonomy.index.astype(str))
    overrides: dict[str, str] = {}
    for label, code in mapping.items():
        code = str(code).strip()
        if code not in taxonomy.index:
            close = difflib.get_close_matches(code, codes, n=SUGGESTIONS, cutoff=SUGGESTION_CUTOFF)
            place = (where or {}).get(label, f'[taxonomy.aliases] "{label}"')
            message = bilingual(
                "taxonomy.error.alias_code",
                code=repr(code),
                close=", ".join(map(repr, close)) or "—",
            )
            raise ConfigError(f"{place}: {message}")
        key = norm_key(label)
        if key:
            overrides[key] = code
    out = taxonomy.copy()
    added: dict[str, list[str]] = {}
    for label, code in mapping.items():
        if norm_key(label):
            added.setdefault(str(code).strip(), []).append(str(label).strip())
    out["aliases"] = [
        tuple(a for a in aliases if overrides.get(norm_key(a), code) == code)
        + tuple(added.get(code, ()))
        for code, aliases in zip(out["code"], out["aliases"], strict=True)
    ]
    out.attrs["alias_overrides"] = {**taxonomy.attrs.get("alias_overrides", {}), **overrides}
    return out


def unmatched_categories(values: Any, taxonomy: pd.DataFrame | None = None) -> pd.DataFrame:
    """The source labels no code claims, how often they occur and the closest codes.

    These labels are classed ``other`` by the incidents loader; mapping them in
    ``[taxonomy.aliases]`` (or ``categories.csv``) gives them their code.

    Parameters
    ----------
    values : array-like of str
        Category labels as written in an export (one per row).
    taxonomy : pandas.DataFrame, optional
        Default: the packaged taxonomy.

    Returns
    -------
    pandas.DataFrame
        ``value`` (the label as first written), ``count`` (rows whose label
        normalises the same, see :func:`~diagnostic_lib._text.norm_key`) and
        ``suggestions`` (tuple of up to :data:`SUGGESTIONS` codes, closest
        first; none for a label made of digits only), most frequent first. Empty
        labels are left out.

    Examples
    --------
    >>> u = unmatched_categories(["Vol dans véhicule", "vol dans vehicule", "Méfait", ""])
    >>> u[["value", "count"]].values.tolist()
    [['Vol dans véhicule', 2]]
    >>> u["suggestions"].iloc[0][0]
    'theft_from_vehicle'
    """
    tax = load_taxonomy() if taxonomy is None else taxonomy
    amap = alias_map(tax)
    text = as_text(pd.Series(values, dtype=object))
    keys = pd.Series(map_distinct(text, norm_key), index=text.index, dtype="str")
    matched = pd.Series(map_distinct(keys, lambda k: match_key(k, amap) != ""), index=keys.index)
    unmatched = (keys != "") & ~matched.astype(bool)
    frame = pd.DataFrame({"value": text[unmatched], "key": keys[unmatched]})
    grouped = frame.groupby("key", sort=False).agg(
        value=("value", "first"), count=("value", "size")
    )
    grouped = grouped.sort_values(["count", "value"], ascending=[False, True], kind="stable")
    # a number is not "close" to another: codes are suggested from words only
    known = [k for k in amap if not k.replace(" ", "").isdigit()]

    def closest(key: str) -> tuple[str, ...]:
        if key.replace(" ", "").isdigit():
            return ()
        found = difflib.get_close_matches(key, known, n=10 * SUGGESTIONS, cutoff=SUGGESTION_CUTOFF)
        return tuple(dict.fromkeys(amap[k] for k in found))[:SUGGESTIONS]

    return pd.DataFrame(
        {
            "value": grouped["value"].astype("str").to_numpy(),
            "count": grouped["count"].astype("int64").to_numpy(),
            "suggestions": pd.Series([closest(k) for k in grouped.index], dtype=object).to_numpy(),
        }
    )


def load_severity_weights(
    path: str | PathLike[str] | None = None, taxonomy: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Load the severity-weight table (with provenance).

    Parameters
    ----------
    path : path, optional
        CSV with ``code, weight`` and optionally ``provenance, note``.
    taxonomy : DataFrame, optional
        When given, every taxonomy code must have a weight.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``code``.

    Examples
    --------
    >>> w = load_severity_weights()
    >>> float(w.loc["mischief", "weight"]), w.loc["mischief", "provenance"]
    (30.0, 'secondary')
    """
    src = path if path is not None else _data_path("severity_weights.csv")
    name = str(path) if path is not None else "severity_weights.csv (packaged)"
    try:
        with open(src, encoding="utf-8-sig") as fh:
            df = pd.read_csv(fh, dtype=str, keep_default_na=False)
    except (OSError, pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise DataError(f"{name}: {unreadable(exc, 'csv')}") from None
    if not {"code", "weight"} <= set(df.columns):
        message = bilingual("taxonomy.error.weight_columns", columns=list(df.columns))
        raise DataError(f"{name}: {message}")
    for c in ("provenance", "note"):
        if c not in df.columns:
            df[c] = "user"
    w = pd.to_numeric(df["weight"].str.replace(",", ".", regex=False), errors="coerce")
    bad = w.isna() | (w < 0)
    if bad.any():
        rows = ", ".join(str(r) for r in df.index[bad] + 2)
        raise DataError(f"{name}: {bilingual('taxonomy.error.weights', rows=rows)}")
    df["weight"] = w.astype("float64")
    df = df.set_index("code", drop=False)[list(WEIGHT_COLUMNS)]
    if taxonomy is not None:
        missing = sorted(set(taxonomy.index) - set(df.index))
        if missing:
            message = bilingual("taxonomy.error.missing_weights", codes=missing)
            raise DataError(f"{name}: {message}")
    return df
