"""Electricity, emissions, water and household bills of AI data centres."""

from plowshare.models.energy.model import run

__all__ = ["run"]
