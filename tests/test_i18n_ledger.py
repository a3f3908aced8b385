"""Labels exist in both languages; the ledger balances and reads well in both."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from diagnostic_lib import i18n, schema
from diagnostic_lib.ledger import Ledger


def test_every_label_has_french_and_english():
    for key, (fr, en) in i18n.LABELS.items():
        assert fr.strip() and en.strip(), key
        # the same placeholders in both languages
        assert set(re.findall(r"{(\w+)}", fr)) == set(re.findall(r"{(\w+)}", en)), key


@pytest.mark.parametrize(
    ("prefix", "codes"),
    [
        ("family", schema.FAMILIES),
        ("pillar", schema.PILLARS),
        ("shift", schema.SHIFTS),
        ("precision", schema.PRECISIONS),
        ("footprint", schema.FOOTPRINTS),
        ("kind", schema.MEASURE_KINDS),
        ("concern", schema.CONCERNS),
        ("table", (*schema.TABLES, "places")),
    ],
)
def test_every_code_has_a_label(prefix, codes):
    for c in codes:
        assert f"{prefix}.{c}" in i18n.LABELS, f"{prefix}.{c}"


def test_ledger_refuses_reasons_without_labels():
    with pytest.raises(ValueError, match="reason"):
        Ledger().add("t", "f", rows=[1], column=None, reason="made_up", action="flagged")


def test_unknown_language_is_refused():
    with pytest.raises(ValueError, match="language"):
        i18n.t("family.property", "de")


def test_ledger_balances_and_counts_unique_rows():
    led = Ledger()
    led.register("incidents", "f.csv", rows_in=10)
    led.add(
        "incidents",
        "f.csv",
        rows=[2, 3],
        column="date",
        reason="date_unparseable",
        action="rejected",
    )
    led.add(
        "incidents", "f.csv", rows=[3], column="x", reason="position_missing", action="rejected"
    )
    led.add(
        "incidents",
        "f.csv",
        rows=[4, 5, 6],
        column="x",
        reason="position_missing",
        action="flagged",
    )
    led.add(
        "incidents", "f.csv", rows=[6], column="sector", reason="sector_unknown", action="flagged"
    )
    f = led.files.iloc[0]
    assert (f.rows_in, f.rows_kept, f.rows_rejected, f.rows_flagged) == (10, 8, 2, 3)
    assert led.is_balanced()
    c = led.counts().set_index(["reason", "action"])["count"]
    assert c[("position_missing", "flagged")] == 3


def test_ledger_entry_for_an_unregistered_file_unbalances():
    led = Ledger()
    led.register("incidents", "f.csv", rows_in=1)
    led.add("incidents", "other.csv", rows=[2], column=None, reason="empty_row", action="rejected")
    assert not led.is_balanced()


def test_ledger_rejects_unknown_actions():
    with pytest.raises(ValueError, match="action"):
        Ledger().add("t", "f", rows=[1], column=None, reason="empty_row", action="deleted")


def test_ledger_summary_and_csv(tmp_path):
    led = Ledger()
    led.register("incidents", "dir/f.csv", rows_in=1234)
    led.add(
        "incidents",
        "dir/f.csv",
        rows=np.arange(2, 12),
        column="x",
        reason="position_placeholder",
        action="flagged",
        values=["0;0"] * 10,
    )
    fr = led.summary("fr")
    en = led.summary("en")
    assert "1\u00a0234 lignes lues" in fr and "position fictive" in fr  # CLDR fr_CA group
    assert "1,234 rows read" in en and "placeholder position" in en
    p = led.to_csv(tmp_path / "ledger.csv", lang="fr")
    back = pd.read_csv(p, encoding="utf-8-sig")
    assert len(back) == 10 and set(back["reason_label"]) == {"position fictive (hors carte)"}
    assert back.columns.tolist()[:8] == [
        "table",
        "file",
        "row",
        "column",
        "reason",
        "action",
        "value",
        "detail",
    ]


def test_ledger_extend_keeps_notes():
    a, b = Ledger(), Ledger()
    a.register("sectors", "s", 1)
    b.register("incidents", "i", 2)
    b.note("incidents", "i", "note fr", "note en")
    a.extend(b)
    assert a.files["file"].tolist() == ["s", "i"]
    assert a.notes("en")["note"].tolist() == ["note en"]
