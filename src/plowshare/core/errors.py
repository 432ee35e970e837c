"""One error type for every bad input, rendered as one line.

Bad input never produces a traceback: the CLI catches :class:`InputError` and
prints ``file: key: what was expected (did you mean 'x'?)`` with exit code 2.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterable


def nearest(name: str, candidates: Iterable[str]) -> str | None:
    """Return the valid name closest to ``name``, or None when nothing is close."""
    cands = list(candidates)
    hits = difflib.get_close_matches(name, cands, n=1, cutoff=0.5)
    if hits:
        return hits[0]
    # fall back on the last dotted part, so 'fund.compute_tax' finds 'fund.compute_tax_rate'
    tail = name.rsplit(".", 1)[-1]
    hits = [c for c in cands if tail and tail in c]
    return hits[0] if hits else None


def show(v: object, limit: int = 60) -> str:
    """``repr(v)`` cut to one bounded line; a huge integer is described, never converted
    (``str`` of a 5,000-digit int raises, and a long value would swamp the message)."""
    if isinstance(v, int) and not isinstance(v, bool) and v.bit_length() > 64:
        return f"an integer of {v.bit_length()} bits"
    try:
        r = repr(v)
    except (ValueError, RecursionError):  # e.g. a huge int nested in a list
        r = f"a {type(v).__name__}"
    r = " ".join(r.split())
    return r if len(r) <= limit else r[: limit - 1] + "…"


def finite_number(v: object, *, file: str | None, key: str) -> float:
    """``v`` as a finite float; a bool, a string, NaN, ±inf or an integer too large for a
    float is an :class:`InputError` naming the key."""
    if isinstance(v, bool) or not isinstance(v, int | float):
        raise InputError(f"a number expected, got {show(v)}", file=file, key=key)
    try:
        x = float(v)
    except OverflowError:
        x = math.inf
    if not math.isfinite(x):
        raise InputError(f"a finite number expected, got {show(v)}", file=file, key=key)
    return x


class InputError(ValueError):
    """A problem with something the user gave us (file, key, value)."""

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        key: str | None = None,
        suggestion: str | None = None,
    ) -> None:
        self.file = file
        self.key = key
        self.message = message
        self.suggestion = suggestion
        super().__init__(self.one_line())

    def one_line(self) -> str:
        parts = [p for p in (self.file, self.key) if p]
        head = ": ".join(parts)
        text = f"{head}: {self.message}" if head else self.message
        if self.suggestion:
            text += f" (did you mean '{self.suggestion}'?)"
        return " ".join(text.split())


def unknown_key(kind: str, key: str, valid: Iterable[str], *, file: str | None) -> InputError:
    """Build the error for a key that is not one of ``valid``."""
    valid = sorted(valid)
    return InputError(f"unknown {kind} '{key}'", file=file, key=key, suggestion=nearest(key, valid))


class NotFoundError(InputError):
    """A name or path that leads to no file (so the caller can say where it was written)."""
