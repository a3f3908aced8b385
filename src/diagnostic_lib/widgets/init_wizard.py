"""The ``init`` wizard of notebook 05: what ``init`` guesses, shown with previews, corrected.

The same guesses as ``python -m diagnostic_lib init``
(:func:`diagnostic_lib.setup.guess_files`), shown per file with its first rows
and what was guessed (encoding, separator, dates and their precision, the
position columns and their CRS), and every category label with its code or the
closest one. Drop-downs correct the column roles, the CRS and the codes; the
button writes ``diagnostic.toml`` and ``categories.csv``
(:func:`diagnostic_lib.setup.write_guesses`) and checks them as ``validate``
does (:func:`diagnostic_lib.setup.check_config`). The widget only wires values:
the corrections are :func:`diagnostic_lib.setup.apply_corrections`.

Examples
--------
>>> from diagnostic_lib import i18n
>>> i18n.t("setup.wizard.write", "en")
'Write and check'
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from os import PathLike
from pathlib import Path
from typing import Any

import pandas as pd

from .. import formatting as fmt
from .. import i18n, schema, setup
from .. import taxonomy as taxonomy_mod
from .explorer import Explorer, table_html


def _corrections(values: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """The controls' values as the keyword arguments of ``setup.apply_corrections``.

    Controls are named ``column:<table>:<field>``, ``crs:<table>``, ``category:<label>``.
    """
    out: dict[str, dict[str, Any]] = {"columns": {}, "source_crs": {}, "categories": {}}
    for key, value in values.items():
        kind, _, rest = key.partition(":")
        if kind == "column":
            table, _, field = rest.partition(":")
            out["columns"].setdefault(table, {})[field] = value
        elif kind == "crs":
            out["source_crs"][rest] = value
        elif kind == "category":
            out["categories"][rest] = value
    return out


def _category_options(suggestion: str, tax: pd.DataFrame, lang: str) -> list[tuple[str, str]]:
    """A label's choices: no code, the suggestion first, then every code with its label."""
    label = tax.set_index("code")[f"label_{lang}"]
    first = [(i18n.t("setup.wizard.no_code", lang), "")]
    if suggestion:
        said = i18n.t("setup.wizard.suggested", lang, code=f"{suggestion} — {label[suggestion]}")
        first.append((said, suggestion))
    rest = [(f"{c} — {label[c]}", c) for c in label.index if c != suggestion]
    return first + rest


def _file_box(W: Any, table: str, info: dict[str, Any], controls: dict, lang: str) -> Any:
    """One table's first file: what was guessed, its first rows, its column roles and CRS."""
    none = i18n.t("setup.wizard.none", lang)
    said = "".join(f"<li>{html.escape(s)}</li>" for s in setup.describe(info, lang))
    roles = []
    for field in setup.table_fields(table):
        options = [(none, ""), *[(c, c) for c in info["columns"]]]
        controls[f"column:{table}:{field}"] = W.Dropdown(
            options=options,
            value=info["fields"].get(field, ""),
            description=field,
            style={"description_width": "150px"},
            layout=W.Layout(width="360px"),
        )
        roles.append(controls[f"column:{table}:{field}"])
    pos = info["positions"]
    crs_row = []
    if pos is not None and (pos["guessed"] or pos["kind"] == "lonlat"):
        guess = i18n.t("setup.wizard.crs_guess", lang, crs=pos["crs"])
        options = [(guess, "")] + [
            (f"{c} — {i18n.t(f'setup.crs.{c}', lang)}", c) for c in setup.CRS_CHOICES
        ]
        controls[f"crs:{table}"] = W.Dropdown(
            options=options,
            value="",
            description=i18n.t("setup.wizard.crs", lang),
            style={"description_width": "150px"},
            layout=W.Layout(width="520px"),
        )
        crs_row = [controls[f"crs:{table}"]]
    return W.VBox(
        [
            W.HTML(f"<ul>{said}</ul>"),
            W.HTML(f"<b>{html.escape(i18n.t('setup.wizard.preview', lang))}</b>"),
            W.HTML(table_html(setup.preview(info), lang)),
            W.HTML(f"<b>{html.escape(i18n.t('setup.wizard.roles', lang))}</b>"),
            W.GridBox(roles, layout=W.Layout(grid_template_columns="repeat(2, 370px)")),
            *crs_row,
        ]
    )


def _category_box(
    W: Any, cats: pd.DataFrame, tax: pd.DataFrame, controls: dict, lang: str, max_labels: int
) -> Any:
    """A drop-down of codes for each of the most frequent labels."""
    head = i18n.t(
        "setup.wizard.categories",
        lang,
        n=fmt.integer(len(cats), lang),
        unmatched=fmt.integer(int((cats["code"] == "").sum()), lang),
    )
    rows = [W.HTML(f"<b>{html.escape(head)}</b>")]
    for r in cats.head(max_labels).itertuples():
        options = _category_options(r.suggestion, tax, lang)
        if r.code and r.code not in {v for _, v in options}:
            options.append((r.code, r.code))
        said = i18n.t(
            "setup.wizard.category", lang, label=r.source_label, count=fmt.integer(r.count, lang)
        )
        controls[f"category:{r.source_label}"] = W.Dropdown(
            options=options,
            value=r.code,
            description=said,
            style={"description_width": "300px"},
            layout=W.Layout(width="720px"),
        )
        rows.append(controls[f"category:{r.source_label}"])
    return W.VBox(rows)


