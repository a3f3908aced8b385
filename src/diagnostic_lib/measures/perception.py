"""Security issues from the citizen survey: sectors that fear more than their crime."""

from __future__ import annotations

from typing import Any

import pandas as pd

from .. import i18n, inventory, schema
from .. import taxonomy as taxonomy_mod


def perception_issues(
    survey: pd.DataFrame,
    incidents: pd.DataFrame,
    sectors: pd.DataFrame,
    taxonomy: pd.DataFrame | None = None,
    flag: str = "more_fear",
) -> Any:
    """Security issues from the survey, as register rows: sectors that fear more than their crime.

    Each sector flagged ``more_fear`` by
    :func:`diagnostic_lib.inventory.perception_gap` becomes a problem of kind
    ``perception`` (id ``PG-<sector>``, geometry = the sector). Its concerns
    are those whose share in the sector is significantly above the municipal
    share (lower bound of the sector's interval above the municipal value);
    its categories are the taxonomy categories of those concerns (through the
    taxonomy's ``concern`` column, or the concern's family), each concern
    weighing its excess share (``category_weights``), so that coverage can be
    computed as for any problem.

    Returns
    -------
    GeoDataFrame
        Register-like rows: ``problem_id, kind, title_fr, title_en, sectors,
        categories, families, concern_codes, category_weights, concern,
        dominant_shift, n_incidents, excluded, geometry``.

    Examples
    --------
    >>> from diagnostic_lib import loaders, sample
    >>> d = loaders.load_diagnostic(sample.sample_dir() / "diagnostic.toml")
    >>> pi = perception_issues(d.survey, d.incidents, d.sectors, d.taxonomy)
    >>> pi[["problem_id", "concern_codes"]].values.tolist()
    [['PG-S05', ('burglary', 'vehicle_crime', 'youth_gangs')]]
    """
    import geopandas as gpd

    tax = taxonomy if taxonomy is not None else taxonomy_mod.load_taxonomy()
    gap = inventory.perception_gap(survey, incidents, sectors)
    perc = inventory.perception(survey, sectors).set_index("sector")
    muni = perc.loc["*"]
    sec = sectors.set_index(sectors["sector_id"].astype(str))
    tax_concern = (
        tax["concern"].astype(object) if "concern" in tax.columns else pd.Series(dtype=object)
    )
    rows = []
    for rec in gap[gap["flag"] == flag].itertuples(index=False):
        s = str(rec.sector)
        over = [
            c
            for c in schema.CONCERNS
            if f"concern_{c}_low" in perc.columns
            and perc.loc[s, f"concern_{c}_low"] > muni[f"concern_{c}"]
        ]
        weights: dict[str, float] = {}
        for c in over:
            cats = [str(k) for k in tax_concern.index[tax_concern.to_numpy() == c]]
            if not cats:
                fam = schema.CONCERN_FAMILY.get(c)
                cats = [str(k) for k in tax.index[tax["family"].to_numpy() == fam]]
            excess = float(perc.loc[s, f"concern_{c}"] - muni[f"concern_{c}"])
            for k in cats:
                weights[k] = weights.get(k, 0.0) + excess / len(cats)
        name = str(sec.loc[s, "name"]) if "name" in sec.columns else s
        fams = tuple(sorted({str(tax.loc[k, "family"]) for k in weights if k in tax.index}))
        rows.append(
            {
                "problem_id": f"PG-{s}",
                "kind": "perception",
                "title_fr": _title(name, over, "fr"),
                "title_en": _title(name, over, "en"),
                "sectors": (s,),
                "categories": tuple(weights),
                "families": fams,
                "concern_codes": tuple(over),
                "category_weights": weights,
                "concern": float(rec.concern),
                "dominant_shift": None,
                "n_incidents": 0,
                "excluded": False,
                "geometry": sec.loc[s, "geometry"],
            }
        )
    cols = [
        "problem_id",
        "kind",
        "title_fr",
        "title_en",
        "sectors",
        "categories",
        "families",
        "concern_codes",
        "category_weights",
        "concern",
        "dominant_shift",
        "n_incidents",
        "excluded",
    ]
    if not rows:
        return gpd.GeoDataFrame({c: [] for c in cols}, geometry=[], crs=sectors.crs)
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=sectors.crs)


def _title(name: str, concerns: list[str], lang: str) -> str:
    """The title of a perception issue: the sector's name and its over-represented concerns."""
    if not concerns:
        return i18n.t("measures.perception.title", lang, name=name)
    listed = ", ".join(i18n.label("concern", c, lang).lower() for c in concerns)
    return i18n.t("measures.perception.title_concerns", lang, name=name, concerns=listed)
