"""HTML building blocks for the self-contained, offline report ("the brief")."""

from plowshare.report.html import (
    bar_chart,
    fan_chart,
    page,
    section,
    table,
    tile_map,
    write_page,
)

__all__ = ["bar_chart", "fan_chart", "page", "section", "table", "tile_map", "write_page"]