def init_wizard(  # noqa: PLR0913 - keyword options of one call, as for ``init``
    files: Mapping[str, Sequence[str]],
    out_dir: str | PathLike[str],
    *,
    base: str | PathLike[str] | None = None,
    name: str = "Municipalité",
    lang: str = "fr",
    grid_m: float | None = None,
    preset: str = "generic",
    crs: str = schema.DEFAULT_CRS,
    taxonomy: pd.DataFrame | None = None,
    max_labels: int = 40,
) -> Explorer:
    r"""The ``init`` guesses with previews, corrected by drop-downs, written and checked.

    Parameters
    ----------
    files : dict
        Table → paths or globs (as ``init``'s ``--incidents``, ``--sectors``…).
    out_dir : path
        The folder ``diagnostic.toml`` and ``categories.csv`` are written to.
    base : path, optional
        The folder the given paths are relative to (default: the current one).
    name : str
        The municipality's name.
    lang : {"fr", "en"}
        Language of the widget and of the report.
    grid_m : float, optional
        Sectors as a generated grid of this cell size (as ``init --grid-m``).
    preset, crs : str
        Column-mapping preset and analysis CRS.
    taxonomy : DataFrame, optional
        Default: the packaged taxonomy.
    max_labels : int
        Category labels shown (most frequent first; the others keep their code
        in ``categories.csv``).

    Returns
    -------
    Explorer
        ``compute(**values)`` applies the corrections, writes the two files and
        checks the config: ``{"config", "categories", "ok", "check"}``; it runs
        when the button is pressed (``outputs["write"]``). ``outputs["config"]``
        shows the config the current values would write.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "e.csv").write_text("date,categorie,x,y\n2024-01-02,Vol dans véhicule,"
    ...                              "288301,5056128\n2024-01-03,Méfait,288400,5056200\n")
    >>> ex = init_wizard({"incidents": ["e.csv"]}, d / "diag", base=d, grid_m=500, lang="en")
    >>> ex.controls["category:Vol dans véhicule"].value = "theft_from_vehicle"
    >>> ex.outputs["write"].click()
    >>> ex.result["ok"], ex.result["config"].name
    (True, 'diagnostic.toml')
    >>> (d / "diag" / "categories.csv").read_text(encoding="utf-8").splitlines()[2]
    'Vol dans véhicule,theft_from_vehicle,1,'
    """
    import ipywidgets as W

    tax = taxonomy_mod.load_taxonomy() if taxonomy is None else taxonomy
    guesses = setup.guess_files(files, base=base, preset=preset, crs=crs, taxonomy=tax)
    controls: dict[str, Any] = {
        "out": W.Text(value=str(out_dir), description=i18n.t("setup.wizard.out", lang)),
        "name": W.Text(value=name, description=i18n.t("setup.wizard.name", lang)),
    }
    boxes = [
        _file_box(W, table, infos[0], controls, lang) for table, infos in guesses["infos"].items()
    ]
    boxes.append(_category_box(W, guesses["categories"], tax, controls, lang, max_labels))

    def corrected(**values: Any) -> dict[str, Any]:
        return setup.apply_corrections(guesses, **_corrections(values))

    def compute(**values: Any) -> dict[str, Any]:
        fixed = corrected(**values)
        config, cats = setup.write_guesses(
            values["out"], fixed, name=values["name"], language=lang, grid_m=grid_m
        )
        ok, check = setup.check_config(config, lang)
        return {"config": config, "categories": cats, "ok": ok, "check": check}

    text, result = W.HTML(), W.HTML()
    button = W.Button(description=i18n.t("setup.wizard.write", lang), button_style="primary")
    ex = Explorer(
        widget=None,
        controls=controls,
        compute=compute,
        outputs={"config": text, "result": result, "write": button},
    )

    def refresh(_: Any = None) -> None:
        values = ex.values()
        toml = setup.config_text(
            corrected(**values),
            Path(values["out"]),
            name=values["name"],
            language=lang,
            grid_m=grid_m,
        )
        text.value = f"<pre>{html.escape(toml)}</pre>"

    def write(_: Any = None) -> None:
        ex.result = compute(**ex.values())
        head = "setup.wizard.check_ok" if ex.result["ok"] else "setup.wizard.check_failed"
        written = "<br>".join(
            html.escape(i18n.t("setup.written", lang, path=ex.result[k]))
            for k in ("config", "categories")
        )
        result.value = (
            f"<p>{written}</p><p><b>{html.escape(i18n.t(head, lang))}</b></p>"
            f"<pre>{html.escape(ex.result['check'])}</pre>"
        )

    for c in controls.values():
        c.observe(refresh, names="value")
    button.on_click(write)
    refresh()
    title = html.escape(i18n.t("setup.wizard.title", lang))
    preview_head = html.escape(i18n.t("setup.wizard.config", lang))
    ex.widget = W.VBox(
        [
            W.HTML(f"<h3>{title}</h3>"),
            *boxes,
            controls["out"],
            controls["name"],
            W.HTML(f"<b>{preview_head}</b>"),
            text,
            button,
            result,
        ]
    )
    return ex
