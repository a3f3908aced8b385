"""The whole of step 3 at once: :func:`run` and its result, :class:`Evaluation`."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .. import i18n, inventory
from ._common import _li
from .decision import VERDICT_LABELS, VERDICTS
from .design import data_period
from .effects import _evaluate_core
from .forecast import Projection, backtest, backtest_summary, monthly_counts, project
from .risk import current_risk
from .spatial_risk import near_repeat_envelope, near_repeat_risk, risk_terrain, risk_terrain_surface
from .targeting import pillar_balance, reach_matrix, relevance, relevance_flags
from .time_series import its_for_measures


@dataclass
class Evaluation:
    """Every table of step 3, as computed by :func:`run`."""

    effects: pd.DataFrame
    design: pd.DataFrame
    monthly: pd.DataFrame
    its: pd.DataFrame
    reach: pd.DataFrame
    relevance: pd.DataFrame
    pillars: pd.DataFrame
    flags: pd.DataFrame
    current_risk: pd.DataFrame
    projection: Projection
    backtest: pd.DataFrame
    backtest_summary: pd.DataFrame
    knox: pd.DataFrame
    near_repeat: pd.DataFrame
    risk_terrain: pd.DataFrame
    risk_surface: pd.Series
    grid: pd.DataFrame
    parameters: dict[str, Any] = field(default_factory=dict)
    sectors: Any = None

    @property
    def verdicts(self) -> pd.DataFrame:
        """One row per measure: ``measure_id, verdict, reason, res, res_low_adj, res_high_adj,
        verdict_fr, verdict_en`` (what step 4 reads)."""
        cols = [
            "measure_id",
            "verdict",
            "reason",
            "res",
            "res_low_adj",
            "res_high_adj",
            "verdict_fr",
            "verdict_en",
        ]
        return self.effects[cols].reset_index(drop=True)

    def summary(self, lang: str = "fr") -> list[str]:
        """Key findings of step 3 in a few sentences (for the report's executive summary)."""
        lang = i18n.check_lang(lang)
        fr = lang == "fr"
        v = self.effects["verdict"].value_counts()
        parts = [
            f"{int(v.get(k, 0))} × {_li(VERDICT_LABELS[k], lang).lower()}"
            for k in VERDICTS
            if v.get(k, 0)
        ]
        n = len(self.effects)
        out = [
            (f"Évaluation de {n} mesures : " if fr else f"Evaluation of {n} measures: ")
            + ", ".join(parts)
            + "."
        ]
        out += self.flags.loc[
            self.flags["flag"].str.startswith("high_priority"), f"text_{lang}"
        ].tolist()
        pt = self.projection.totals
        em = pt[pt["emerging"]] if len(pt) else pt
        if len(em):
            fams = ", ".join(sorted({i18n.label("family", f, lang) for f in em["family"]}))
            out.append(f"Risques émergents (tendance à la hausse significative) : {fams}." if fr
                       else f"Emerging risks (significant rising trend): {fams}.")  # fmt: skip
        bs = self.backtest_summary
        row = bs[bs["scope"] == "all"].head(1)
        if len(row):
            out.append(str(row[f"text_{lang}"].iloc[0]))
        return out

    def report_section(
        self,
        doc: Any,
        lang: str = "fr",
        public: bool = False,
        threshold: int = 5,
        tables: dict[str, pd.DataFrame] | None = None,
    ) -> None:
        """Write step 3 into a :class:`diagnostic_lib.report.HtmlDocument`.

        ``public`` suppresses counts below ``threshold`` (and the verdict
        sentences that quote them) and leaves out the near-repeat cells (they
        point at recent individual events); ``tables`` receives the tables shown.
        """
        from .. import charts, maps
        from ..report import public_frame

        lang = i18n.check_lang(lang)
        fr = lang == "fr"
        tables = {} if tables is None else tables

        def pub(df: pd.DataFrame) -> pd.DataFrame:
            return public_frame(df, threshold) if public else df

        def L(a: str, b: str) -> str:
            return a if fr else b

        e = self.effects
        doc.heading(L("Efficacité des mesures", "Effectiveness of the measures"), level=3)
        doc.paragraph(L(
            "Avant / après avec zone témoin : fenêtres égales, délai de mise en œuvre exclu ; taille d'effet relative "
            "(RES) avec un intervalle ajusté pour la surdispersion estimée sur la période avant ; WDD, WDQ et effet net "
            "total pour le déplacement. « Efficace » seulement si l'intervalle ajusté exclut 1.",
            "Before/after with a control area: equal windows, implementation lag left out; relative effect size (RES) "
            "with an interval adjusted for the overdispersion estimated on the before period; WDD, WDQ and total net "
            "effect for displacement. 'Effective' only when the adjusted interval excludes 1."))  # fmt: skip
        name = "name" if fr else "name_en"
        t = e[["measure_id", name, "verdict", "a0", "a1", "c0", "c1", "res", "res_low_adj", "res_high_adj", "wdq",
               "tne"]].copy()  # fmt: skip
        t["verdict"] = [_li(VERDICT_LABELS[x], lang) for x in t["verdict"]]
        t = pub(t)
        tables["step3_effects"] = t
        doc.table(t)
        doc.figure(
            charts.forest_plot(e, lang=lang),
            caption=L("Tailles d'effet relatives", "Relative effect sizes"),
        )
        quoted = e[f"verdict_{lang}"].tolist()
        if public:
            cnt = e[["a0", "a1", "b0", "b1", "c0", "c1"]].astype("float64")
            small = ((cnt < threshold) & cnt.notna()).any(axis=1).to_numpy()
            quoted = [f"{_li(VERDICT_LABELS[x], lang)}." if s else q
                      for x, s, q in zip(e["verdict"], small, quoted, strict=True)]  # fmt: skip
        doc.bullets([f"{m} — {q}" for m, q in zip(e["measure_id"], quoted, strict=True)])
        if len(self.its):
            doc.bullets(
                [
                    f"{m} — {x}"
                    for m, x in zip(self.its["measure_id"], self.its[f"text_{lang}"], strict=True)
                ]
            )
        doc.heading(L("Pertinence", "Relevance"), level=3)
        rel = self.relevance[["measure_id", "active", "problem_id", f"problem_title_{lang}", "problem_rank", "reach",
                              "relevance"]]  # fmt: skip
        tables["step3_relevance"] = rel
        doc.table(rel)
        if len(self.flags):
            tables["step3_flags"] = self.flags[["flag", "subject", f"text_{lang}"]]
            doc.bullets(self.flags[f"text_{lang}"].tolist())
        doc.table(
            self.pillars[
                ["pillar", f"label_{lang}", "n_active", "share", "cost", "cost_share", "flag"]
            ]
        )
        doc.heading(L("Risques actuels", "Current risks"), level=3)
        cr = pub(self.current_risk[["sector", "family", "last", "baseline_mean", "ratio_baseline", "q_baseline",
                                    f"label_{lang}", "rate", "likelihood", "impact", f"risk_{lang}", "concern"]])  # fmt: skip
        tables["step3_current_risk"] = cr
        doc.table(cr, max_rows=20)
        doc.figure(
            charts.risk_matrix_chart(self.current_risk, lang=lang),
            caption=L("Matrice des risques", "Risk matrix"),
        )
        doc.heading(L("Risques futurs", "Future risks"), level=3)
        pt = self.projection.totals
        tables["step3_projection"] = pub(pt)
        doc.paragraph(L("Risques émergents (tendance à la hausse significative ; projection sur 12 mois avec intervalle "
                        "de prédiction) :", "Emerging risks (significant rising trend; 12-month projection with "
                        "prediction interval):"))  # fmt: skip
        doc.table(pub(pt[pt["emerging"]][["sector", "family", "model", "last_12", "mean_12", "low_12", "high_12",
                                          "trend_irr", "trend_q"]]))  # fmt: skip
        bs = self.backtest_summary
        tables["step3_backtest"] = bs.drop(columns=["text_fr", "text_en"])
        doc.table(
            bs[
                [
                    "level",
                    "scope",
                    "mae_model",
                    "mae_naive",
                    "skill",
                    "coverage",
                    "nominal",
                    "trust",
                ]
            ]
        )
        doc.bullets(bs.loc[bs["scope"] == "all", f"text_{lang}"].tolist())
        if self.sectors is not None:
            nr = None if public else self.near_repeat["elevated"]
            doc.figure(maps.risk_map(self.grid, self.sectors, self.risk_surface, elevated=nr, lang=lang),
                       caption=L("Terrain à risque" + ("" if public else " et quasi-répétition"),
                                 "Risk terrain" + ("" if public else " and near repeat")))  # fmt: skip


def run(
    diag: Any,
    problems: pd.DataFrame,
    priority: pd.DataFrame | None = None,
    knox: pd.DataFrame | None = None,
    window_months: int | None = None,
    lag_months: int | None = None,
    buffer_m: Any = None,
    control: str = "rest",
    control_sectors: Any = None,
    knox_categories: Sequence[str] = ("burglary",),
    permutations: int = 99,
    horizon: int = 12,
    level: float = 0.9,
    n_sim: int = 1000,
    seed: int = 12345,
    top: int = 3,
    min_reach: float = 0.2,
    risk_distance: float = 150.0,
) -> Evaluation:
    """Run the whole of step 3 on a loaded diagnosis and its problem register.

    Parameters
    ----------
    diag : Diagnostic
        From :func:`diagnostic_lib.loaders.load_diagnostic` (needs measures).
    problems : GeoDataFrame
        The problem register of step 1 (:func:`diagnostic_lib.inventory.find_problems`
        or :func:`~diagnostic_lib.inventory.read_register`).
    priority : DataFrame, optional
        Default: :func:`diagnostic_lib.inventory.priority` of the register.
    knox : DataFrame, optional
        Step 1's Knox table (default: computed on ``knox_categories``).
    window_months, lag_months : int, optional
        Default: the config's ``window_months`` (12) and ``lag_months`` (0).
    buffer_m : float or mapping, optional
        Default: the measures' ``buffer_m`` column where given, else the
        config's ``buffer_m`` (200 m).
    control, control_sectors : see :func:`design_areas`.
    horizon, level, n_sim, seed : see :func:`project`.
    top, min_reach : see :func:`relevance_flags` and :func:`relevance`.
    risk_distance : float
        Metres, for :func:`risk_terrain`.

    Returns
    -------
    Evaluation

    Examples
    --------
    >>> from diagnostic_lib import inventory, loaders, sample
    >>> d = loaders.load_diagnostic(sample.sample_dir() / "diagnostic.toml")
    >>> pb = inventory.find_problems(d.incidents, d.sectors, d.weights, d.taxonomy, d.survey, d.places)
    >>> ev = run(d, pb, permutations=19, n_sim=200)
    >>> ev.effects.set_index("measure_id").loc["M01", "verdict"]
    'effective'
    >>> bool(ev.backtest_summary.set_index(["level", "scope"]).loc[("sectors", "all"), "beats_naive"])
    True
    """

    if diag.measures is None:
        raise ValueError("step 3 needs the measures table ([data.measures] in the config)")
    cfg = diag.config
    W = int(window_months if window_months is not None else cfg.param("window_months", 12))
    L = int(lag_months if lag_months is not None else cfg.param("lag_months", 0))
    min_events = int(cfg.param("min_events", 10))
    alpha = float(cfg.param("alpha", 0.05))
    ds, de = data_period(diag)
    inc, sec, mea = diag.incidents, diag.sectors, diag.measures
    if buffer_m is None:
        default = float(cfg.param("buffer_m", 200))
        col = (
            pd.to_numeric(mea["buffer_m"], errors="coerce")
            if "buffer_m" in mea.columns
            else pd.Series(np.nan, index=mea.index)
        )
        buffer_m = {
            str(m): float(v) if np.isfinite(v) else default
            for m, v in zip(mea["measure_id"], col, strict=True)
        }
    eff, design, monthly = _evaluate_core(mea, inc, sec, ds, de, W, L, buffer_m, control, control_sectors,
                                          min_events=min_events, alpha=alpha)  # fmt: skip
    its = its_for_measures(mea, inc, ds, de, lag_months=L, alpha=alpha)
    pr = inventory.priority(problems) if priority is None else priority
    mat = reach_matrix(mea, problems, inc, sec)
    rel = relevance(mea, problems, inc, sec, pr, data_end=de, min_reach=min_reach, matrix=mat)
    pil = pillar_balance(mea, de)
    flags = relevance_flags(mea, rel, pr, eff, pil, problems, top=top)
    cur = current_risk(
        inc, sec, diag.weights, diag.survey, end=de, min_events=min_events, alpha=alpha
    )
    hist = monthly_counts(inc, ("sector", "family"), start=ds, end=de)
    proj = project(history=hist, by=("sector", "family"), end=de, horizon=horizon, level=level, n_sim=n_sim,
                   seed=seed, alpha=alpha)  # fmt: skip
    bt = backtest(
        history=hist,
        by=("sector", "family"),
        end=de,
        horizon=horizon,
        level=level,
        n_sim=n_sim,
        seed=seed,
    )
    bts = backtest_summary(bt, level)
    nr_inc = inc[inc["category"].isin(list(knox_categories))]
    kn = (
        knox
        if knox is not None
        else inventory.knox_test(nr_inc, permutations=permutations, seed=seed)
    )
    with warnings.catch_warnings():
        warnings.simplefilter(
            "ignore", inventory.GridWarning
        )  # a coarse grid is the user's choice; step 1 warns
        grid = inventory.make_grid(sec, float(cfg.param("grid_cell_m", 200)))
    nr = near_repeat_risk(nr_inc, grid, kn, de, alpha=alpha)
    rts = []
    if diag.places is not None and len(diag.places):
        for fam in ("all", *sorted(inc["family"].dropna().astype(str).unique())):
            sub = inc if fam == "all" else inc[inc["family"] == fam]
            rt = risk_terrain(sub, diag.places, grid, distance=risk_distance, alpha=alpha)
            rt.insert(0, "family", fam)
            rts.append(rt)
    rtab = pd.concat(rts, ignore_index=True) if rts else pd.DataFrame()
    if len(rtab):
        rtab.attrs["distance_m"] = risk_distance
        allf = rtab[rtab["family"] == "all"].drop(columns="family")
        allf.attrs["distance_m"] = risk_distance
        surf = risk_terrain_surface(grid, diag.places, allf)
    else:
        surf = pd.Series(1.0, index=grid.index, name="relative_risk")
    return Evaluation(
        effects=eff, design=design, monthly=monthly, its=its, reach=mat, relevance=rel, pillars=pil, flags=flags,
        current_risk=cur, projection=proj, backtest=bt, backtest_summary=bts, knox=near_repeat_envelope(kn, alpha),
        near_repeat=nr, risk_terrain=rtab, risk_surface=surf, grid=grid, sectors=sec,
        parameters={"window_months": W, "lag_months": L, "buffer_m": buffer_m, "control": control,
                    "min_events": min_events, "alpha": alpha, "data_start": str(ds.date()),
                    "data_end_exclusive": str(de.date()), "horizon": horizon, "level": level, "n_sim": n_sim,
                    "seed": seed, "knox_categories": list(knox_categories), "top": top, "min_reach": min_reach,
                    "risk_distance_m": risk_distance},
    )  # fmt: skip
