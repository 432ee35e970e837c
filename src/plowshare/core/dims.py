"""One source for the shared dimensions: states, regions, sites, and the named state groups.

Every model that has a state, region or site axis uses these labels in this order; the
results layer refuses two different coordinate sets for one dimension name. Dimensions
that belong to one model only (``instrument``, ``occupation_group``, ``candidate``, …) are
declared by that model's spec.
"""

from __future__ import annotations

from functools import cache

import numpy as np
from numpy.typing import NDArray

from .data import load_table
from .errors import InputError, nearest, show

# the 50 states and DC by USPS code, sorted (the order of every state axis)
STATES: tuple[str, ...] = (
    "AK", "AL", "AR", "AZ", "CA", "CO", "CT", "DC", "DE", "FL", "GA", "HI", "IA", "ID", "IL",
    "IN", "KS", "KY", "LA", "MA", "MD", "ME", "MI", "MN", "MO", "MS", "MT", "NC", "ND", "NE",
    "NH", "NJ", "NM", "NV", "NY", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT",
    "VA", "VT", "WA", "WI", "WV", "WY",
)  # fmt: skip
INTERNATIONAL: tuple[str, ...] = ("GULF", "CHINA", "OTHER")
SITES: tuple[str, ...] = STATES + INTERNATIONAL  # 54: where a data centre can be built
REGIONS: tuple[str, ...] = ("US", "Gulf", "China", "Other")  # the investment model's four blocs
DESTINATIONS: tuple[str, ...] = ("other US states", "Gulf", "abroad")  # where relocated GW go
BLOCS: tuple[str, ...] = ("US", "PRC")  # whose labs

SHARED: dict[str, tuple[str, ...]] = {
    "state": STATES,
    "site": SITES,
    "region": REGIONS,
    "destination": DESTINATIONS,
    "bloc": BLOCS,
}

# named groups a `states` lever accepts instead of a list of codes
GROUP_DESCRIPTIONS: dict[str, str] = {
    "none": "no state",
    "bill-states-2026": "the 13 states where a data-centre moratorium bill was filed in 2026",
    "democratic-trifectas": "the states with a Democratic governor and legislature (2026)",
    "all": "all 50 states and DC",
}


@cache
def state_groups() -> dict[str, tuple[str, ...]]:
    """Named groups of states, from the shipped sites table (bills filed, trifectas)."""
    t = load_table("sites")
    t = t[t["kind"] == "state"].set_index("site").reindex(list(STATES))
    if t.index.isna().any() or len(t) != len(STATES):
        raise RuntimeError("data/sites.csv does not list exactly the 51 states")  # pragma: no cover
    bills = t["state_moratorium_bills_2026"].fillna(0).astype(float) > 0
    dem = t["trifecta"].astype(str) == "D"
    return {
        "none": (),
        "bill-states-2026": tuple(s for s in STATES if bills[s]),
        "democratic-trifectas": tuple(s for s in STATES if dem[s]),
        "all": STATES,
    }


def suggest(code: str) -> str | None:
    """The nearest state code (same first letter first) or group name."""
    if len(code) == 2:
        c = code.upper()
        return nearest(c, [s for s in STATES if s[0] == c[0]]) or nearest(c, STATES)
    return nearest(code, [*state_groups(), *STATES])


def state_vector(value: object, *, rates: bool, file: str | None, key: str) -> NDArray[np.float64]:
    """A `states` lever's value as a (51,) weight vector over :data:`STATES`.

    Accepts a list of state codes or group names (weight 1 each), a group name, or — where
    the lever takes rates — a table ``{VA = 0.02, GA = 0.01}`` (the weight is the rate).
    """
    groups = state_groups()
    out = np.zeros(len(STATES))
    valid = f"state codes ({', '.join(STATES[:3])}, …) or a group ({', '.join(groups)})"

    def add(code: object, w: float) -> None:
        if not isinstance(code, str):
            raise InputError(f"{valid} expected, got {show(code)}", file=file, key=key)
        c = code.strip()
        if c in groups:
            out[[STATES.index(s) for s in groups[c]]] = w
        elif c.upper() in STATES:
            out[STATES.index(c.upper())] = w
        else:
            raise InputError(
                f"unknown state or group {show(code)}; {valid} expected",
                file=file,
                key=key,
                suggestion=suggest(c),
            )

    if isinstance(value, str):
        add(value, 1.0)
    elif isinstance(value, list):
        for v in value:
            add(v, 1.0)
    elif isinstance(value, dict):
        if not rates:
            raise InputError(
                f"a list of {valid} expected (this lever takes no per-state rates)",
                file=file,
                key=key,
            )
        for code, r in value.items():
            if isinstance(r, bool) or not isinstance(r, int | float) or not 0.0 <= r <= 1.0:
                raise InputError(
                    f"a rate in [0, 1] expected for {code}, got {show(r)}",
                    file=file,
                    key=f"{key}.{code}",
                )
            add(code, float(r))
    else:
        raise InputError(f"a list of {valid} expected, got {show(value)}", file=file, key=key)
    return out
