"""Step 4 explorer: choose the response for each priority problem; the action plan follows.

Examples
--------
>>> from diagnostic_lib import i18n
>>> i18n.t("widget.plan.mde", "en")
'Minimum detectable effect'
"""

from __future__ import annotations

import html
from typing import Any

import pandas as pd

from .. import formatting as fmt
from .. import i18n, strategy
from .explorer import Explorer, table_html


def _plan_table(plan: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The plan's columns (``Strategy.display_columns("plan")``), with headers in ``lang``."""
    heads = {
        f"problem_{lang}": i18n.t("dash.col.problem", lang),
        f"response_{lang}": i18n.t("widget.plan.response", lang),
        "baseline": i18n.t("widget.plan.baseline", lang),
        "target": i18n.t("widget.plan.target", lang),
        "deadline": i18n.t("widget.plan.deadline", lang),
        f"partner_names_{lang}": i18n.t("widget.plan.partners", lang),
        "mde": i18n.t("widget.plan.mde", lang),
    }
    return plan[strategy.Strategy.display_columns("plan", lang)].rename(columns=heads)


def response_chooser(
    ranking: pd.DataFrame,
    problems: pd.DataFrame,
    incidents: pd.DataFrame,
    catalogue: pd.DataFrame,
    partners: pd.DataFrame | None = None,
    lang: str = "fr",
    start: Any = None,
) -> Explorer:
    """Pick the response for each priority problem; the action plan updates.

    One drop-down per problem lists its ranked responses (best first). The plain
    computation is :func:`diagnostic_lib.strategy.choose` followed by
    :func:`diagnostic_lib.strategy.action_plan`.

    Parameters
    ----------
    ranking : DataFrame
        From :func:`diagnostic_lib.strategy.rank_responses`.
    problems, incidents : DataFrame
        Problem register and canonical incidents.
    catalogue : DataFrame
        The evidence catalogue.
    partners : DataFrame, optional
        Canonical partners.
    lang : {"fr", "en"}
        Language.
    start : timestamp, optional
        Planned start of the responses.

    Returns
    -------
    Explorer
        ``compute(**{problem_id: response_id})`` is the action plan.

    Examples
    --------
    >>> from diagnostic_lib import inventory, loaders, sample, strategy
    >>> d = loaders.load_diagnostic(sample.sample_dir() / "diagnostic.toml")
    >>> inv = inventory.run(d, permutations=0)
    >>> cat = strategy.load_catalogue()
    >>> ranked = strategy.rank_responses(inv.problems, cat, inv.priority, partners=d.partners,
    ...                                  top=2)
    >>> ex = response_chooser(ranked, inv.problems, d.incidents, cat, d.partners, lang="en")
    >>> first = ranked["problem_id"].iloc[0]
    >>> second_choice = ranked[ranked["problem_id"] == first]["response_id"].iloc[1]
    >>> ex.controls[first].value = second_choice
    >>> ex.result.set_index("problem_id").loc[first, "response_id"] == second_choice
    True
    """
    import ipywidgets as W

    ncol = "name_fr" if lang == "fr" else "name_en"
    tcol = "title_fr" if lang == "fr" else "title_en"
    titles = problems.set_index("problem_id")[tcol]
    controls = {}
    for pid, g in ranking.groupby("problem_id", sort=False):
        opts = [
            (f"{int(r['rank'])}. {r[ncol]} ({fmt.decimal(r['score'], lang)})", r["response_id"])
            for _, r in g.iterrows()
        ]
        controls[pid] = W.Dropdown(
            options=opts,
            value=opts[0][1],
            description=f"#{int(g['problem_rank'].iloc[0])}",
            layout=W.Layout(width="640px"),
            style={"description_width": "40px"},
        )

    def compute(**choices: str) -> pd.DataFrame:
        chosen = strategy.choose(ranking, overrides={k: [v] for k, v in choices.items()})
        return strategy.action_plan(chosen, problems, incidents, catalogue, partners, start=start)

    table = W.HTML()
    ex = Explorer(widget=None, controls=controls, compute=compute, outputs={"table": table})

    def refresh(_: Any = None) -> None:
        plan = compute(**ex.values())
        ex.result = plan
        table.value = table_html(_plan_table(plan, lang), lang)

    for c in controls.values():
        c.observe(refresh, names="value")
    refresh()
    rows = [
        W.VBox([W.HTML(f"<small>{html.escape(str(titles.get(pid, pid)))}</small>"), c])
        for pid, c in controls.items()
    ]
    ex.widget = W.VBox([*rows, table])
    return ex
