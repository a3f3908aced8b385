"""The partners' dashboard: the diagnosis on one page (``notebooks/dashboard.ipynb``, Voilà).

Examples
--------
>>> "diagnostic-table" in _DASHBOARD_CSS
True
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

import pandas as pd

from .. import formatting as fmt
from .. import i18n, inventory, maps
from ..summary import key_numbers, study_period
from .explorer import Explorer, table_html
from .inventory_explorers import priority_explorer
from .key_figures import sector_profile

if TYPE_CHECKING:
    from ..loaders import Diagnostic

# Tables of the dashboard: readable without JupyterLab's own table style (Voilà).
_DASHBOARD_CSS = """<style>
table.diagnostic-table {border-collapse: collapse; margin: 4px 0 14px; font-size: 13px}
table.diagnostic-table th {text-align: left; background: #f0f0f0; padding: 4px 10px;
  border-bottom: 2px solid #bbb; vertical-align: bottom}
table.diagnostic-table td {padding: 3px 10px; border-bottom: 1px solid #e3e3e3}
table.diagnostic-table tr:nth-child(even) td {background: #fafafa}
</style>"""


def _esc(key: str, lang: str, **values: object) -> str:
    return html.escape(i18n.t(key, lang, **values))


def _map_iframe(folium_map: Any, height: int = 460) -> str:
    doc = folium_map.get_root().render()
    return (
        f'<iframe class="diagnostic-map" srcdoc="{html.escape(doc, quote=True)}" '
        f'style="width:100%;max-width:900px;height:{height}px;border:1px solid #ccc"></iframe>'
    )


def _table_or_none(frame: pd.DataFrame, lang: str) -> str:
    if len(frame):
        return table_html(frame, lang, max_rows=50)
    return f"<p>{_esc('dash.none', lang)}</p>"


def _profile_html(prof: dict[str, pd.DataFrame], lang: str, ref_date: str) -> str:
    h = prof["header"].iloc[0]
    pop = h["population"]
    known = pop is not None and not pd.isna(pop) and float(pop) > 0
    header = _esc(
        "dash.sector_header" if known else "dash.sector_header_no_population",
        lang,
        name=h["name"],
        sector=h["sector"],
        population=fmt.integer(pop, lang) if known else "",
    )
    parts = [
        f"<h4>{header}</h4>",
        f"<b>{_esc('dash.rates', lang, year=int(h['year']))}</b>",
        table_html(prof["rates"], lang, max_rows=50),
        f"<b>{_esc('dash.problems', lang)}</b>",
        _table_or_none(prof["problems"], lang),
        f"<b>{_esc('dash.measures', lang, date=ref_date)}</b>",
        _table_or_none(prof["measures"], lang),
    ]
    return "\n".join(parts)


def _title_html(diag: Diagnostic, lang: str, threshold: int) -> str:
    start, end = study_period(diag)
    subtitle = _esc(
        "dash.subtitle",
        lang,
        municipality=diag.config.municipality or "",
        start=fmt.date(start, lang),
        end=fmt.date(end, lang),
    )
    return (
        _DASHBOARD_CSS + f"<h2>{_esc('dash.title', lang)}</h2>"
        f"<p>{subtitle}</p>"
        f"<p><i>{_esc('dash.confidential', lang, n=threshold)}</i></p>"
    )


def _numbers_html(diag: Diagnostic, problems: pd.DataFrame, lang: str) -> str:
    kn = key_numbers(diag, problems, lang)
    shown = kn[["label", "text", "detail"]].rename(
        columns={
            "label": i18n.t("dash.col.indicator", lang),
            "text": i18n.t("dash.col.value", lang),
            "detail": i18n.t("dash.col.denominator", lang),
        }
    )
    return f"<h3>{_esc('dash.key_numbers', lang)}</h3>" + table_html(shown, lang)


def _close(ex: Explorer) -> None:
    """Close the previous language's widgets (their comms stay open otherwise)."""
    old = ex.outputs.get("priority")
    if old is None:
        return
    parts = [*old.controls.values(), *old.outputs.values(), old.widget]
    parts += [ex.outputs[k] for k in ("title", "key_numbers", "map")]
    for w in parts:
        if w is not None:
            w.close()


def _dashboard_controls(diag: Diagnostic, lang: str) -> dict[str, Any]:
    import ipywidgets as W

    sids = diag.sectors["sector_id"].astype(str).tolist()
    both = " / ".join(i18n.t("dash.language", lg) for lg in i18n.LANGS)
    return {
        "lang": W.ToggleButtons(
            options=[("Français", "fr"), ("English", "en")],
            value=lang,
            description=both,
            style={"description_width": "initial"},
        ),
        "sector": W.Dropdown(
            options=[(f"{s} — {n}", s) for s, n in zip(sids, diag.sectors["name"], strict=True)],
            value=sids[0],
            description=i18n.t("word.sector", lang),
        ),
    }


def dashboard(
    diag: Diagnostic,
    problems: pd.DataFrame,
    lang: str = "fr",
    weights: dict[str, float] | None = None,
    small_count: int | None = None,
    top: int = 10,
) -> Explorer:
    """The diagnosis on one page, for partners and trainers (served with Voilà).

    A title and a language switch (every label, table header and map legend
    follows it), the key numbers with their denominators
    (:func:`key_numbers`), the priority table with its weight sliders and the
    problems map (:func:`priority_explorer`), an interactive map of the
    sectors and problems (with landmarks, and the config's ``[maps] tiles``
    when set), and a sector picker showing that sector's rates,
    problems and measures (:func:`sector_profile`). Only aggregated data: no
    incident is drawn or listed, and small counts are suppressed.

    Parameters
    ----------
    diag : Diagnostic
        From :func:`diagnostic_lib.loaders.load_diagnostic`.
    problems : DataFrame
        Problem register (e.g. ``inventory.run(diag).problems``).
    lang : {"fr", "en"}
        Initial language.
    weights : dict, optional
        Initial priority weights.
    small_count : int, optional
        Default: the config's ``small_count``.
    top : int
        Problems shown in the priority table and map.

    Returns
    -------
    Explorer
        ``controls`` are ``lang`` and ``sector``; ``compute(lang, sector)`` is
        :func:`sector_profile` with the current ranking; ``outputs`` hold the
        parts (``title``, ``key_numbers``, ``priority`` — the nested priority
        :class:`Explorer` —, ``map``, ``sector``).

    Examples
    --------
    >>> from diagnostic_lib import inventory, loaders, sample
    >>> d = loaders.load_diagnostic(sample.sample_dir() / "diagnostic.toml")
    >>> pb = inventory.run(d, permutations=9).problems
    >>> dash = dashboard(d, pb, lang="fr")
    >>> "Chiffres clés" in dash.widget.children[1].value
    True
    >>> dash.controls["lang"].value = "en"
    >>> "Key numbers" in dash.widget.children[1].value
    True
    >>> dash.controls["sector"].value = "S03"
    >>> dash.result["header"].loc[0, "name"]
    'Carrefour'
    """
    import ipywidgets as W

    i18n.check_lang(lang)
    threshold = int(small_count if small_count is not None else diag.config.param("small_count"))
    _, end = study_period(diag)
    controls = _dashboard_controls(diag, lang)
    first_sector = controls["sector"].value
    landmarks = inventory.map_landmarks(diag, problems)
    state: dict[str, Any] = {
        "weights": dict(inventory.DEFAULT_PRIORITY_WEIGHTS if weights is None else weights)
    }

    def compute(lang: str = "fr", sector: str = first_sector) -> dict[str, pd.DataFrame]:
        prio = ex.outputs.get("priority")
        ranking = prio.result if prio is not None else None
        return sector_profile(
            diag, problems, sector, lang=lang, ranking=ranking, small_count=threshold
        )

    ex = Explorer(widget=W.VBox(), controls=controls, compute=compute)
    sector_html = W.HTML()

    def refresh_sector(_: Any = None) -> None:
        v = ex.values()
        res = compute(v["lang"], v["sector"])
        ex.result = res
        sector_html.value = _profile_html(res, v["lang"], fmt.date(end, v["lang"]))

    def on_weights(_: Any = None) -> None:
        state["weights"] = ex.outputs["priority"].values()
        refresh_sector()

    def build(_: Any = None) -> None:
        lg = controls["lang"].value
        _close(ex)
        controls["sector"].description = i18n.t("word.sector", lg)
        title = W.HTML(_title_html(diag, lg, threshold))
        numbers = W.HTML(_numbers_html(diag, problems, lg))
        prio = priority_explorer(problems, diag.sectors, lang=lg, weights=state["weights"], top=top)
        for c in prio.controls.values():
            c.observe(on_weights, names="value")
        imap = maps.interactive_map(
            diag.sectors,
            problems=problems,
            lang=lg,
            taxonomy=diag.taxonomy,
            tiles=diag.config.tiles,
            landmarks=landmarks,
        )
        map_html = W.HTML(f"<h3>{_esc('dash.map', lg)}</h3>" + _map_iframe(imap))
        ex.outputs.update(
            {
                "title": title,
                "key_numbers": numbers,
                "priority": prio,
                "map": map_html,
                "sector": sector_html,
            }
        )
        ex.widget.children = [
            W.VBox([title, controls["lang"]]),
            numbers,
            W.HTML(f"<h3>{_esc('dash.priority', lg)}</h3><p>{_esc('dash.priority_help', lg)}</p>"),
            prio.widget,
            map_html,
            W.HTML(f"<h3>{_esc('dash.sector', lg)}</h3>"),
            controls["sector"],
            sector_html,
        ]
        refresh_sector()

    controls["lang"].observe(build, names="value")
    controls["sector"].observe(refresh_sector, names="value")
    build()
    return ex
