"""Write a curriculum as readable YAML: schema key order, unicode kept, block style."""

from __future__ import annotations

from typing import Any

import yaml

from bot.curriculum.models import Curriculum


class _IndentedDumper(yaml.SafeDumper):
    """Indents list items under their key, which reads far better in a long file."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


class _Inline(dict[str, Any]):
    """A small mapping written on one line: `hours: {min: 5, max: 6}`."""


def _represent_inline(dumper: yaml.SafeDumper, data: _Inline) -> yaml.Node:
    return dumper.represent_mapping("tag:yaml.org,2002:map", data.items(), flow_style=True)


_IndentedDumper.add_representer(_Inline, _represent_inline)


def _tidy(value: Any) -> Any:
    # Hours are floats in the schema; "10" reads better than "10.0" in a hand-edited file.
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        tidy = {key: _tidy(item) for key, item in value.items()}
        return _Inline(tidy) if set(tidy) == {"min", "max"} else tidy
    if isinstance(value, list):
        return [_tidy(item) for item in value]
    return value


def curriculum_to_data(curriculum: Curriculum) -> dict[str, Any]:
    """The curriculum as plain data, leaving out fields that hold their default."""
    data: dict[str, Any] = _tidy(curriculum.model_dump(mode="json", exclude_defaults=True))
    for month in data["months"]:
        for week in month["weeks"]:
            week["blocks"] = [_with_hours(block) for block in week["blocks"]]
    return data


def _with_hours(block: dict[str, Any]) -> dict[str, Any]:
    """Say `hours: null` out loud: a block without hours is a decision, not an omission."""
    if "hours" in block:
        return block
    out: dict[str, Any] = {}
    for key, value in block.items():
        out[key] = value
        if key == "concept":
            out["hours"] = None
    out.setdefault("hours", None)
    return out


def curriculum_to_yaml(curriculum: Curriculum) -> str:
    return yaml.dump(
        curriculum_to_data(curriculum),
        Dumper=_IndentedDumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=100,
    )
