"""The schema of a declarative diagram, ``content/diagrams/NAME.yaml``: boxes and arrows as data.

Many course figures are boxes and arrows: encoder -> code -> decoder, a GAN loop, a gated
cell. An author declares the nodes (with labels; ``$math$`` allowed), the edges, optional
groups and a direction; ``diagrams/declarative.py`` lays them out and draws them in the
style of the built-in figures. Like the rest of the content this is plain data: strict,
and every mistake is reported with ``path:line``.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, Field, model_validator

from .model import Text, _Strict

NodeId = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_-]*$", max_length=40)]
Color = Literal["ink", "red", "blue", "green", "orange"]
Fill = Literal["layer", "gate", "data", "state", "loss", "noise", "op"]


def _short_label(value: str) -> str:
    if len(value) > 120 or value.count("\n") > 3:
        raise ValueError("labels are short: at most 120 characters on 4 lines")
    return value


Label = Annotated[Text, AfterValidator(_short_label)]


class DiagramNode(_Strict):
    """A shape with a label. ``at`` pins it to (step along the direction, lane across it).

    Shapes: ``box``; ``circle``; ``vector`` (a column of ``cells``, labelled above); ``funnel`` (a
    trapezoid whose ends match its neighbours: an encoder narrows, a decoder widens; direction
    ``right`` only); ``text`` (the label alone, e.g. a formula).
    """

    id: NodeId
    label: Label
    shape: Literal["box", "circle", "vector", "funnel", "text"] = "box"
    fill: Fill = "layer"
    color: Color = "ink"
    dashed: bool = False
    cells: int = Field(default=4, ge=1, le=12)  # a vector's components as drawn
    note: Label | None = None  # a small caption beside the shape, e.g. "(bottleneck)"
    at: list[float] | None = Field(default=None, min_length=2, max_length=2)

    @model_validator(mode="after")
    def _at_in_range(self) -> "DiagramNode":
        if self.at is not None and not all(-20 <= v <= 20 for v in self.at):
            raise ValueError("'at' is (step, lane), each between -20 and 20")
        return self


class DiagramEdge(_Strict):
    """An arrow from one node to another, straight or at a right angle (``across-first``: leave the node
    across the direction, then turn along it; ``along-first``: the other way round)."""

    source: NodeId = Field(alias="from")
    to: NodeId
    label: Label | None = None
    color: Color = "ink"
    dashed: bool = False
    route: Literal["straight", "across-first", "along-first"] = "straight"


class DiagramGroup(_Strict):
    """A dashed frame around some nodes, with an optional caption."""

    nodes: list[NodeId] = Field(min_length=1)
    label: Label | None = None


class Diagram(_Strict):
    """One diagram file. ``title`` is its plain-text description (screen readers, the terminal)."""

    title: Text = Field(max_length=400)
    direction: Literal["right", "down"] = "right"
    nodes: list[DiagramNode] = Field(min_length=1, max_length=40)
    edges: list[DiagramEdge] = Field(default_factory=list, max_length=80)
    groups: list[DiagramGroup] = Field(default_factory=list, max_length=10)
