"""The public fund: need, revenue instruments, balance and spending rules."""

from plowshare.models.fund.model import run

__all__ = ["run"]
