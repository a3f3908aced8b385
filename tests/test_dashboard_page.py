"""The dashboard's sector header: never "— habitants" for a sector without residents."""

from __future__ import annotations

import pandas as pd

from diagnostic_lib.widgets.dashboard_page import _profile_html


def _prof(population: float) -> dict[str, pd.DataFrame]:
    header = pd.DataFrame(
        {"name": ["Centre"], "sector": ["S1"], "population": [population], "year": [2025]}
    )
    empty = pd.DataFrame({"x": []})
    return {"header": header, "rates": empty, "problems": empty, "measures": empty}


def test_the_sector_header_says_when_the_population_is_unknown():
    assert "1 200 habitants" in _profile_html(_prof(1200.0), "fr", "2025-12-31").replace(
        "\u202f", " "
    ).replace("\u00a0", " ")
    for pop in (float("nan"), 0.0):
        fr = _profile_html(_prof(pop), "fr", "2025-12-31")
        en = _profile_html(_prof(pop), "en", "2025-12-31")
        assert "population inconnue" in fr and "habitants" not in fr
        assert "population unknown" in en and "residents" not in en
