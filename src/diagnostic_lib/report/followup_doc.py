"""The follow-up report: were the actions carried out, what became of the problems, met or not.

Examples
--------
>>> followup_name("en")
'followup-en.html'
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from os import PathLike
from pathlib import Path
from typing import Any

import pandas as pd

from .. import evaluation, i18n, inventory, strategy
from .. import formatting as fmt
from ..followup import OBJECTIVE_STATUSES, Review, effect_label, objective_label
from .document import HtmlDocument
from .pdf import html_to_pdf


def followup_name(lang: str) -> str:
    """The follow-up report's file name in ``lang``.

    Examples
    --------
    >>> followup_name("fr")
    'followup-fr.html'
    """
    return f"followup-{lang}.html"


@dataclass(frozen=True)
class ActionColumn:
    """One column of the follow-up's table of actions.

    Attributes
    ----------
    key : str
        The label of its header (``followup.col.<key>``).
    needs : tuple of str
        The columns of :attr:`Review.actions <diagnostic_lib.followup.Review.actions>`
        it reads: the column is shown only when they are all there (so a
        column added to the review, such as an effect, slots in with one entry).
    text : callable
        ``text(row, lang, review)`` → the cell, in words.
    shown : callable
        ``shown(review)``: whether the review has what the column shows (default: always).
    """

    key: str
    needs: tuple[str, ...]
    text: Callable[[pd.Series, str, Review], str]
    shown: Callable[[Review], bool] = lambda r: True


def _problem_title(r: Review, problem_id: Any, lang: str) -> str:
    """A previous problem's title (its words), never its identifier."""
    f = r.fates
    hit = f.loc[f["previous_id"] == problem_id, f"title_{lang}"] if len(f) else pd.Series()
    hit = hit.dropna()
    return str(hit.iloc[0]) if len(hit) else i18n.t("followup.problem.untitled", lang)


def _action_name(row: pd.Series, lang: str, r: Review) -> str:
    words = row.get(f"response_{lang}")
    return f"{row['plan_id']} — {words}" if isinstance(words, str) and words else row["plan_id"]


def _dose(row: pd.Series, lang: str, r: Review) -> str:
    return fmt.percent(row["dose"], lang) if pd.notna(row["dose"]) else fmt.MISSING


def _fate(row: pd.Series, lang: str, r: Review) -> str:
    fate = row["fate"] if isinstance(row["fate"], str) else "gone"
    return inventory.fate_label(fate, lang)


def _objective(row: pd.Series, lang: str, r: Review) -> str:
    obj = r.objectives.set_index("plan_id")
    return _objective_text(obj.loc[row["plan_id"]], lang)


def _judged(row: pd.Series, lang: str, r: Review) -> str:
    if row["judged"]:
        return i18n.t("followup.judged.yes", lang)
    why = row.get("fidelity")
    return i18n.t(
        f"followup.judged.{why}" if why in ("not_reported", "no_plan") else "followup.judged.no",
        lang,
    )


def _effect(row: pd.Series, lang: str, r: Review) -> str:
    eff = r.effects.set_index("plan_id")
    if row["plan_id"] not in eff.index:
        return fmt.MISSING
    return _effect_text(eff.loc[row["plan_id"]], lang)


ACTION_COLUMNS: tuple[ActionColumn, ...] = (
    ActionColumn("action", ("plan_id",), _action_name),
    ActionColumn(
        "problem", ("problem_id",), lambda row, lang, r: _problem_title(r, row["problem_id"], lang)
    ),
    ActionColumn(
        "fidelity",
        ("fidelity",),
        lambda row, lang, r: strategy.fidelity_label(row["fidelity"], lang),
    ),
    ActionColumn("dose", ("dose",), _dose),
    ActionColumn("fate", ("fate",), _fate),
    ActionColumn("objective", ("plan_id",), _objective),
    ActionColumn("judged", ("judged",), _judged),
    ActionColumn("effect", ("effect",), _effect, shown=lambda r: len(r.effects) > 0),
)
"""The columns of the table of actions, in order (header ``followup.col.<key>``); a column
shows when the review's actions hold what it ``needs``."""


def _of(part: int, n: int, key: str, lang: str) -> str:
    return i18n.t(key, lang, part=fmt.integer(part, lang), n=fmt.integer(n, lang))


