"""The survey loader: citizens' answers on their feeling of safety and their concerns.

One row per respondent: the sector they live in (flagged when missing or
unknown), the feeling of safety by day and by night on the 1–5 scale (other
values are flagged and set missing), the concerns they name (codes of
:data:`~diagnostic_lib.schema.CONCERNS`, French or English labels and everyday
words accepted; unknown ones are flagged and left out), a survey weight
(1 when missing or not positive) and, for a cluster sample, the respondent's
sampling cluster (block, street segment, venue: the intervals of
:func:`~diagnostic_lib.inventory.perception` widen by its design effect). No
answer is dropped for a bad value.

Examples
--------
>>> import pandas as pd
>>> s, led = load_survey(pd.DataFrame({"secteur": ["S1"], "poids": ["-2"]}))
>>> s["weight"].tolist(), led.entries["reason"].tolist()
([1.0], ['value_invalid'])
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from .._text import norm_key, split_list
from ..ledger import Ledger
from .columns import _require, _resolve_fields
from .context import Loaded, Source, _check_balance, _Ctx, _file_notes, _open, loaded
from .parsing import parse_datetimes, parse_floats
from .vocabulary import concern_aliases

SAFETY_SCALE = (1, 5)
"""The feeling-of-safety scale: 1 = very unsafe … 5 = very safe."""


def load_survey(
    source: Source,
    *,
    preset: str = "generic",
    columns: Mapping[str, str] | None = None,
    sectors: pd.DataFrame | None = None,
    encoding: str | None = None,
    sep: str | None = None,
    sheet: str | int | None = None,
) -> Loaded:
    """Load citizen survey responses into the canonical survey table.

    Feelings of safety must be on the 1–5 scale (1 = very unsafe, 5 = very
    safe); other values are flagged and set missing. Concerns are codes of
    :data:`~diagnostic_lib.schema.CONCERNS` (French or English labels accepted);
    unknown ones are flagged and left out of the tuple. A missing weight is 1.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"secteur": ["S1", "S1"], "securite_nuit": ["2", "9"],
    ...                    "preoccupations": ["Cambriolages;vitesse", ""]})
    >>> s, led = load_survey(df)
    >>> s["safety_night"].tolist(), s["concerns"].tolist()
    ([2.0, nan], [('burglary', 'traffic'), ()])
    >>> led.entries["reason"].tolist()
    ['value_out_of_range']
    """
    raw = _open(source, "survey", encoding, sep, sheet, None)
    fields = _resolve_fields("survey", raw.frame, preset, columns, raw.file)
    _require("survey", raw, fields, [("sector",)], preset)
    ledger = Ledger()
    ctx = _Ctx("survey", raw, fields, ledger)
    _file_notes(ctx)
    n = len(raw.frame)
    ctx.reject_empty_rows()
    ctx.reject_exact_duplicates("reject" if ctx.has("respondent_id") else "flag")
    ids = ctx.ids("respondent_id", "", rename_conflicts=False)
    sector = _survey_sectors(ctx, sectors)
    date = (
        parse_datetimes(ctx.col("date"))
        if ctx.has("date")
        else pd.Series(pd.NaT, index=range(n), dtype="datetime64[us]")
    )
    if ctx.has("date"):
        t = ctx.text("date")
        ctx.flag(((t != "") & date.isna()).to_numpy(), "date", "date_unparseable", values=t)
    scores = {fld: _safety_scores(ctx, fld) for fld in ("safety_day", "safety_night")}
    conc = _survey_concerns(ctx)
    w = _survey_weights(ctx)
    cluster = ctx.text("cluster").to_numpy(dtype=object) if ctx.has("cluster") else None
    keep = ctx.alive
    sel = np.flatnonzero(keep)
    out = pd.DataFrame(
        {
            "respondent_id": pd.array(ids[keep], dtype="str"),
            "sector": pd.array(np.where(sector[keep] == "", None, sector[keep]), dtype="str"),
            "date": date.to_numpy()[keep],
            "safety_day": scores["safety_day"][keep],
            "safety_night": scores["safety_night"][keep],
            "concerns": pd.Series([conc[i] for i in sel], dtype=object).to_numpy(),
            "weight": w[keep],
            "cluster": pd.array(
                [None] * int(keep.sum())
                if cluster is None
                else np.where(cluster[keep] == "", None, cluster[keep]),
                dtype="str",
            ),
            "source_row": raw.rows[keep],
        }
    )
    _check_balance(ledger, "survey", raw.file, len(out))
    return loaded(out, ledger)


def _survey_sectors(ctx: _Ctx, sectors: pd.DataFrame | None) -> np.ndarray:
    """The respondent's sector (flagged when missing, or unknown to the sectors table)."""
    sector = ctx.text("sector").to_numpy(dtype=object)
    ctx.flag(sector == "", "sector", "sector_missing")
    if sectors is not None:
        known = set(sectors["sector_id"].astype("str"))
        ctx.flag(
            (sector != "") & ~pd.Series(sector).isin(known).to_numpy(),
            "sector",
            "sector_unknown",
            values=sector,
        )
    return sector


def _safety_scores(ctx: _Ctx, fld: str) -> np.ndarray:
    """A feeling-of-safety column on the 1–5 scale (NaN when missing, unreadable or off scale)."""
    v = np.full(len(ctx.raw.frame), np.nan)
    if ctx.has(fld):
        low, high = SAFETY_SCALE
        v, bad = parse_floats(ctx.col(fld))
        ctx.flag(bad, fld, "value_invalid", values=ctx.text(fld))
        oor = np.isfinite(v) & ((v < low) | (v > high))
        ctx.flag(oor, fld, "value_out_of_range", values=ctx.text(fld), detail="expected 1 to 5")
        v = np.where(oor, np.nan, v)
    return v


def _survey_concerns(ctx: _Ctx) -> list[tuple[str, ...]]:
    """Each respondent's concern codes (unknown words flagged and left out)."""
    n = len(ctx.raw.frame)
    aliases = concern_aliases()
    conc_raw = split_list(ctx.col("concerns")) if ctx.has("concerns") else pd.Series([()] * n)
    conc, bad_c, bad_v = [], np.zeros(n, dtype=bool), np.full(n, "", dtype=object)
    done: dict[tuple, tuple[tuple, str]] = {}  # each distinct list of items is read once
    for i, items in enumerate(conc_raw):
        if items not in done:
            codes = [aliases.get(norm_key(x), "") for x in items]
            bad = [x for x, c in zip(items, codes, strict=True) if not c]
            done[items] = (tuple(dict.fromkeys(c for c in codes if c)), ";".join(bad))
        kept, bad_text = done[items]
        if bad_text:
            bad_c[i] = True
            bad_v[i] = bad_text
        conc.append(kept)
    ctx.flag(bad_c, "concerns", "concern_unknown", values=bad_v, detail="ignored")
    return conc


def _survey_weights(ctx: _Ctx) -> np.ndarray:
    """Survey weights: 1 when the file has none; a missing or non-positive weight is 1 (flagged)."""
    w = np.ones(len(ctx.raw.frame))
    if ctx.has("weight"):
        w, badw = parse_floats(ctx.col("weight"))
        neg = np.isfinite(w) & (w <= 0)
        ctx.flag(
            badw | neg,
            "weight",
            "value_invalid",
            values=ctx.text("weight"),
            detail="weight set to 1",
        )
        w = np.where(np.isfinite(w) & ~neg, w, 1.0)
    return w
