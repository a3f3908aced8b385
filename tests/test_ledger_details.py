"""Every detail the loaders write in the ledger has its words in French and English."""

from __future__ import annotations

import pytest
import shapely

from diagnostic_lib import i18n, ledger_details
from diagnostic_lib.ledger import Ledger

# What the loaders write (collected from the loader, error, date, multi-file, walks, grid,
# population and Montréal tests), one example of each shape.
WRITTEN = [
    "classed as 'other'",
    "ignored",
    "a decimal comma read as a separator: the two fields joined",
    "same as row 1037",
    "Ring Self-intersection[267957.6618 5031715.0768]",
    "Self-intersection[1 2]",
    "Too few points in geometry component[0 0]",
    "first in exports/h1.csv",
    "same id as another row with different content",
    "generated from the row number",
    "expected 10 fields separated by ';'",
    "the id is used as name",
    "kept; add it to the partners file",
    "allowed: rapprochement, partenariat, resolution, prevention",
    "kept without a position",
    "within 50 m of the municipality",
    "a quote opened on this line does not close; later lines read on their own",
    "position is in sector S-12",
    "measure not evaluated until mapped: add it to [taxonomy.aliases]",
    "default reach used",
    "default ring width used",
    "weight set to 1",
    "expected 1 to 3",
    "expected 1 to 5",
    "inferred from the data",
    "footprint set to none",
    "treated as unknown",
    "end of range ignored",
    "not a point: its representative point is used",
]


@pytest.mark.parametrize("detail", WRITTEN)
def test_each_detail_is_recognised_and_keeps_the_datas_words(detail):
    found = ledger_details.detail_key(detail)
    assert found is not None, detail
    key, words = found
    assert key in i18n.LABELS
    fr = ledger_details.detail_words(detail, "fr")
    assert fr != detail and fr.strip() == fr
    for w in words.values():  # row numbers, files, sectors, values are the data's own
        assert w in fr


def test_geos_reasons_are_the_ones_shapely_writes():
    bow = shapely.Polygon([(0, 0), (2, 2), (2, 0), (0, 2), (0, 0)])
    reason = shapely.is_valid_reason(bow)
    assert ledger_details.detail_key(reason) is not None, reason


def test_an_unknown_detail_is_left_as_written_and_english_is_unchanged():
    assert ledger_details.detail_words("rare text", "fr") == "rare text"
    assert ledger_details.detail_words("same as row 3", "en") == "same as row 3"
    assert ledger_details.detail_words("", "fr") == ""


def test_the_loaders_details_on_messy_inputs_are_all_recognised(tmp_path):
    """Incidents with every kind of trouble a loader writes a detail for."""
    from diagnostic_lib import loaders

    text = (
        "id,date,category,x,y,shift\n"
        "a,2024-05-01,Méfait,300000,5040000,soir\n"
        "a,2024-05-01,Méfait,300000,5040000,soir\n"  # same id, same content
        ",2024-05-02,Bizarre,300000,5040000,jour\n"  # no id, unknown category
        ',2024-05-03,"Vol,300000,5040000,jour\n'  # unbalanced quote
        "b,2024-05-04,Vol,300000\n"  # too few fields
    )
    p = tmp_path / "inc.csv"
    p.write_text(text, encoding="utf-8")
    _, led = loaders.load_incidents(p, crs="EPSG:32188", now="2025-01-01")
    details = [d for d in led.entries["detail"].dropna().unique() if d]
    assert details  # the inputs do give details
    unknown = [d for d in details if ledger_details.detail_key(d) is None]
    assert not unknown


def test_the_report_and_the_csv_write_the_details_in_their_language(tmp_path):
    led = Ledger()
    led.register("incidents", "a.csv", 3)
    led.add("incidents", "a.csv", [2, 3], "sector", "sector_mismatch", "flagged",
            ["S1", "S2"], ["position is in sector S3", "position is in sector S4"])  # fmt: skip
    out = led.to_csv(tmp_path / "ledger.csv", lang="fr").read_text(encoding="utf-8-sig")
    assert "la position est dans le secteur S3" in out and "position is in" not in out