def _key_rows(r: Review, lang: str) -> list[tuple[str, str, str]]:
    """(figure, value, out of) rows: actions, effects, problems, objectives."""
    a, f = r.actions, r.fates
    n = len(a)
    done = int((a["fidelity"] == "as_planned").sum())
    short = int((a["fidelity"] == "not_implemented").sum())
    judged = int(a["judged"].astype(bool).sum()) if n else 0
    rows = [
        (i18n.t("followup.key.actions", lang), fmt.integer(n, lang), ""),
        (
            i18n.t("followup.key.as_planned", lang),
            fmt.integer(done, lang),
            _of(done, n, "followup.key.of_actions", lang),
        ),
        (
            i18n.t("followup.key.not_as_planned", lang),
            fmt.integer(short, lang),
            _of(short, n, "followup.key.of_actions", lang),
        ),
        (
            i18n.t("followup.key.not_documented", lang),
            fmt.integer(n - done - short, lang),
            _of(n - done - short, n, "followup.key.of_actions", lang),
        ),
        (
            i18n.t("followup.key.judged", lang),
            fmt.integer(judged, lang),
            _of(judged, n, "followup.key.of_actions", lang),
        ),
    ]
    e = r.effects
    if len(e):  # the verdicts of the pre-registered designs
        for key, k in (
            ("followup.key.effective", int((e["verdict"] == "effective").sum())),
            # an interrupted time series has no control: a fall is not called "effective"
            ("followup.key.its_fall", int((e["verdict"] == "its_fall").sum())),
            ("followup.key.not_judged", int((e["status"] != "judged").sum())),
        ):
            rows.append(
                (
                    i18n.t(key, lang),
                    fmt.integer(k, lang),
                    _of(k, n, "followup.key.of_actions", lang),
                )
            )
    before = int(f["previous_id"].notna().sum()) if len(f) else 0
    for fate in inventory.FATES:
        k = int((f["fate"] == fate).sum()) if len(f) else 0
        detail = (
            i18n.t("followup.key.found_now", lang)
            if fate == "new"
            else _of(k, before, "followup.key.of_problems", lang)
        )
        rows.append((i18n.t(f"followup.key.fate.{fate}", lang), fmt.integer(k, lang), detail))
    for status in OBJECTIVE_STATUSES:
        k = int((a["objective"] == status).sum()) if n else 0
        rows.append(
            (
                i18n.t(f"followup.key.{status}", lang),
                fmt.integer(k, lang),
                _of(k, n, "followup.key.of_actions", lang),
            )
        )
    return rows


def _key_figures(r: Review, lang: str) -> pd.DataFrame:
    rows = _key_rows(r, lang)
    return pd.DataFrame(
        {
            i18n.t("report.page.col.figure", lang): [x for x, _, _ in rows],
            i18n.t("report.page.col.value", lang): [v for _, v, _ in rows],
            i18n.t("report.page.col.detail", lang): [d for _, _, d in rows],
        }
    )


def _objective_text(obj: pd.Series, lang: str) -> str:
    words = objective_label(str(obj["status"]), lang)
    if obj["status"] == "not_measurable":
        reason = i18n.t(f"followup.reason.{obj['reason']}", lang)
        return f"{words} ({reason})"
    text = i18n.t(
        "followup.objective.numbers",
        lang,
        status=words,
        count=fmt.integer(obj["count"], lang),
        ci=fmt.interval(obj["ci_low"], obj["ci_high"], lang, digits=0),
        target=fmt.integer(obj["target"], lang),
        baseline=fmt.integer(obj["baseline"], lang),
        p=fmt.pvalue(obj["p_value"], lang),
    )
    if obj["status"] == "met" and obj.get("fall_evident") is not None and not obj["fall_evident"]:
        text += " " + i18n.t("followup.objective.within_noise", lang)
    if bool(obj.get("provisional", False)):  # a measured objective always says
        months = fmt.integer(obj["baseline_months"], lang)
        text += " " + i18n.t("followup.objective.provisional", lang, months=months)
    return text


def _effect_text(e: pd.Series, lang: str) -> str:
    """An action's effect in words: the verdict of its pre-registered design, or why none."""
    text = e[f"text_{lang}"]
    if e["status"] != "judged":
        # its own words (why it is not judged), else the status's
        return text if isinstance(text, str) and text else effect_label(str(e["status"]), lang)
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


def action_table(r: Review, lang: str = "fr") -> pd.DataFrame:
    """The table of actions in words: one column per entry of :data:`ACTION_COLUMNS` it has.

    Parameters
    ----------
    r : Review
    lang : {"fr", "en"}

    Returns
    -------
    DataFrame
        Text only, one row per action.

    Examples
    --------
    >>> from diagnostic_lib import followup
    >>> r = followup.Review(
    ...     pd.DataFrame(columns=["plan_id", "problem_id", "response_fr", "response_en",
    ...                           "fidelity", "dose", "fate", "current_id", "objective",
    ...                           "count", "target", "judged"]),
    ...     pd.DataFrame(), pd.DataFrame(columns=list(inventory.problem_fate.COLUMNS)),
    ...     pd.DataFrame(columns=list(followup.objectives.COLUMNS)))
    >>> list(action_table(r, "en").columns)  # no effect column in this review
    ['Action', 'Problem', 'Implementation', 'Dose', "Problem's fate", 'Objective', 'Effect judged?']
    """
    cols = [c for c in ACTION_COLUMNS if set(c.needs) <= set(r.actions.columns) and c.shown(r)]
    header = [i18n.t(f"followup.col.{c.key}", lang) for c in cols]
    rows = [[c.text(row, lang, r) for c in cols] for _, row in r.actions.iterrows()]
    return pd.DataFrame(rows, columns=header)


