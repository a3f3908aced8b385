"""The partners loader: the organisations the police can work with (no personal data).

Each partner needs an id and a name (a missing name is flagged and the id used
instead). ``expertise`` is a list of lower-case codes (e.g.
``cybercrime;fraud``); ``sectors_served`` empty (or ``all``/``toutes``) means
the whole municipality, and sectors unknown to the sectors table are flagged.

Examples
--------
>>> import pandas as pd
>>> p, led = load_partners(pd.DataFrame({"id": ["P1", "P1"], "nom": ["A", "B"]}))
>>> p["partner_id"].tolist(), led.entries["reason"].tolist()
(['P1'], ['id_duplicate'])
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from .._text import norm_key, split_list
from ..ledger import Ledger
from .columns import _require, _resolve_fields
from .context import Loaded, Source, _check_balance, _Ctx, _file_notes, _open, loaded

WHOLE_MUNICIPALITY = ("all", "toutes", "tous", "toute la ville")
"""Words in ``sectors_served`` that mean the whole municipality (normalised)."""


def load_partners(
    source: Source,
    *,
    preset: str = "generic",
    columns: Mapping[str, str] | None = None,
    sectors: pd.DataFrame | None = None,
    encoding: str | None = None,
    sep: str | None = None,
    sheet: str | int | None = None,
) -> Loaded:
    """Load partner organisations into the canonical partners table.

    ``expertise`` is a list of lower-case codes (e.g. ``cybercrime;fraud``);
    ``sectors_served`` empty (or ``all``/``toutes``) means the whole municipality.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"id": ["P1"], "nom": ["Cyber-Aide"], "expertise": ["Cybercrime; Fraud"],
    ...                    "secteurs_desservis": ["toutes"]})
    >>> p, led = load_partners(df)
    >>> p[["partner_id", "expertise", "sectors_served"]].values.tolist()
    [['P1', ('cybercrime', 'fraud'), ()]]
    """
    raw = _open(source, "partners", encoding, sep, sheet, None)
    fields = _resolve_fields("partners", raw.frame, preset, columns, raw.file)
    _require("partners", raw, fields, [("partner_id",), ("name",)], preset)
    ledger = Ledger()
    ctx = _Ctx("partners", raw, fields, ledger)
    _file_notes(ctx)
    n = len(raw.frame)
    ctx.reject_empty_rows()
    ctx.reject_exact_duplicates("reject")
    ids = ctx.ids("partner_id", "", rename_conflicts=False)
    name = ctx.text("name").to_numpy(dtype=object)
    ctx.flag(name == "", "name", "name_missing", detail="the id is used as name")
    name = np.where(name == "", ids, name)
    name_en = ctx.text("name_en").to_numpy(dtype=object) if ctx.has("name_en") else name.copy()
    name_en = np.where(name_en == "", name, name_en)
    kind = ctx.text("kind").to_numpy(dtype=object)
    expertise = split_list(ctx.col("expertise")) if ctx.has("expertise") else pd.Series([()] * n)
    expertise = [tuple(norm_key(x).replace(" ", "_") for x in items) for items in expertise]
    served = (
        split_list(ctx.col("sectors_served")) if ctx.has("sectors_served") else pd.Series([()] * n)
    )
    served = [
        () if any(norm_key(x) in WHOLE_MUNICIPALITY for x in items) else items for items in served
    ]
    if sectors is not None:
        known = set(sectors["sector_id"].astype("str"))
        bad = np.array([any(s not in known for s in items) for items in served], dtype=bool)
        ctx.flag(
            bad,
            "sectors_served",
            "sector_unknown",
            values=[";".join(s for s in it if s not in known) for it in served],
        )
    keep = ctx.alive
    sel = np.flatnonzero(keep)
    out = pd.DataFrame(
        {
            "partner_id": pd.array(ids[keep], dtype="str"),
            "name": pd.array(name[keep], dtype="str"),
            "name_en": pd.array(name_en[keep], dtype="str"),
            "kind": pd.array(kind[keep], dtype="str"),
            "expertise": pd.Series([expertise[i] for i in sel], dtype=object).to_numpy(),
            "sectors_served": pd.Series([tuple(served[i]) for i in sel], dtype=object).to_numpy(),
            "source_row": raw.rows[keep],
        }
    )
    _check_balance(ledger, "partners", raw.file, len(out))
    return loaded(out, ledger)
