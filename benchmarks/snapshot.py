"""Snapshot every output of the diagnosis, and compare two snapshots.

A refactoring must not change what the library computes. This script runs the
whole diagnosis on one config (load, steps 1 to 4, the internal French report
and the public English report) and pickles every table it produced: the
ledger, each step's result tables (priority, coverage, effects, verdicts,
plan…) and every sheet of both reports' workbooks. ``--compare`` then checks
two snapshots table by table, exactly (no tolerance).

Usage::

    python benchmarks/snapshot.py --config data/sample/diagnostic.toml --out build/snap/before
    # … change the code …
    python benchmarks/snapshot.py --config data/sample/diagnostic.toml --out build/snap/after
    python benchmarks/snapshot.py --compare build/snap/before build/snap/after

With ``PYTHONPATH=/path/to/other/src`` the same script snapshots another
checkout of the library.
"""

from __future__ import annotations

import argparse
import dataclasses
import pickle
import re
import sys
import tempfile
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

NOW = "2026-01-01"


def _plain(obj: Any) -> Any:
    """A comparable copy: geometries as WKB, GeoDataFrames as DataFrames."""
    import geopandas as gpd
    import shapely

    if isinstance(obj, gpd.GeoSeries):
        return pd.Series(shapely.to_wkb(np.asarray(obj.array)), index=obj.index, name=obj.name)
    if isinstance(obj, pd.DataFrame):
        out = pd.DataFrame(obj).copy()
        for col in list(out.columns):
            if isinstance(out[col].dtype, gpd.array.GeometryDtype):
                out[col] = shapely.to_wkb(np.asarray(out[col].array))
        return pd.DataFrame(out)
    return obj


def _tables(prefix: str, result: Any) -> dict[str, Any]:
    """Every DataFrame, Series or dict attribute of a step result."""
    out: dict[str, Any] = {}
    if result is None:
        return out
    if dataclasses.is_dataclass(result):
        names = [f.name for f in dataclasses.fields(result)]
    else:
        names = [n for n in vars(result) if not n.startswith("_")]
    for name in names:
        value = getattr(result, name)
        if isinstance(value, (pd.DataFrame, pd.Series)):
            out[f"{prefix}.{name}"] = _plain(value)
        elif isinstance(value, dict) and name != "parameters":
            out[f"{prefix}.{name}"] = {k: _plain(v) for k, v in value.items()}
        elif dataclasses.is_dataclass(value):
            out.update(_tables(f"{prefix}.{name}", value))
    for extra in ("verdicts",):
        if hasattr(type(result), extra):
            out[f"{prefix}.{extra}"] = _plain(getattr(result, extra))
    return out


def snapshot(config: str, out: Path) -> None:
    """Run the diagnosis on ``config`` and pickle every table into ``out``."""
    from diagnostic_lib import evaluation, inventory, loaders, measures, report, strategy

    out.mkdir(parents=True, exist_ok=True)
    diag = loaders.load_diagnostic(config, now=NOW)
    tables: dict[str, Any] = {
        "ledger.entries": diag.ledger.entries,
        "ledger.files": diag.ledger.files,
        "ledger.counts": diag.ledger.counts(),
        "ledger.summary_fr": diag.ledger.summary("fr"),
        "ledger.summary_en": diag.ledger.summary("en"),
    }
    for name in ("sectors", "incidents", "measures", "survey", "partners", "places"):
        tables[f"diag.{name}"] = _plain(getattr(diag, name))
    inv = inventory.run(diag)
    tables.update(_tables("step1", inv))
    s2 = measures.run(diag, inv.problems, priority=inv.priority)
    tables.update(_tables("step2", s2))
    s3 = evaluation.run(diag, inv.problems, priority=inv.priority, knox=inv.knox)
    tables.update(_tables("step3", s3))
    current = report._current(s2, s3, diag)
    s4 = strategy.run(diag, inv, current=current)
    tables.update(_tables("step4", s4))
    with tempfile.TemporaryDirectory() as tmp:
        for lang, audience in (("fr", "internal"), ("en", "public")):
            where = Path(tmp) / f"{lang}-{audience}"
            report.write_report(diag, inv, s2, s3, s4, where, lang=lang, audience=audience)
            sheets = pd.read_excel(where / "tables.xlsx", sheet_name=None)
            for sheet, frame in sheets.items():
                tables[f"report.{lang}-{audience}.{sheet}"] = frame
            tables[f"report.{lang}-{audience}.plan.json"] = (where / "plan.json").read_text()
    with open(out / "tables.pkl", "wb") as fh:
        pickle.dump(tables, fh)
    print(f"{len(tables)} tables → {out / 'tables.pkl'}")


