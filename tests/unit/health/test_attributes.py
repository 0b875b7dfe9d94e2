"""Custom account attributes as measures: numeric, categorical (one-hot) and bad input."""

from __future__ import annotations

import math

import pandas as pd

from retain.core.health import attributes as at


def test_numeric_and_categorical_attributes() -> None:
    raw = [
        '{"employees": 120, "crm": "HubSpot", "Data Region": "eu", "beta": true}',
        '{"employees": 40.5, "crm": "HubSpot", "Data Region": "us"}',
        {"crm": "HubSpot", "Data Region": "eu", "beta": False},
        "not json",
        None,
    ]
    attrs = at.extract([1, 2, 3, 4, 5], raw)
    assert attrs.numeric == ("attr_beta", "attr_employees")
    # a value needs MIN_CATEGORY_ROWS accounts for a column of its own
    assert dict(attrs.categorical) == {"attr_crm": ("HubSpot",), "attr_data_region": ()}
    assert attrs.features == ("attr_beta", "attr_employees", "attr_crm=HubSpot")
    frame = attrs.frame.set_index("account_id")
    assert frame.loc[1, "attr_employees"] == 120.0
    assert frame.loc[1, "attr_beta"] == 1.0
    assert frame.loc[3, "attr_beta"] == 0.0
    assert math.isnan(frame.loc[4, "attr_employees"])
    assert frame.loc[2, "attr_data_region"] == "us"


def test_mixed_values_make_an_attribute_categorical() -> None:
    attrs = at.extract([1, 2], ['{"tier": 3}', '{"tier": "gold"}'])
    assert attrs.numeric == ()
    assert list(attrs.frame["attr_tier"]) == ["3", "gold"]


def test_encode_joins_by_account_and_one_hot_keeps_missing_as_missing() -> None:
    attrs = at.extract([1, 2, 3, 4], ['{"crm": "a"}'] * 3 + ["{}"])
    rows = pd.DataFrame({"account_id": [4, 1, 1, 9], "at": [1, 1, 2, 1]})
    out = at.encode(rows, attrs)
    assert list(out["attr_crm"].fillna("-")) == ["-", "a", "a", "-"]
    assert list(out["attr_crm=a"].fillna(-1)) == [-1, 1.0, 1.0, -1]
    assert len(out) == len(rows)
