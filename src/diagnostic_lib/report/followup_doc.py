"""The follow-up report: were the actions carried out, what became of the problems, met or not.

Examples
--------
>>> followup_name("en")
'followup-en.html'
"""

from __future__ import annotations

from os import PathLike
from pathlib import Path

import pandas as pd

from .. import evaluation, i18n, inventory, strategy
from .. import formatting as fmt
from ..followup import Review, effect_label, objective_label
from .document import HtmlDocument


def followup_name(lang: str) -> str:
    """The follow-up report's file name in ``lang``.

    Examples
    --------
    >>> followup_name("fr")
    'followup-fr.html'
    """
    return f"followup-{lang}.html"


def _key_figures(r: Review, lang: str) -> pd.DataFrame:
    a, f = r.actions, r.fates
    n = len(a)
    rows = [
        ("followup.key.actions", fmt.integer(n, lang)),
        ("followup.key.as_planned", fmt.integer(int((a["fidelity"] == "as_planned").sum()), lang)),
        ("followup.key.met", fmt.integer(int((a["objective"] == "met").sum()), lang)),
        ("followup.key.not_met", fmt.integer(int((a["objective"] == "not_met").sum()), lang)),
        (
            "followup.key.not_measurable",
            fmt.integer(int((a["objective"] == "not_measurable").sum()), lang),
        ),
    ]
    e = r.effects
    if len(e):
        rows += [
            ("followup.key.effective", fmt.integer(int((e["verdict"] == "effective").sum()), lang)),
            (
                "followup.key.not_judged",
                fmt.integer(int((e["status"] != "judged").sum()), lang),
            ),
        ]
    rows += [
        (f"followup.key.fate.{fate}", fmt.integer(int((f["fate"] == fate).sum()), lang))
        for fate in inventory.FATES
    ]
    return pd.DataFrame(
        {
            i18n.t("followup.col.figure", lang): [i18n.t(k, lang) for k, _ in rows],
            i18n.t("followup.col.value", lang): [v for _, v in rows],
        }
    )


def _objective_text(obj: pd.Series, lang: str) -> str:
    words = objective_label(str(obj["status"]), lang)
    if obj["status"] == "not_measurable":
        reason = i18n.t(f"followup.reason.{obj['reason']}", lang)
        return f"{words} ({reason})"
    return i18n.t(
        "followup.objective.numbers",
        lang,
        status=words,
        count=fmt.integer(obj["count"], lang),
        ci=fmt.interval(obj["ci_low"], obj["ci_high"], lang, digits=0),
        target=fmt.integer(obj["target"], lang),
        baseline=fmt.integer(obj["baseline"], lang),
        p=fmt.pvalue(obj["p_value"], lang),
    )


def _effect_text(e: pd.Series, lang: str) -> str:
    """An action's effect in words: the verdict of its pre-registered design, or why none."""
    if e["status"] != "judged":
        return effect_label(str(e["status"]), lang)
    text = e[f"text_{lang}"]
    text = text if isinstance(text, str) and text else fmt.MISSING
    if e["verdict"] not in evaluation.JUDGED and pd.notna(e["res"]) and pd.notna(e["res_low"]):
        # no verdict on estimates (too little history…): the estimate is still shown
        ci = fmt.interval(e["res_low"], e["res_high"], lang, digits=2)
        res = fmt.decimal(e["res"], lang, digits=2)
        text = i18n.t("followup.effect.estimate", lang, text=text, res=res, ci=ci)
    if isinstance(e["registered"], str) and e["registered"]:
        day = fmt.date(pd.Timestamp(e["registered"]), lang)
        return i18n.t("followup.effect.registered", lang, text=text, date=day)
    return text


def _actions(r: Review, lang: str) -> pd.DataFrame:
    obj = r.objectives.set_index("plan_id")
    eff = r.effects.set_index("plan_id") if len(r.effects) else None
    out = []
    for rec in r.actions.itertuples(index=False):
        row = pd.Series(rec._asdict())
        fate = rec.fate if isinstance(rec.fate, str) else "gone"
        dose = fmt.percent(rec.dose, lang) if pd.notna(rec.dose) else fmt.MISSING
        out.append(
            {
                i18n.t("followup.col.action", lang): f"{rec.plan_id} — {row[f'response_{lang}']}",
                i18n.t("followup.col.fidelity", lang): strategy.fidelity_label(rec.fidelity, lang),
                i18n.t("followup.col.dose", lang): dose,
                i18n.t("followup.col.fate", lang): inventory.fate_label(fate, lang),
                i18n.t("followup.col.objective", lang): _objective_text(obj.loc[rec.plan_id], lang),
                i18n.t("followup.col.judged", lang): i18n.t(
                    "followup.judged.yes" if rec.judged else "followup.judged.no", lang
                ),
            }
        )
        if eff is not None and rec.plan_id in eff.index:
            out[-1][i18n.t("followup.col.effect", lang)] = _effect_text(eff.loc[rec.plan_id], lang)
    return pd.DataFrame(out)