_ROOT = re.compile(r"\S*?/(data/sample|benchmarks/data)/")


_SPACES = re.compile(r"[\u00a0\u202f]")
_DECIMAL = re.compile(r"(?<=\d),(?=\d)")
LOOSE = False  # --loose: compare text with the number formatting normalised


def _portable(obj: Any) -> Any:
    """Absolute paths of the data (the ledger's ``file``) made relative to the checkout.

    With ``--loose``, text is also compared with non-breaking spaces as spaces and decimal
    commas as points, so that what remains are differences other than number formatting.
    """
    if isinstance(obj, str):
        obj = _ROOT.sub(r"<root>/\1/", obj)
        if LOOSE:
            obj = _DECIMAL.sub(".", _SPACES.sub(" ", obj))
        return obj
    if isinstance(obj, pd.DataFrame):
        out = obj.copy()
        for col in out.columns:
            if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
                out[col] = out[col].map(lambda v: _portable(v) if isinstance(v, str) else v)
        return out
    if isinstance(obj, dict):
        return {k: _portable(v) for k, v in obj.items()}
    return obj


def _same(a: Any, b: Any) -> str | None:
    """``None`` when equal, else a one-line description of the first difference."""
    if type(a) is not type(b):
        return f"type {type(a).__name__} vs {type(b).__name__}"
    try:
        if isinstance(a, pd.DataFrame):
            pd.testing.assert_frame_equal(a, b, check_exact=True)
        elif isinstance(a, pd.Series):
            pd.testing.assert_series_equal(a, b, check_exact=True)
        elif isinstance(a, dict):
            if set(a) != set(b):
                return f"keys differ: {sorted(set(a) ^ set(b), key=str)[:5]}"
            for k in a:
                d = _same(a[k], b[k])
                if d:
                    return f"[{k}] {d}"
        elif isinstance(a, float) and np.isnan(a) and np.isnan(b):
            return None
        elif a != b:
            return f"{str(a)[:200]!r} vs {str(b)[:200]!r}"
    except AssertionError as exc:
        return " ".join(str(exc).split())[:400]
    return None


def compare(before: Path, after: Path) -> int:
    """Print each table that differs; return the number of differences."""
    with open(before / "tables.pkl", "rb") as fh:
        a = pickle.load(fh)
    with open(after / "tables.pkl", "rb") as fh:
        b = pickle.load(fh)
    bad = 0
    for key in sorted(set(a) | set(b)):
        if key not in a or key not in b:
            print(f"ONLY IN {'after' if key not in a else 'before'}: {key}")
            bad += 1
            continue
        d = _same(_portable(a[key]), _portable(b[key]))
        if d:
            print(f"DIFF {key}: {d}")
            bad += 1
    print(f"{len(set(a) & set(b))} tables compared, {bad} differ")
    return bad


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--config")
    parser.add_argument("--out", type=Path)
    parser.add_argument("--compare", nargs=2, type=Path, metavar=("BEFORE", "AFTER"))
    parser.add_argument("--loose", action="store_true", help="ignore number formatting in text")
    args = parser.parse_args(argv)
    if args.compare:
        global LOOSE
        LOOSE = args.loose
        return 1 if compare(*args.compare) else 0
    if not (args.config and args.out):
        parser.error("--config and --out, or --compare BEFORE AFTER")
    warnings.simplefilter("ignore")
    snapshot(args.config, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
