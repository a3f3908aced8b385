"""The one table of tunables: defaults, validation of ``[parameters]``, and its copy in the docs."""

from __future__ import annotations

from pathlib import Path

import pytest

from diagnostic_lib import ConfigError, settings
from diagnostic_lib.config import config_from_dict

ROOT = Path(__file__).resolve().parents[1]


def test_every_tunable_has_a_documented_default_of_its_type():
    for t in settings.TUNABLES.values():
        assert t.doc.strip(), t.name
        assert isinstance(t.default, t.kind), t.name
        assert settings.validate({t.name: t.default})[t.name] == t.default


def test_defaults_are_copies():
    w = settings.default("priority_weights")
    w["rate"] = 99.0
    assert settings.default("priority_weights")["rate"] == 0.25


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"buffer_width_m": 250}, "unknown key 'buffer_width_m' (did you mean 'buffer_m'"),
        ({"window_months": 0}, "window_months must be at least 1, got 0"),
        ({"window_months": 1.5}, "window_months must be a whole number"),
        ({"window_months": "12"}, "window_months must be a whole number, got '12'"),
        ({"alpha": True}, "alpha must be a number, got True"),
        ({"outside": "drop"}, "outside must be one of ['reject', 'flag']"),
        ({"priority_weights": 0.5}, "priority_weights must be a table"),
        ({"priority_weights": {"speed": 1.0}}, "unknown key 'speed'"),
        ({"priority_weights": {"rate": -1}}, "priority_weights.rate must be at least 0"),
    ],
)
def test_bad_parameters_are_clear_config_errors(params, message):
    with pytest.raises(ConfigError) as err:
        config_from_dict({"parameters": params}, Path("diagnostic.toml"))
    assert "diagnostic.toml" in str(err.value) and "[parameters]" in str(err.value)
    assert message in str(err.value)


def test_partial_dictionary_keeps_the_other_defaults():
    cfg = config_from_dict({"parameters": {"priority_weights": {"rate": 0.5}, "window_months": 18}})
    assert cfg.param("priority_weights")["rate"] == 0.5
    assert cfg.param("priority_weights")["severity"] == 0.25
    assert cfg.param("window_months") == 18
    assert cfg.param("grid_cell_m") == settings.default("grid_cell_m")


def test_an_unknown_parameter_name_in_code_is_an_error():
    with pytest.raises(KeyError):
        config_from_dict({}).param("no_such_tunable")


def test_the_methods_document_lists_every_tunable():
    text = (ROOT / "docs" / "methods.md").read_text(encoding="utf-8")
    assert settings.markdown_table() in text, (
        "docs/methods.md is out of date: run `python -m diagnostic_lib.settings docs/methods.md`"
    )
