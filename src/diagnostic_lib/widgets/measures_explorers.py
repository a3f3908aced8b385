"""Step 2 explorers: one measure's card (footprint, problems, incidents) and one problem's.

Examples
--------
>>> from diagnostic_lib import i18n
>>> i18n.t("widget.problem.partners", "en")
'Partners who could help'
"""

from __future__ import annotations

import html
from typing import Any

import pandas as pd

from .. import i18n, maps, measures
from .explorer import Explorer, table_html


def _section(head_key: str, frame: pd.DataFrame, lang: str) -> str:
    """A heading and its table, the table's codes and columns in ``lang``."""
    head = html.escape(i18n.t(head_key, lang))
    return f"<h4>{head}</h4>" + table_html(measures.for_display(frame, lang), lang)


def _columns(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    """The columns of a step-2 table shown to people (``MeasureInventory.display_columns``)."""
    return frame[[c for c in measures.MeasureInventory.display_columns(table) if c in frame]]


def _card_html(card: dict[str, Any], lang: str) -> str:
    return "".join(
        [
            _section("dash.col.measure", _columns(card["measure"], "registry"), lang),
            _section("widget.card.problems", card["problems"], lang),
            _section("widget.card.counts", _columns(card["counts"], "before_after"), lang),
        ]
    )


def measure_card_explorer(
    result: Any, incidents: pd.DataFrame, sectors: Any, lang: str = "fr"
) -> Explorer:
    """Pick a measure: its footprint map, the problems it addresses, the incidents around it.

    The plain computation is :func:`diagnostic_lib.measures.measure_card`
    (plain counts in the treated area and the ring, 12 months before and
    after the start; step 3 does the statistics).

    Parameters
    ----------
    result : MeasureInventory
        From :func:`diagnostic_lib.measures.run`.
    incidents : DataFrame
        Canonical incidents.
    sectors : GeoDataFrame
        Canonical sectors.
    lang : {"fr", "en"}
        Language.

    Returns
    -------
    Explorer
        ``compute(measure_id)``.

    Examples
    --------
    >>> from diagnostic_lib import inventory, loaders, measures, sample
    >>> d = loaders.load_diagnostic(sample.sample_dir() / "diagnostic.toml")
    >>> inv = inventory.run(d, permutations=9)
    >>> res = measures.run(d, inv.problems, inv.priority)
    >>> ex = measure_card_explorer(res, d.incidents, d.sectors, lang="en")
    >>> ex.controls["measure_id"].value = "M01"
    >>> ex.result["counts"][["treated_before", "treated_after"]].values.tolist()
    [[136, 83]]
    """
    import ipywidgets as W

    reg = result.registry
    ncol = "name" if lang == "fr" else "name_en"
    options = [(f"{m} — {n}", m) for m, n in zip(reg["measure_id"], reg[ncol], strict=True)]
    controls = {
        "measure_id": W.Dropdown(
            options=options,
            value=options[0][1] if options else None,
            description=i18n.t("dash.col.measure", lang),
            layout=W.Layout(width="640px"),
        ),
    }

    def compute(measure_id: str) -> dict[str, Any]:
        return measures.measure_card(result, incidents, measure_id)

    table = W.HTML()
    image = W.Image(format="png", layout=W.Layout(max_width="700px"))
    ex = Explorer(
        widget=None, controls=controls, compute=compute, outputs={"table": table, "map": image}
    )

    def refresh(_: Any = None) -> None:
        mid = controls["measure_id"].value
        if mid is None:
            return
        card = compute(mid)
        ex.result = card
        table.value = _card_html(card, lang)
        rec = card["measure"].iloc[0]
        fig = maps.measure_detail_map(
            card["area"],
            card["ring"],
            card["incidents"],
            sectors,
            title=f"{rec['measure_id']} — {rec[ncol]}",
            lang=lang,
            pillar=rec["pillar"],
        )
        image.value = maps.figure_to_png(fig, dpi=80)

    controls["measure_id"].observe(refresh, names="value")
    refresh()
    ex.widget = W.VBox([controls["measure_id"], W.HBox([image, table])])
    return ex


def _problem_card_html(card: dict[str, Any], lang: str) -> str:
    prob = _columns(card["problem"], "by_problem")
    sugg = card["partners"].drop(
        columns=["title_fr", "title_en", "rank", "level", "gap_reason"], errors="ignore"
    )
    return "".join(
        [
            _section("widget.problem.coverage", prob, lang),
            _section("widget.problem.measures", card["measures"], lang),
            _section("widget.problem.partners", sugg, lang),
        ]
    )


def problem_explorer(result: Any, lang: str = "fr") -> Explorer:
    """Pick a problem: its coverage, the measures addressing it and the partners who could help.

    The plain computation is :func:`diagnostic_lib.measures.problem_card`.

    Parameters
    ----------
    result : MeasureInventory
        From :func:`diagnostic_lib.measures.run`.
    lang : {"fr", "en"}
        Language.

    Returns
    -------
    Explorer
        ``compute(problem_id)``.

    Examples
    --------
    >>> from diagnostic_lib import inventory, loaders, measures, sample
    >>> d = loaders.load_diagnostic(sample.sample_dir() / "diagnostic.toml")
    >>> inv = inventory.run(d, permutations=9)
    >>> ex = problem_explorer(measures.run(d, inv.problems, inv.priority), lang="en")
    >>> ex.result["problem"]["level"].iloc[0], ex.result["partners"]["partner_id"].iloc[0]
    ('none', 'P09')
    """
    import ipywidgets as W

    bp = result.by_problem
    tcol = "title_fr" if lang == "fr" else "title_en"
    options = [
        (f"{int(r)}. {t}" if pd.notna(r) else f"— {t}", p)
        for p, r, t in zip(bp["problem_id"], bp["rank"], bp[tcol], strict=True)
    ]
    controls = {
        "problem_id": W.Dropdown(
            options=options,
            value=options[0][1] if options else None,
            description=i18n.t("dash.col.problem", lang),
            layout=W.Layout(width="760px"),
        ),
    }

    def compute(problem_id: str) -> dict[str, Any]:
        return measures.problem_card(result, problem_id)

    table = W.HTML()
    ex = Explorer(widget=None, controls=controls, compute=compute, outputs={"table": table})

    def refresh(_: Any = None) -> None:
        pid = controls["problem_id"].value
        if pid is None:
            return
        card = compute(pid)
        ex.result = card
        table.value = _problem_card_html(card, lang)

    controls["problem_id"].observe(refresh, names="value")
    refresh()
    ex.widget = W.VBox([controls["problem_id"], table])
    return ex