def fate_table(r: Review, lang: str = "fr") -> pd.DataFrame:
    """The problems' fates in words: title, fate, distance moved, counts before and now, p.

    Parameters
    ----------
    r : Review
    lang : {"fr", "en"}

    Returns
    -------
    DataFrame
        Text only, one row per problem (previous and new).

    Examples
    --------
    >>> from diagnostic_lib import followup
    >>> f = pd.DataFrame({"previous_id": ["P1"], "current_id": ["Q1"], "fate": ["moved"],
    ...     "distance_m": [412.0], "previous_last_12": [40], "current_last_12": [38],
    ...     "p_value": [0.8], "title_en": ["Burglary — Gare"]})
    >>> r = followup.Review(pd.DataFrame(), pd.DataFrame(), f, pd.DataFrame())
    >>> fate_table(r, "en").iloc[0, :3].tolist()
    ['Burglary — Gare', 'moved', '412']
    """
    f = r.fates
    title = f[f"title_{lang}"].fillna(i18n.t("followup.problem.untitled", lang))
    dist = [fmt.integer(d, lang) if pd.notna(d) else fmt.MISSING for d in f["distance_m"]]

    def counts(col: str) -> list[str]:
        return [fmt.integer(v, lang) if pd.notna(v) else fmt.MISSING for v in f[col]]

    return pd.DataFrame(
        {
            i18n.t("followup.col.problem", lang): title.astype(str).to_numpy(),
            i18n.t("followup.col.fate", lang): [inventory.fate_label(x, lang) for x in f["fate"]],
            i18n.t("followup.col.distance", lang): dist,
            i18n.t("followup.col.before", lang): counts("previous_last_12"),
            i18n.t("followup.col.now", lang): counts("current_last_12"),
            i18n.t("followup.col.p", lang): [fmt.pvalue(p, lang) for p in f["p_value"]],
        }
    )


def followup_document(
    r: Review, lang: str = "fr", municipality: str = "", paper: str | None = None
) -> HtmlDocument:
    """The follow-up report of a :class:`~diagnostic_lib.followup.Review` as a document.

    Parameters
    ----------
    r : Review
        From :func:`diagnostic_lib.followup.review`.
    lang : {"fr", "en"}
        Language (the whole report is in it).
    municipality : str
        Its name, for the title.
    paper : {"letter", "a4"}, optional
        Paper of the print style sheet (default: the report's).

    Returns
    -------
    HtmlDocument
        The report's templates and style sheets (screen and print): the key
        figures first (their own printed page), then the actions (one column
        per entry of :data:`ACTION_COLUMNS` the review has) and the problems.

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
    doc = HtmlDocument(i18n.t("followup.title", lang, municipality=municipality), lang, paper)
    doc.paragraph(i18n.t("followup.intro", lang))
    # the first page: the key figures (actions, effects, problems, objectives)
    doc.heading(i18n.t("followup.section.key", lang), level=2, anchor="key")
    doc.section_class("front")
    with doc.lead():
        doc.table(_key_figures(r, lang), cls="key", appendix=False)
    doc.heading(i18n.t("followup.section.actions", lang), level=2, anchor="actions")
    doc.paragraph(i18n.t("followup.actions_help", lang))
    if len(r.effects):
        doc.paragraph(i18n.t("followup.effect_help", lang))
    doc.table(action_table(r, lang), appendix=False)
    doc.heading(i18n.t("followup.section.problems", lang), level=2, anchor="problems")
    doc.paragraph(i18n.t("followup.problems_help", lang))
    tested = int(r.fates["p_value"].notna().sum()) if len(r.fates) else 0
    if tested >= 3 and "common_ratio" in r.fates.attrs:
        change = fmt.signed_percent(r.fates.attrs["common_ratio"] - 1, lang)
        doc.paragraph(i18n.t("followup.problems_common", lang, change=change, n=tested))
    doc.table(fate_table(r, lang), appendix=False, missing=i18n.t("followup.missing", lang))
    return doc


def write_followup(
    r: Review,
    out: str | PathLike[str],
    lang: str = "fr",
    municipality: str = "",
    *,
    pdf: bool = False,
    paper: str | None = None,
) -> Path:
    """Write the follow-up report into the folder ``out`` (``followup-<lang>.html``).

    Parameters
    ----------
    r : Review
    out : path
        The folder.
    lang : {"fr", "en"}
    municipality : str
    pdf : bool
        Also print it to ``followup-<lang>.pdf`` with headless Chromium
        (:func:`~diagnostic_lib.report.html_to_pdf`; raises
        :class:`~diagnostic_lib.report.PdfError` without one).
    paper : {"letter", "a4"}, optional

    Returns
    -------
    Path
        The HTML file written.

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
    path = followup_document(r, lang, municipality, paper).write(Path(out) / followup_name(lang))
    if pdf:
        html_to_pdf(path)
    return path
