"""The diagnosis report: a self-contained HTML file (and its tables).

:class:`HtmlDocument` assembles headings, paragraphs, tables and figures
(embedded as base64 PNG) into one HTML file with no external resource, so it
can be e-mailed or archived as is. :func:`write_overview` writes the data
overview (the ledger and a map of sectors and incidents).

Examples
--------
>>> doc = HtmlDocument("Titre", lang="fr")
>>> doc.heading("Section")
>>> doc.paragraph("Texte.")
>>> "<h2" in doc.render() and "Texte." in doc.render()
True
"""

from __future__ import annotations

import base64
import datetime as _dt
import html
from collections.abc import Mapping, Sequence
from os import PathLike
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from . import i18n

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;max-width:1100px;margin:2em auto;
padding:0 1em;color:#1b1b1b;line-height:1.45}
h1{border-bottom:3px solid #0072B2;padding-bottom:.2em}
h2{margin-top:2em;border-bottom:1px solid #ccc;padding-bottom:.15em}
table{border-collapse:collapse;margin:.8em 0;font-size:.88em}
th,td{border:1px solid #d0d0d0;padding:.25em .5em;text-align:left;vertical-align:top}
th{background:#eef4fa}
td.num{text-align:right;font-variant-numeric:tabular-nums}
figure{margin:1em 0}
figure img{max-width:100%;height:auto;border:1px solid #e0e0e0}
figcaption{font-size:.85em;color:#555}
.note{font-size:.85em;color:#555}
.box{background:#f6f8fa;border-left:4px solid #0072B2;padding:.6em 1em;margin:1em 0}
.warn{border-left-color:#D55E00}
pre{background:#f6f8fa;padding:.6em;overflow-x:auto;font-size:.85em}
nav ul{columns:2}
"""


class HtmlDocument:
    """A self-contained HTML document built piece by piece.

    Parameters
    ----------
    title : str
    lang : {"fr", "en"}
    """

    def __init__(self, title: str, lang: str = "fr") -> None:
        self.title = title
        self.lang = i18n.check_lang(lang)
        self._parts: list[str] = []
        self._toc: list[tuple[str, str]] = []

    def heading(self, text: str, level: int = 2, anchor: str | None = None) -> None:
        """Add a heading (level 2 headings go into the table of contents)."""
        anchor = anchor or f"s{len(self._toc) + 1}"
        if level == 2:
            self._toc.append((anchor, text))
        self._parts.append(f'<h{level} id="{html.escape(anchor)}">{html.escape(text)}</h{level}>')

    def paragraph(self, text: str, cls: str | None = None) -> None:
        """Add a paragraph of plain text (escaped)."""
        c = f' class="{cls}"' if cls else ""
        self._parts.append(f"<p{c}>{html.escape(text)}</p>")

    def box(self, text: str, warn: bool = False) -> None:
        """Add a highlighted box of plain text."""
        self._parts.append(f'<div class="box{" warn" if warn else ""}">{html.escape(text)}</div>')

    def bullets(self, items: list[str]) -> None:
        """Add a bulleted list of plain-text items."""
        self._parts.append("<ul>" + "".join(f"<li>{html.escape(i)}</li>" for i in items) + "</ul>")

    def raw(self, fragment: str) -> None:
        """Add an HTML fragment as is (caller escapes)."""
        self._parts.append(fragment)

    def preformatted(self, text: str) -> None:
        """Add preformatted text."""
        self._parts.append(f"<pre>{html.escape(text)}</pre>")

    def table(
        self,
        frame: pd.DataFrame,
        caption: str | None = None,
        max_rows: int = 200,
        index: bool = False,
    ) -> None:
        """Add a table (at most ``max_rows`` rows; the rest is said, not hidden)."""
        shown = frame.head(max_rows)
        body = shown.to_html(
            index=index,
            border=0,
            na_rep="—",
            float_format=lambda v: _num(v, self.lang),
            escape=True,
        )
        cap = f"<p class='note'>{html.escape(caption)}</p>" if caption else ""
        more = ""
        if len(frame) > max_rows:
            more = "<p class='note'>" + html.escape(
                f"{max_rows} premières lignes sur {len(frame)}." if self.lang == "fr" else f"First {max_rows} rows of {len(frame)}."
            ) + "</p>"  # fmt: skip
        self._parts.append(cap + body + more)

    def figure(self, fig_or_png: Any, caption: str = "", alt: str | None = None) -> None:
        """Embed a matplotlib figure (closed after rendering) or PNG bytes."""
        from .maps import figure_to_png

        png = fig_or_png if isinstance(fig_or_png, bytes | bytearray) else figure_to_png(fig_or_png)
        b64 = base64.b64encode(png).decode("ascii")
        alt_text = html.escape(alt or caption or self.title)
        self._parts.append(
            f'<figure><img alt="{alt_text}" src="data:image/png;base64,{b64}"/>'
            f"<figcaption>{html.escape(caption)}</figcaption></figure>"
        )

    def render(self) -> str:
        """The whole document as an HTML string."""
        toc = ""
        if len(self._toc) > 1:
            head = "Sommaire" if self.lang == "fr" else "Contents"
            toc = f"<nav><h2>{head}</h2><ul>" + "".join(
                f'<li><a href="#{html.escape(a)}">{html.escape(t)}</a></li>' for a, t in self._toc
            ) + "</ul></nav>"  # fmt: skip
        return (
            f'<!DOCTYPE html>\n<html lang="{self.lang}"><head><meta charset="utf-8"/>'
            f'<meta name="viewport" content="width=device-width, initial-scale=1"/>'
            f"<title>{html.escape(self.title)}</title><style>{CSS}</style></head><body>"
            f"<h1>{html.escape(self.title)}</h1>{toc}{''.join(self._parts)}</body></html>\n"
        )

    def write(self, path: str | PathLike[str]) -> Path:
        """Write the document (UTF-8) and return its path."""
        p = Path(path)
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(self.render(), encoding="utf-8")
        return p


def _num(v: float, lang: str) -> str:
    if pd.isna(v):
        return "—"
    if float(v).is_integer():
        s = f"{v:,.0f}"
    elif abs(v) < 0.01:
        s = f"{v:.2g}"
    else:
        s = f"{v:,.2f}" if abs(v) < 1e6 else f"{v:,.0f}"
    if lang == "fr":
        s = s.replace(",", "\u202f").replace(".", ",")
    return s


def table_counts(diag: Any, lang: str = "fr") -> pd.DataFrame:
    """Rows loaded per table, for the overview.

    Examples
    --------
    >>> from diagnostic_lib import loaders, sample
    >>> d = loaders.load_diagnostic(sample.sample_dir() / "diagnostic.toml")
    >>> table_counts(d, "en").columns.tolist()
    ['Table', 'Count']
    """
    rows = []
    for t in ("sectors", "incidents", "measures", "survey", "partners", "places"):
        df = getattr(diag, t, None)
        if df is not None:
            rows.append({"table": i18n.label("table", t, lang), "n": len(df)})
    return pd.DataFrame(rows).rename(
        columns={"table": i18n.t("ledger.col.table", lang), "n": i18n.t("word.count", lang)}
    )


def write_overview(diag: Any, out_dir: str | PathLike[str], lang: str | None = None) -> Path:
    """Write the data overview: loaded tables, the ledger and a map.

    Parameters
    ----------
    diag : Diagnostic
        From :func:`diagnostic_lib.loaders.load_diagnostic`.
    out_dir : path
        Output folder; ``index.html`` and ``ledger.csv`` are written there.
    lang : {"fr", "en"}, optional
        Default: the config's language.

    Returns
    -------
    pathlib.Path
        The ``index.html`` written.

    Examples
    --------
    >>> import tempfile
    >>> from diagnostic_lib import loaders, sample
    >>> d = loaders.load_diagnostic(sample.sample_dir() / "diagnostic.toml")
    >>> write_overview(d, tempfile.mkdtemp(), lang="en").name
    'index.html'
    """
    from . import maps

    lang = lang or diag.lang
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    doc = HtmlDocument(f"{i18n.t('overview.title', lang)} — {diag.config.municipality}", lang)
    doc.paragraph(i18n.t("overview.generated", lang, date=_dt.date.today().isoformat()), cls="note")
    doc.heading(i18n.t("overview.counts", lang))
    doc.table(table_counts(diag, lang))
    doc.heading(i18n.t("overview.map", lang))
    doc.figure(maps.overview_map(diag.sectors, diag.incidents, lang=lang, source=diag.config.municipality),
               caption=i18n.t("overview.map", lang))  # fmt: skip
    doc.heading(i18n.t("ledger.title", lang))
    doc.table(diag.ledger.files_table(lang))
    doc.table(diag.ledger.summary_table(lang))
    notes = diag.ledger.notes(lang)
    if len(notes):
        doc.bullets(
            [f"{Path(f).name}: {n}" for f, n in zip(notes["file"], notes["note"], strict=True)]
        )
    diag.ledger.to_csv(out / "ledger.csv", lang=lang)
    doc.paragraph(
        "Le détail ligne par ligne est dans ledger.csv."
        if lang == "fr"
        else "Row-by-row details are in ledger.csv.",
        cls="note",
    )
    return doc.write(out / "index.html")


# ----------------------------------------------------------------------------
# Confidentiality (public audience)
# ----------------------------------------------------------------------------
COUNT_COLUMNS = frozenset(
    {
        "count", "n", "n_incidents", "last", "previous", "last_12", "previous_12", "baseline", "target", "observed",
        "respondents", "rows_in", "rows_kept", "rows_rejected", "rows_flagged", "control_events", "a0", "a1", "b0",
        "b1", "c0", "c1", "d0", "d1", "events", "incidents", "treated_before", "treated_after", "buffer_before",
        "buffer_after", "control_before", "control_after", "baseline_total",
    }
)  # fmt: skip
"""Columns holding counts of events or people: suppressed below the threshold for the public."""

DERIVED_FROM_COUNT = {
    "count": ("rate", "rate_low", "rate_high"),
    "n_incidents": ("per_year", "rate", "local_rate"),
    "last": ("ratio", "ratio_baseline"),
}
POINT_COLUMNS = frozenset(
    {"geometry", "x", "y", "lon", "lat", "longitude", "latitude", "wkt", "source_row"}
)
FREE_TEXT_COLUMNS = frozenset(
    {"notes", "value", "detail", "cheers_community", "cheers_harm", "cheers_expectation", "cheers_events",
     "cheers_recurring", "cheers_similarity", "file", "category_label"}
)  # fmt: skip


def suppression_marker(threshold: int) -> str:
    """The text shown instead of a suppressed count.

    Examples
    --------
    >>> suppression_marker(5)
    '< 5'
    """
    return f"< {threshold}"


def suppress_small_counts(
    frame: pd.DataFrame,
    count_cols: Sequence[str],
    threshold: int = 5,
    dependent_cols: Sequence[str] | Mapping[str, Sequence[str]] = (),
    dependent_marker: str | None = None,
) -> pd.DataFrame:
    """Hide every count below ``threshold`` (zero included) and what would give it away.

    The one rule of the project for small counts, used by the public report and
    the partners' dashboard: a count from 0 to ``threshold − 1`` reads
    ``"< threshold"``; on those rows the dependent columns (rates, intervals,
    ratios computed from the count) read ``dependent_marker`` (default: the
    same ``"< threshold"``).

    Parameters
    ----------
    frame : DataFrame
    count_cols : sequence of str
        Columns holding counts of events or people (missing ones are ignored).
    threshold : int
    dependent_cols : sequence of str, or dict
        Columns hidden on a row where *any* count is small; or a mapping
        count column → the columns derived from that count only.
    dependent_marker : str, optional

    Returns
    -------
    DataFrame
        A copy, index preserved (object columns where suppression happened).

    Examples
    --------
    >>> t = pd.DataFrame({"n": [0, 3, 12], "rate": [0.0, 1.2, 4.8]}, index=[7, 8, 9])
    >>> suppress_small_counts(t, ["n"], 5, ["rate"], "—").to_dict("index")
    {7: {'n': '< 5', 'rate': '—'}, 8: {'n': '< 5', 'rate': '—'}, 9: {'n': 12, 'rate': 4.8}}
    """
    out = pd.DataFrame(frame).copy()
    marker = suppression_marker(threshold)
    dep_marker = marker if dependent_marker is None else dependent_marker
    small_any = np.zeros(len(out), dtype=bool)
    for c in count_cols:
        if c not in out.columns:
            continue
        vals = pd.to_numeric(out[c], errors="coerce")
        small = ((vals < threshold) & vals.notna()).to_numpy()
        if small.any():
            out[c] = out[c].astype(object)
            out.loc[small, c] = marker
            small_any |= small
            if isinstance(dependent_cols, Mapping):
                for d in dependent_cols.get(c, ()):
                    if d in out.columns:
                        out[d] = out[d].astype(object)
                        out.loc[small, d] = dep_marker
    if not isinstance(dependent_cols, Mapping) and small_any.any():
        for d in dependent_cols:
            if d in out.columns:
                out[d] = out[d].astype(object)
                out.loc[small_any, d] = dep_marker
    return out


def public_frame(frame: pd.DataFrame, threshold: int = 5) -> pd.DataFrame:
    """A table fit for partners and the public.

    Removes point-level columns (geometry, coordinates, source rows) and
    free-text fields, and replaces every count below ``threshold`` — and the
    rates and ratios computed from it on the same row — with ``"< threshold"``
    (:func:`suppress_small_counts`).

    Parameters
    ----------
    frame : DataFrame
    threshold : int
        Counts below it are suppressed (default 5).

    Returns
    -------
    DataFrame
        A copy (object columns where suppression happened).

    Examples
    --------
    >>> df = pd.DataFrame({"sector": ["A", "B"], "count": [3, 12], "rate": [0.5, 2.0], "notes": ["x", "y"]})
    >>> public_frame(df).values.tolist()
    [['A', '< 5', '< 5'], ['B', 12, 2.0]]
    """
    out = pd.DataFrame(frame)
    drop = [
        c for c in out.columns if str(c).lower() in POINT_COLUMNS or str(c) in FREE_TEXT_COLUMNS
    ]
    out = out.drop(columns=drop)
    counts = [
        c
        for c in out.columns
        if str(c) in COUNT_COLUMNS or str(c).startswith("n_") or str(c).endswith("_count")
    ]
    return suppress_small_counts(out, counts, threshold, DERIVED_FROM_COUNT)


def _sheet_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A table fit for Excel: no geometry, tuples joined, naive datetimes."""
    out = pd.DataFrame(frame).copy()
    if "geometry" in out.columns:
        out = out.drop(columns="geometry")
    for c in out.columns:
        if out[c].dtype == object:
            out[c] = [";".join(map(str, v)) if isinstance(v, tuple | list) else v for v in out[c]]
        if isinstance(out[c].dtype, pd.DatetimeTZDtype):
            out[c] = out[c].dt.tz_localize(None)
    return out


MAX_SHEET_ROWS = 50_000
"""Larger tables go to a CSV file beside the workbook (Excel stops at 1,048,576 rows)."""


def write_workbook(
    tables: dict[str, pd.DataFrame],
    path: str | PathLike[str],
    max_rows: int | None = MAX_SHEET_ROWS,
) -> Path:
    """Write several tables into one ``.xlsx`` workbook (one sheet each).

    A table of more than ``max_rows`` rows (a regional study's problems ×
    measures coverage, for instance) is written to ``<workbook>-<sheet>.csv``
    beside the workbook (UTF-8 with a byte-order mark, which Excel opens), and
    its sheet says so in French and English: Excel cannot hold more than
    1,048,576 rows, and a sheet that long is slow to write and to open.

    Examples
    --------
    >>> import tempfile
    >>> p = write_workbook({"a": pd.DataFrame({"x": [1]})}, Path(tempfile.mkdtemp()) / "t.xlsx")
    >>> pd.read_excel(p, sheet_name="a")["x"].tolist()
    [1]
    >>> p = write_workbook({"big": pd.DataFrame({"x": range(5)})}, p, max_rows=3)
    >>> pd.read_csv(p.parent / "t-big.csv")["x"].tolist()
    [0, 1, 2, 3, 4]
    """
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    with pd.ExcelWriter(p, engine="openpyxl") as xw:
        for name, df in tables.items():
            sheet = str(name)[:31]
            frame = _sheet_frame(df)
            if max_rows is not None and len(frame) > max_rows:
                csv = p.with_name(f"{p.stem}-{sheet}.csv")
                frame.to_csv(csv, index=False, encoding="utf-8-sig")
                frame = pd.DataFrame(
                    {
                        "fichier / file": [csv.name],
                        "lignes / rows": [len(frame)],
                        "note": [
                            f"Table trop longue pour une feuille : voir {csv.name}. / "
                            f"Table too long for a sheet: see {csv.name}."
                        ],
                    }
                )
            frame.to_excel(xw, sheet_name=sheet, index=False)
    return p


# ----------------------------------------------------------------------------
# The full diagnosis report
# ----------------------------------------------------------------------------
def _L(fr: str, en: str, lang: str) -> str:
    return fr if lang == "fr" else en


def _headers(frame: pd.DataFrame, names: dict[str, tuple[str, str]], lang: str) -> pd.DataFrame:
    cols = [c for c in names if c in frame.columns]
    return frame[cols].rename(columns={c: names[c][0 if lang == "fr" else 1] for c in cols})


METHOD_NOTES: list[tuple[str, str]] = [
    ("Données et système de coordonnées : toutes les tables sont ramenées au modèle canonique ; les distances et les surfaces sont calculées dans un système métrique (par défaut NAD83 / MTM zone 8, EPSG:32188). Chaque ligne lue est conservée ou rejetée avec un motif (registre de qualité).",
     "Data and coordinate system: every table is brought to the canonical model; distances and areas are computed in a metric CRS (default NAD83 / MTM zone 8, EPSG:32188). Every input row is kept or rejected with a reason (quality ledger)."),
    ("Taux : incidents pour 1 000 habitants du secteur, intervalles de Poisson exacts (Garwood). Un secteur sans population n'a pas de taux.",
     "Rates: incidents per 1,000 residents of the sector, exact Poisson (Garwood) intervals. A sector without population has no rate."),
    ("Indice local de gravité pondérée : chaque incident pèse le poids de gravité de sa catégorie (poids indicatifs de l'IGC de Statistique Canada rapportés par une source secondaire, et hypothèses locales, avec leur provenance) ; municipalité = 100. Ce n'est pas l'Indice de gravité de la criminalité officiel.",
     "Local severity-weighted index: each incident weighs its category's severity weight (indicative Statistics Canada CSI weights reported by a secondary source, and local assumptions, with their provenance); municipality = 100. It is not the official Crime Severity Index."),
    ("Changement : 12 derniers mois contre les 12 précédents et contre la moyenne de référence, test E de Krishnamoorthy et Thomson (2004), correction de Benjamini–Hochberg pour les comparaisons multiples ; moins de 10 événements : « trop peu d'événements ».",
     "Change: last 12 months against the previous 12 and the baseline mean, Krishnamoorthy & Thomson (2004) E-test, Benjamini–Hochberg correction for multiple comparisons; fewer than 10 events: \"too few events\"."),
    ("Concentration : Gini et Gini généralisé (Bernasco et Steenbeek, 2017) sur les cellules de la grille, zéros compris.",
     "Concentration: Gini and generalised Gini (Bernasco & Steenbeek, 2017) over grid cells, zeros included."),
    ("Points chauds : Gi* de Getis–Ord (esda, poids binaires, voisinage reine) sur une grille découpée à la municipalité ; p bilatérales, correction du taux de fausses découvertes ; classes 90/95/99 %.",
     "Hot spots: Getis–Ord Gi* (esda, binary weights, queen neighbourhood) on a grid clipped to the municipality; two-sided p-values with a false-discovery-rate correction; 90/95/99% classes."),
    ("Quasi-répétition : test de Knox, bandes fermées à droite (bas, haut] (la première inclut zéro), permutations des dates (graine fixée), p = (nombre de permutations ≥ observé + 1) / (permutations + 1).",
     "Near repeat: Knox test, bands closed on the right (lo, hi] (the first includes zero), seeded permutations of the dates, p = (permutations ≥ observed + 1) / (permutations + 1)."),
    ("Problèmes : trois passes explicables — lieux (cellules chaudes contiguës par famille, familles au profil horaire semblable regroupées), secteurs (taux significativement supérieur au reste de la municipalité) et municipalité (hausse significative sans lieu précis).",
     "Problems: three explainable passes — places (contiguous hot cells per family, families with similar hourly profiles grouped), areas (rate significantly above the rest of the municipality) and municipality (significant rise without a precise place)."),
    ("Priorité : moyenne pondérée de composantes normalisées (taux, gravité, tendance, point chaud, préoccupation, vulnérabilité) ; les composantes manquantes sont exclues et listées ; les égalités sont signalées.",
     "Priority: weighted mean of normalised components (rate, severity, trend, hot spot, concern, vulnerability); missing components are left out and listed; ties are flagged."),
    ("Évaluation des mesures : avant/après avec zone témoin ; taille d'effet relative (rapport de cotes, Welsh et Farrington, 2007) avec intervalle de Poisson et avec facteur de surdispersion ; différence de déplacement pondérée (Wheeler et Ratcliffe, 2018) ; quotient de déplacement pondéré (Bowers et Johnson, 2003), non défini sans succès ; effet net total (Guerette, 2009).",
     "Evaluation of measures: before/after with a control area; relative effect size (odds ratio, Welsh & Farrington, 2007) with a Poisson interval and with an overdispersion factor; weighted displacement difference (Wheeler & Ratcliffe, 2018); weighted displacement quotient (Bowers & Johnson, 2003), undefined without success; total net effect (Guerette, 2009)."),
    ("Stratégies : catalogue de réponses dans l'esprit d'EMMIE, sources publiques nommées (College of Policing Crime Reduction Toolkit, guides du POP Center, revues Campbell) ; les cibles supposent la réduction suggérée par la preuve et l'effet minimal détectable est calculé pour chaque action.",
     "Strategies: a catalogue of responses in the spirit of EMMIE, public sources named (College of Policing Crime Reduction Toolkit, POP Center guides, Campbell reviews); targets assume the reduction the evidence suggests and the minimum detectable effect is computed for each action."),
    ("Confidentialité (version publique) : aucune donnée ponctuelle — tout est agrégé au secteur ou à la cellule ; les comptes inférieurs au seuil sont remplacés par « < seuil » ; aucun champ de texte libre.",
     "Confidentiality (public version): no point-level data — everything is aggregated to sectors or grid cells; counts below the threshold are replaced by \"< threshold\"; no free-text fields."),
]  # fmt: skip


def build_report(
    config: Any,
    out: str | PathLike[str] = "build/report",
    lang: str | None = None,
    audience: str = "internal",
    notebooks: bool = True,
    threshold: int | None = None,
    progress: bool = True,
    now: Any = None,
) -> Path:
    """Run the four steps and write the diagnosis report.

    Writes ``index.html`` (self-contained: executive summary, one section per
    step with embedded maps, charts and tables, the action plan, method notes
    and the data-quality ledger), ``tables.xlsx`` (one sheet per table), the
    action plan (``plan.json`` / ``plan.xlsx``), the problem register and, for
    the internal audience, the executed notebooks (``notebooks/``).

    Parameters
    ----------
    config : path or Config
        The diagnosis config (``diagnostic.toml``).
    out : path
        Output folder.
    lang : {"fr", "en"}, optional
        Default: the config's.
    audience : {"internal", "public"}
        ``public`` enforces confidentiality: no point-level data (only sector and
        grid-cell aggregates), counts below ``threshold`` suppressed, no
        free-text fields, no notebooks.
    notebooks : bool
        Execute and save the notebooks (internal audience only).
    threshold : int, optional
        Small-count threshold (default: the config's ``small_count``, 5).
    progress : bool
        Show a progress bar.
    now : timestamp, optional
        Reference "now" for the loaders.

    Returns
    -------
    pathlib.Path
        ``index.html``.

    Examples
    --------
    >>> import tempfile
    >>> from diagnostic_lib import sample
    >>> p = build_report(sample.sample_dir() / "diagnostic.toml", tempfile.mkdtemp(), lang="en",
    ...                  audience="public", progress=False)
    >>> p.name, (p.parent / "tables.xlsx").exists()
    ('index.html', True)
    """

    from tqdm.auto import tqdm

    from . import i18n as _i18n
    from . import inventory, loaders, strategy

    if audience not in ("internal", "public"):
        raise ValueError("audience must be 'internal' or 'public'")
    public = audience == "public"
    stages = ["load", "step1", "step2", "step3", "step4", "write"] + (
        ["notebooks"] if notebooks and not public else []
    )
    bar = tqdm(
        total=len(stages),
        desc="diagnostic",
        disable=not progress,
        unit="étape" if (lang or "fr") == "fr" else "step",
    )

    def step(name: str) -> None:
        bar.set_postfix_str(name)

    step("load")
    diag = loaders.load_diagnostic(config, now=now)
    lang = _i18n.check_lang(lang or diag.lang)
    thr = int(threshold if threshold is not None else diag.config.param("small_count", 5))
    outdir = Path(out)
    outdir.mkdir(parents=True, exist_ok=True)
    bar.update()

    step("step1")
    inv = inventory.run(diag)
    bar.update()
    step("step2")
    s2 = _run_step2(diag, inv)
    bar.update()
    step("step3")
    s3 = _run_step3(diag, inv, s2)
    bar.update()
    step("step4")
    current = _current(s2, s3, diag)
    s4 = strategy.run(diag, inv, current=current)
    bar.update()

    step("write")
    path = write_report(diag, inv, s2, s3, s4, outdir, lang=lang, audience=audience, threshold=thr)
    bar.update()

    if notebooks and not public:
        step("notebooks")
        _execute_notebooks(outdir / "notebooks", lang)
        bar.update()
    bar.close()
    return path


def write_report(
    diag: Any,
    inv: Any,
    step2: Any = None,
    step3: Any = None,
    step4: Any = None,
    out: str | PathLike[str] = "build/report",
    lang: str | None = None,
    audience: str = "internal",
    threshold: int | None = None,
) -> Path:
    """Write the diagnosis report from results already computed (no step is run again).

    The writing stage of :func:`build_report`, for a notebook or a script that
    already holds the results of the steps: the same ``index.html``,
    ``tables.xlsx``, plan and register files (no notebooks).

    Parameters
    ----------
    diag : Diagnostic
        From :func:`diagnostic_lib.loaders.load_diagnostic`.
    inv : Inventory
        From :func:`diagnostic_lib.inventory.run`.
    step2, step3 : optional
        From :func:`diagnostic_lib.measures.run` and
        :func:`diagnostic_lib.evaluation.run` (their sections are left out when
        ``None``).
    step4 : Strategy, optional
        From :func:`diagnostic_lib.strategy.run` (run here when not given).
    out, lang, audience, threshold
        See :func:`build_report`.

    Returns
    -------
    pathlib.Path
        ``index.html``.

    Examples
    --------
    >>> import tempfile
    >>> from diagnostic_lib import inventory, loaders, sample
    >>> d = loaders.load_diagnostic(sample.sample_dir() / "diagnostic.toml")
    >>> p = write_report(d, inventory.run(d, permutations=9), out=tempfile.mkdtemp(),
    ...                  lang="en", audience="public")
    >>> p.name, (p.parent / "tables.xlsx").exists()
    ('index.html', True)
    """
    import datetime as dt

    from . import i18n as _i18n
    from . import inventory, strategy

    if audience not in ("internal", "public"):
        raise ValueError("audience must be 'internal' or 'public'")
    public = audience == "public"
    lang = _i18n.check_lang(lang or diag.lang)
    thr = int(threshold if threshold is not None else diag.config.param("small_count", 5))
    outdir = Path(out)
    outdir.mkdir(parents=True, exist_ok=True)
    s2, s3 = step2, step3
    s4 = step4 if step4 is not None else strategy.run(diag, inv, current=_current(s2, s3, diag))
    pub = (lambda df: public_frame(df, thr)) if public else (lambda df: df)
    tables: dict[str, pd.DataFrame] = {}
    title = _L(f"Autodiagnostic local de sécurité — {diag.config.municipality}",
               f"Local security self-diagnosis — {diag.config.municipality}", lang)  # fmt: skip
    if public:
        title += _L(" (version publique)", " (public version)", lang)
    doc = HtmlDocument(title, lang)
    period = f"{diag.config.period_start.date() if diag.config.period_start is not None else '…'} – {diag.config.period_end.date() if diag.config.period_end is not None else '…'}"
    doc.paragraph(_L(f"Période étudiée : {period}. Rapport produit le {dt.date.today().isoformat()} par diagnostic_lib.",
                     f"Study period: {period}. Report produced on {dt.date.today().isoformat()} by diagnostic_lib.", lang), cls="note")  # fmt: skip
    if public:
        doc.box(_L(f"Version publique : données agrégées par secteur ou par cellule de grille seulement ; comptes inférieurs à {thr} masqués ; aucun champ de texte libre.",
                   f"Public version: data aggregated to sectors or grid cells only; counts below {thr} suppressed; no free-text fields.", lang))  # fmt: skip

    _executive_summary(doc, diag, inv, s2, s3, s4, lang, public, thr)
    _section_step1(doc, diag, inv, lang, public, thr, tables, pub)
    _section_step2(doc, diag, inv, s2, lang, public, thr, tables, pub)
    _section_step3(doc, diag, inv, s3, lang, public, thr, tables, pub)
    _section_step4(doc, diag, s4, lang, public, thr, tables, pub)
    _section_methods(doc, lang)
    _section_ledger(doc, diag, lang, public, tables, pub)

    strategy.save_plan(pub(s4.plan) if public else s4.plan, outdir / "plan")
    if not public:
        inventory.write_register(inv.problems, outdir / "problems")
        diag.ledger.to_csv(outdir / "ledger.csv", lang=lang)
    write_workbook({k: pub(v) for k, v in tables.items()}, outdir / "tables.xlsx")
    return doc.write(outdir / "index.html")


def _run_step2(diag: Any, inv: Any) -> Any:
    from . import measures

    run = getattr(measures, "run", None)
    if run is None or diag.measures is None:
        return None
    return run(diag, inv.problems, priority=inv.priority)


def _run_step3(diag: Any, inv: Any, s2: Any) -> Any:
    try:
        from . import evaluation
    except ImportError:  # pragma: no cover
        return None
    run = getattr(evaluation, "run", None)
    if run is None or diag.measures is None:
        return None
    # step 1's priority and Knox table are the ones step 3 would compute again (same defaults)
    return run(diag, inv.problems, priority=inv.priority, knox=inv.knox)


def _current(s2: Any, s3: Any, diag: Any) -> pd.DataFrame | None:
    from . import strategy

    cov = getattr(s2, "coverage", None) if s2 is not None else None
    verdicts = getattr(s3, "verdicts", None) if s3 is not None else None
    if cov is None or diag.measures is None:
        return None
    if "level" not in cov.columns and "coverage" in cov.columns:
        cov = cov.rename(columns={"coverage": "level"})
    return strategy.current_measures(cov, diag.measures, verdicts)


def _executive_summary(doc, diag, inv, s2, s3, s4, lang, public, thr) -> None:
    doc.heading(_L("Sommaire exécutif", "Executive summary", lang))
    inc = diag.incidents
    pop = float(diag.sectors["population"].sum())
    years = (
        max((inc["occurred_from"].max() - inc["occurred_from"].min()).days / 365.25, 1.0)
        if len(inc)
        else 1.0
    )
    rate = len(inc) / years / pop * 1000 if pop > 0 else float("nan")
    f = diag.ledger.files
    fi = f[f["table"] == "incidents"].iloc[0] if (f["table"] == "incidents").any() else None
    items = [
        _L(
            f"{_num(len(inc), 'fr')} incidents enregistrés pour {_num(pop, 'fr')} habitants, soit {_num(rate, 'fr')} par 1 000 habitants par année.",
            f"{_num(len(inc), 'en')} recorded incidents for {_num(pop, 'en')} residents: {_num(rate, 'en')} per 1,000 residents a year.",
            lang,
        ),  # fmt: skip
    ]
    if fi is not None:
        items.append(_L(f"Qualité des données : {fi.rows_kept} lignes conservées sur {fi.rows_in} ({fi.rows_rejected} rejetées, {fi.rows_flagged} signalées) ; voir le registre.",
                        f"Data quality: {fi.rows_kept} rows kept out of {fi.rows_in} ({fi.rows_rejected} rejected, {fi.rows_flagged} flagged); see the ledger.", lang))  # fmt: skip
    fam = inv.change_family
    rises = fam[fam["label"] == "significant_rise"]
    for r in rises.itertuples(index=False):
        items.append(_L(f"Hausse significative : {i18n.label('family', r.family, 'fr')} ({r.last} contre {r.previous}, rapport {r.ratio:.2f}, q = {r.q_value:.3g}).",
                        f"Significant rise: {i18n.label('family', r.family, 'en')} ({r.last} against {r.previous}, ratio {r.ratio:.2f}, q = {r.q_value:.3g}).", lang))  # fmt: skip
    gap = inv.perception_gap
    if gap is not None and gap.attrs.get("gap_sector"):
        gs = gap.attrs["gap_sector"]
        name = diag.sectors.set_index("sector_id")["name"].get(gs, gs)
        items.append(_L(f"Écart de perception : le secteur {gs} ({name}) craint davantage que ne le laisse croire la criminalité enregistrée.",
                        f"Perception gap: sector {gs} ({name}) fears more than recorded crime suggests.", lang))  # fmt: skip
    doc.bullets(items)
    tcol = "title_fr" if lang == "fr" else "title_en"
    top = inv.priority.head(5)
    doc.paragraph(_L("Problèmes prioritaires :", "Priority problems:", lang))
    doc.bullets(
        [f"{int(r['rank'])}. {r[tcol]} (score {r['score']:.2f})" for _, r in top.iterrows()]
    )
    if s4 is not None and len(s4.plan):
        doc.paragraph(_L("Plan d'action proposé :", "Proposed action plan:", lang))
        doc.bullets([f"{r['plan_id']} — {r['response_fr' if lang == 'fr' else 'response_en']} → "
                     f"{r['problem_fr' if lang == 'fr' else 'problem_en']}" for _, r in s4.plan.iterrows()])  # fmt: skip
    extra = getattr(s2, "summary", None)
    if callable(extra):
        doc.bullets(list(extra(lang)))
    extra3 = getattr(s3, "summary", None)
    if callable(extra3):
        doc.bullets(list(extra3(lang)))


def _section_step1(doc, diag, inv, lang, public, thr, tables, pub) -> None:
    from . import charts, inventory, maps

    doc.heading(
        _L(
            "Étape 1 — Problèmes de criminalité et enjeux de sécurité",
            "Step 1 — Crime problems and security issues",
            lang,
        )
    )
    src = diag.config.municipality
    annual = inv.rates[(inv.rates["sector"] != "*")].groupby("sector")["rate"].sum() / max(
        inv.rates["period"].nunique(), 1
    )
    doc.figure(maps.choropleth(diag.sectors, annual, title=_L("Taux annuel moyen d'incidents", "Mean annual incident rate", lang),
                               legend_title=_L("pour 1 000 hab.", "per 1,000 residents", lang), lang=lang, source=src),
               caption=_L("Taux annuel moyen par secteur (classes de Fisher–Jenks).", "Mean annual rate per sector (Fisher–Jenks classes).", lang))  # fmt: skip
    rates = inv.rates.copy()
    rates["group"] = [i18n.label("family", g, lang) for g in rates["group"]]
    tables["rates"] = rates
    last_year = rates["period"].max()
    shown = rates[(rates["period"] == last_year)]
    doc.heading(
        _L(
            f"Taux par secteur et famille ({last_year})",
            f"Rates by sector and family ({last_year})",
            lang,
        ),
        level=3,
    )
    doc.table(_headers(pub(shown), {"sector": ("Secteur", "Sector"), "name": ("Nom", "Name"), "group": ("Famille", "Family"),
                                    "count": ("Nombre", "Count"), "population": ("Population", "Population"),
                                    "rate": ("Taux /1 000", "Rate /1,000"), "rate_low": ("IC bas", "CI low"),
                                    "rate_high": ("IC haut", "CI high")}, lang), max_rows=80)  # fmt: skip
    doc.heading(_L("Indice local de gravité pondérée (municipalité = 100 ; ce n'est pas l'IGC)",
                   "Local severity-weighted index (municipality = 100; not the CSI)", lang), level=3)  # fmt: skip
    tables["severity_index"] = inv.severity
    doc.table(_headers(pub(inv.severity), {"sector": ("Secteur", "Sector"), "name": ("Nom", "Name"), "count": ("Nombre", "Count"),
                                           "index": ("Indice", "Index"), "index_low": ("IC bas", "CI low"),
                                           "index_high": ("IC haut", "CI high")}, lang))  # fmt: skip
    doc.heading(_L("Rythmes", "Rhythms", lang), level=3)
    doc.figure(
        charts.hour_weekday_heatmap(inv.hour_weekday, lang=lang),
        caption=_L("Allocation aoristique.", "Aoristic allocation.", lang),
    )
    doc.figure(charts.seasonality_chart(inv.seasonality, by="family", lang=lang))
    doc.heading(_L("Changement (12 derniers mois)", "Change (last 12 months)", lang), level=3)
    fam = inv.change_family.copy()
    fam["family"] = [i18n.label("family", f, lang) for f in fam["family"]]
    tables["change_family"] = inv.change_family
    tables["change_sector_category"] = inv.change
    doc.table(_headers(pub(fam), {"family": ("Famille", "Family"), "last": ("12 derniers mois", "Last 12 months"),
                                  "previous": ("12 mois précédents", "Previous 12 months"), "ratio": ("Rapport", "Ratio"),
                                  "p_value": ("p (test E)", "p (E-test)"), "q_value": ("q (FDR)", "q (FDR)"),
                                  f"label_{lang}": ("Constat", "Finding")}, lang))  # fmt: skip
    doc.heading(_L("Concentration", "Concentration", lang), level=3)
    c = inv.concentration
    doc.paragraph(_L(f"Gini {c['gini']:.2f} ; Gini généralisé {c['generalised_gini']:.2f} sur {c['places']} cellules de {inv.parameters['cell_size_m']:g} m.",
                     f"Gini {c['gini']:.2f}; generalised Gini {c['generalised_gini']:.2f} over {c['places']} cells of {inv.parameters['cell_size_m']:g} m.", lang))  # fmt: skip
    doc.bullets(list(inventory.concentration_table(inv.place_counts, lang=lang)["text"]))
    doc.figure(charts.lorenz_chart(inv.place_counts, lang=lang))
    if not public:
        tables["repeat_locations"] = inv.repeat_locations
        doc.table(_headers(inv.repeat_locations, {"count": ("Nombre", "Count"), "top_category": ("Catégorie principale", "Main category"),
                                                  "sector": ("Secteur", "Sector"), "facility": ("Lieu", "Facility"),
                                                  "facility_kind": ("Type", "Kind")}, lang),
                  caption=_L("Lieux de répétition (lieux à risque).", "Repeat locations (risky places).", lang))  # fmt: skip
    doc.heading(_L("Points chauds", "Hot spots", lang), level=3)
    doc.figure(maps.hot_spot_map(inv.hot_spots, diag.sectors, lang=lang, source=src),
               caption=inventory.hot_spot_parameters_text(inv.hot_spots, lang))  # fmt: skip
    hs = inv.hot_spots[inv.hot_spots["hot_class"] != "not_significant"]
    tables["hot_spots"] = pd.DataFrame(hs.drop(columns="geometry"))
    doc.heading(_L("Quasi-répétition (cambriolages)", "Near repeat (break-ins)", lang), level=3)
    doc.figure(charts.knox_heatmap(inv.knox, lang=lang))
    tables["knox"] = inv.knox
    if inv.perception_gap is not None:
        doc.heading(_L("Perception citoyenne", "Citizens' perception", lang), level=3)
        doc.figure(charts.perception_gap_chart(inv.perception_gap, lang=lang))
        tables["perception"] = inv.perception
        tables["perception_gap"] = inv.perception_gap
        doc.table(_headers(pub(inv.perception_gap), {"sector": ("Secteur", "Sector"), "name": ("Nom", "Name"),
                                                     "crime_rank": ("Rang criminalité", "Crime rank"),
                                                     "concern_rank": ("Rang préoccupation", "Concern rank"),
                                                     "gap": ("Écart", "Gap"), "respondents": ("Répondants", "Respondents")}, lang))  # fmt: skip
    doc.heading(_L("Problèmes et priorités", "Problems and priorities", lang), level=3)
    doc.figure(
        maps.problems_map(inv.problems, diag.sectors, ranking=inv.priority, lang=lang, source=src)
    )
    tcol = "title_fr" if lang == "fr" else "title_en"
    pr = inv.priority
    tables["problems"] = inv.problems
    tables["priority"] = pr
    comps = [
        c
        for c in ("rate", "severity", "trend", "hotspot", "concern", "vulnerability")
        if c in pr.columns
    ]
    names = {"rank": ("Rang", "Rank"), tcol: ("Problème", "Problem"), "score": ("Score", "Score")}
    names.update({c: (c, c) for c in comps})
    names["missing"] = ("Composantes manquantes", "Missing components")
    doc.table(_headers(pr, names, lang))


def _section_step2(doc, diag, inv, s2, lang, public, thr, tables, pub) -> None:
    from . import charts, maps, measures

    doc.heading(
        _L("Étape 2 — Mesures préventives en place", "Step 2 — Preventive measures in place", lang)
    )
    if s2 is None:
        if diag.measures is None:
            doc.paragraph(_L("Aucun fichier de mesures.", "No measures file.", lang))
        return
    src = diag.config.municipality
    reg = s2.registry
    tables["measures_registry"] = reg
    doc.paragraph(
        _L(
            f"{len(reg)} mesures répertoriées, par pilier et par statut (à la fin de la période étudiée).",
            f"{len(reg)} measures listed, by pillar and status (at the end of the study period).",
            lang,
        )
    )
    doc.table(measures.for_display(pub(measures.registry_summary(reg, by="pillar")), lang))
    doc.figure(
        charts.measures_timeline(
            reg, ref_date=diag.config.period_end, period_start=diag.config.period_start, lang=lang
        )
    )
    if not public:
        doc.figure(
            maps.measures_map(
                reg,
                s2.areas,
                diag.sectors,
                rings=s2.rings,
                problems=inv.problems,
                lang=lang,
                source=src,
            )
        )
    doc.table(measures.for_display(pub(reg), lang), max_rows=60)
    doc.heading(_L("Couverture des problèmes", "Coverage of the problems", lang), level=3)
    doc.paragraph(
        _L(
            "Comment chaque mesure répond à chaque problème (thème, lieu, moment), par les mesures actives.",
            "How each measure addresses each problem (theme, place, time), by the active measures.",
            lang,
        )
    )
    tables["coverage"] = s2.coverage
    tables["coverage_by_problem"] = s2.by_problem
    tables["coverage_by_measure"] = s2.by_measure
    doc.table(measures.for_display(pub(s2.by_problem), lang), max_rows=40)
    doc.figure(
        maps.gap_map(
            s2.problems,
            s2.by_problem,
            diag.sectors,
            sector_gaps=s2.sector_gaps,
            lang=lang,
            source=src,
        )
    )
    doc.heading(_L("Lacunes", "Gaps", lang), level=3)
    tables["gaps"] = s2.gaps
    tables["single_pillar"] = s2.single_pillar
    tables["sector_gaps"] = s2.sector_gaps
    doc.table(
        measures.for_display(pub(s2.gaps), lang),
        caption=_L(
            "Problèmes prioritaires sans couverture ou peu couverts.",
            "Priority problems with no or weak coverage.",
            lang,
        ),
    )
    if len(s2.single_pillar):
        doc.table(
            measures.for_display(pub(s2.single_pillar), lang),
            caption=_L(
                "Problèmes traités par un seul pilier.",
                "Problems addressed by a single pillar.",
                lang,
            ),
        )
    if len(s2.sector_gaps):
        doc.table(
            measures.for_display(pub(s2.sector_gaps), lang),
            caption=_L("Secteurs : enjeux et mesures.", "Sectors: issues and measures.", lang),
        )
    doc.heading(_L("Partenaires", "Partners", lang), level=3)
    tables["partner_roles"] = s2.partner_roles
    tables["partner_suggestions"] = s2.partner_suggestions
    doc.table(
        measures.for_display(pub(s2.partner_suggestions), lang),
        max_rows=40,
        caption=_L(
            "Partenaires à mobiliser pour les problèmes non couverts ou peu couverts.",
            "Partners who could be mobilised for uncovered or weakly covered problems.",
            lang,
        ),
    )
    doc.figure(
        charts.partner_network(
            reg,
            s2.partner_roles,
            by_problem=s2.by_problem,
            suggestions=s2.partner_suggestions,
            lang=lang,
        )
    )


def _section_step3(doc, diag, inv, s3, lang, public, thr, tables, pub) -> None:
    doc.heading(
        _L(
            "Étape 3 — Efficacité, pertinence et risques",
            "Step 3 — Effectiveness, relevance and risks",
            lang,
        )
    )
    section = getattr(s3, "report_section", None) if s3 is not None else None
    if callable(section):
        section(doc, lang=lang, public=public, threshold=thr, tables=tables)
        return
    doc.paragraph(_L("Évaluation non disponible.", "Evaluation not available.", lang))


def _section_step4(doc, diag, s4, lang, public, thr, tables, pub) -> None:
    doc.heading(
        _L(
            "Étape 4 — Stratégies d'intervention et plan d'action",
            "Step 4 — Intervention strategies and action plan",
            lang,
        )
    )
    doc.paragraph(_L("Pour chaque problème prioritaire, les réponses du catalogue sont classées selon l'adéquation, la force de la preuve, ce qui est déjà en place, l'équilibre des piliers et la disponibilité des partenaires.",
                     "For each priority problem, catalogue responses are ranked by fit, strength of evidence, what is already in place, pillar balance and partner availability.", lang))  # fmt: skip
    r = s4.ranking.copy()
    tables["responses_ranked"] = r
    ncol = "name_fr" if lang == "fr" else "name_en"
    doc.table(_headers(r, {"problem_rank": ("Rang du problème", "Problem rank"), "rank": ("Rang", "Rank"), ncol: ("Réponse", "Response"),
                           "score": ("Score", "Score"), "fit": ("Adéquation", "Fit"), "evidence": ("Preuve", "Evidence"),
                           "in_place": ("Déjà en place", "In place"), "pillar_balance": ("Piliers", "Pillars"),
                           "partners": ("Partenaires", "Partners")}, lang), max_rows=40)  # fmt: skip
    plan = s4.plan
    tables["action_plan"] = plan
    sfx = lang
    doc.heading(_L("Plan d'action", "Action plan", lang), level=3)
    for _, a in plan.iterrows():
        doc.raw(
            "<div class='box'><b>" + html.escape(f"{a['plan_id']} — {a[f'response_{sfx}']}") + "</b><br/>"
            + html.escape(_L("Problème : ", "Problem: ", lang) + str(a[f"problem_{sfx}"])) + "<br/>"
            + html.escape(_L("Objectif SMART : ", "SMART objective: ", lang)
                          + f"{a[f'indicator_{sfx}']} — {_L('référence', 'baseline', lang)} "
                          + (str(a["baseline"]) if not public or a["baseline"] >= thr else suppression_marker(thr))
                          + f" ({a['baseline_period']}), {_L('cible', 'target', lang)} "
                          + (str(a["target"]) if not public or a["target"] >= thr else suppression_marker(thr))
                          + f" {_L('au', 'by', lang)} {a['deadline']}.") + "<br/>"
            + html.escape(_L("Responsable : ", "Owner: ", lang) + str(a["owner"]) + " ; "
                          + _L("partenaires : ", "partners: ", lang) + (a["partner_names"] or "—") + " ; "
                          + _L("ressources : ", "resources: ", lang) + str(a["resources"])) + "<br/>"
            + html.escape(_L("Suivi : ", "Monitoring: ", lang) + str(a[f"monitoring_{sfx}"]) + " "
                          + _L("Réévaluation : ", "Re-evaluation: ", lang) + str(a["reevaluation_date"])) + "<br/>"
            + html.escape(_L("Devis d'évaluation : ", "Evaluation design: ", lang) + str(a[f"design_{sfx}"])) + "<br/>"
            + html.escape(str(a[f"power_note_{sfx}"])) + "<br/>"
            + html.escape(_L("Preuve : ", "Evidence: ", lang) + str(a[f"evidence_{sfx}"]))
            + "</div>"
        )  # fmt: skip


def _section_methods(doc, lang) -> None:
    doc.heading(_L("Notes méthodologiques", "Method notes", lang))
    doc.bullets([fr if lang == "fr" else en for fr, en in METHOD_NOTES])


def _section_ledger(doc, diag, lang, public, tables, pub) -> None:
    doc.heading(i18n.t("ledger.title", lang))
    if public:
        files = pub(diag.ledger.files.assign(table=lambda d: [i18n.label("table", x, lang) for x in d["table"]],
                                             file=lambda d: [Path(f).name for f in d["file"]]))  # fmt: skip
        doc.table(files.rename(columns={k: i18n.t(f"ledger.col.{k}", lang) for k in files.columns}))
        counts = pub(
            diag.ledger.counts().assign(
                reason=lambda d: [i18n.label("reason", x, lang) for x in d["reason"]]
            )
        )
        doc.table(counts.drop(columns=[c for c in ("file",) if c in counts.columns]).rename(
            columns={k: i18n.t(f"ledger.col.{k}", lang) for k in ("table", "reason", "action", "count")}))  # fmt: skip
    else:
        doc.table(diag.ledger.files_table(lang))
        doc.table(diag.ledger.summary_table(lang))
    tables["ledger_files"] = diag.ledger.files
    tables["ledger_counts"] = diag.ledger.counts()
    if not public:
        tables["ledger_entries"] = diag.ledger.entries
        doc.paragraph(_L("Le détail ligne par ligne est dans ledger.csv et dans le classeur.",
                         "Row-by-row details are in ledger.csv and in the workbook.", lang), cls="note")  # fmt: skip


def _execute_notebooks(dest: Path, lang: str) -> list[Path]:
    """Execute the numbered notebooks (on the sample) and save them with their outputs."""
    import os
    import shutil
    import tempfile

    import nbformat

    src_dir = _notebook_dir()
    if src_dir is None:
        return []
    dest.mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp) / "notebooks"
        shutil.copytree(
            src_dir, work, ignore=shutil.ignore_patterns("output", ".ipynb_checkpoints")
        )
        old = os.environ.get("MPLBACKEND")
        os.environ["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
        try:
            for nb_path in sorted(work.glob("[0-9][0-9]_*.ipynb")):
                nb = nbformat.read(nb_path, as_version=4)
                execute_notebook(nb, work)
                target = dest / nb_path.name
                nbformat.write(nb, target)
                written.append(target)
        finally:
            if old is None:
                os.environ.pop("MPLBACKEND", None)
            else:
                os.environ["MPLBACKEND"] = old
    return written


def execute_notebook(nb, workdir: str | Path, timeout: int = 900):
    """Execute a notebook node in place, in a fresh kernel whose working folder is ``workdir``.

    The kernel talks over local IPC sockets where the system has them (no
    unencrypted TCP port, and no warning about one), and is shut down afterwards.
    A cell that raises makes this raise (``nbclient.exceptions.CellExecutionError``).

    Parameters
    ----------
    nb : nbformat.NotebookNode
        The notebook, executed in place (its outputs are filled in).
    workdir : str or Path
        The kernel's working folder (relative paths in the notebook start there).
    timeout : int
        Seconds allowed for each cell.

    Returns
    -------
    nbformat.NotebookNode
        ``nb``, executed.

    Examples
    --------
    >>> import nbformat, tempfile
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print(6 * 7)")])
    >>> with tempfile.TemporaryDirectory() as d:
    ...     out = execute_notebook(nb, d, timeout=120)
    >>> out.cells[0].outputs[0]["text"]
    '42\\n'
    """
    import os
    import tempfile

    from nbclient import NotebookClient
    from traitlets.config import Config

    with tempfile.TemporaryDirectory(prefix="dl-kernel-") as sockets:
        config = Config()
        if os.name == "posix":  # socket files in a private folder, by absolute path
            config.KernelManager.transport = "ipc"
            config.KernelManager.ip = os.path.join(sockets, "kernel-ipc")
        NotebookClient(
            nb, timeout=timeout, kernel_name="python3", config=config,
            resources={"metadata": {"path": str(workdir)}},
        ).execute()  # fmt: skip
    return nb


def _notebook_dir() -> Path | None:
    here = Path(__file__).resolve()
    for parent in here.parents:
        cand = parent / "notebooks"
        if (cand / "00_overview.ipynb").exists():
            return cand
    return None
