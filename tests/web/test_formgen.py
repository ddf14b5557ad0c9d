"""The form generator maps the engine's widget kinds, not field types, to WTForms."""

from __future__ import annotations

from typing import get_args

from mentorflow.engine.definition.fields import WidgetKind
from mentorflow.web.formgen import _WTFORMS


def test_every_widget_kind_has_one_wtforms_field() -> None:
    assert set(_WTFORMS) == set(get_args(WidgetKind))