def _fates(r: Review, lang: str) -> pd.DataFrame:
    f = r.fates
    title = f[f"title_{lang}"].fillna(f["previous_id"]).fillna(f["current_id"])
    dist = [fmt.integer(d, lang) if pd.notna(d) else fmt.MISSING for d in f["distance_m"]]
    return pd.DataFrame(
        {
            i18n.t("followup.col.problem", lang): title.astype(str).to_numpy(),
            i18n.t("followup.col.fate", lang): [inventory.fate_label(x, lang) for x in f["fate"]],
            i18n.t("followup.col.distance", lang): dist,
            i18n.t("followup.col.before", lang): f["previous_last_12"].to_numpy(),
            i18n.t("followup.col.now", lang): f["current_last_12"].to_numpy(),
            i18n.t("followup.col.p", lang): [fmt.pvalue(p, lang) for p in f["p_value"]],
        }
    )


def followup_document(r: Review, lang: str = "fr", municipality: str = "") -> HtmlDocument:
    """The follow-up report of a :class:`~diagnostic_lib.followup.Review` as a document.

    Parameters
    ----------
    r : Review
        From :func:`diagnostic_lib.followup.review`.
    lang : {"fr", "en"}
        Language (the whole report is in it).
    municipality : str
        Its name, for the title.

    Returns
    -------
    HtmlDocument

    Examples
    --------
    >>> from diagnostic_lib import followup
    >>> r = followup.Review(
    ...     pd.DataFrame(columns=["plan_id", "problem_id", "response_fr", "response_en",
    ...                           "fidelity", "dose", "fate", "current_id", "objective",
    ...                           "count", "target", "judged"]),
    ...     pd.DataFrame(), pd.DataFrame(columns=list(inventory.problem_fate.COLUMNS)),
    ...     pd.DataFrame(columns=list(followup.objectives.COLUMNS)))
    >>> "Follow-up — Town" in followup_document(r, "en", "Town").render()
    True
    """
    lang = i18n.check_lang(lang)
    doc = HtmlDocument(i18n.t("followup.title", lang, municipality=municipality), lang)
    doc.paragraph(i18n.t("followup.intro", lang))
    doc.heading(i18n.t("followup.section.key", lang), level=2)
    doc.table(_key_figures(r, lang), cls="key", appendix=False)
    doc.heading(i18n.t("followup.section.actions", lang), level=2)
    doc.paragraph(i18n.t("followup.actions_help", lang))
    if len(r.effects):
        doc.paragraph(i18n.t("followup.effect_help", lang))
    doc.table(_actions(r, lang), appendix=False)
    doc.heading(i18n.t("followup.section.problems", lang), level=2)
    doc.paragraph(i18n.t("followup.problems_help", lang))
    doc.table(_fates(r, lang), appendix=False, missing=i18n.t("followup.missing", lang))
    return doc


def write_followup(
    r: Review, out: str | PathLike[str], lang: str = "fr", municipality: str = ""
) -> Path:
    """Write the follow-up report into the folder ``out`` (``followup-<lang>.html``).

    Returns
    -------
    Path
        The file written.

    Examples
    --------
    >>> import tempfile
    >>> from diagnostic_lib import followup
    >>> r = followup.Review(
    ...     pd.DataFrame(columns=["plan_id", "problem_id", "response_fr", "response_en",
    ...                           "fidelity", "dose", "fate", "current_id", "objective",
    ...                           "count", "target", "judged"]),
    ...     pd.DataFrame(), pd.DataFrame(columns=list(inventory.problem_fate.COLUMNS)),
    ...     pd.DataFrame(columns=list(followup.objectives.COLUMNS)))
    >>> write_followup(r, tempfile.mkdtemp(), "en", "Town").name
    'followup-en.html'
    """
    return followup_document(r, lang, municipality).write(Path(out) / followup_name(lang))
