"""The closed list of units a parameter may carry.

Every parameter record names one of these units; the loader refuses any other,
so a typo such as ``"USD/y"`` fails loudly instead of silently meaning nothing.
All money is in constant 2025 US dollars unless the unit says otherwise.
"""

from __future__ import annotations

UNITS: dict[str, str] = {
    "USD": "US dollars (constant 2025 dollars)",
    "USD/yr": "US dollars per year (constant 2025 dollars)",
    "USD/person/yr": "US dollars per person per year (constant 2025 dollars)",
    "USD/GW": "US dollars per gigawatt of capacity (constant 2025 dollars)",
    "fraction": "a share between 0 and 1",
    "1/yr": "a rate per year, as a fraction (0.03 = 3 % a year)",
    "x/yr": "a growth factor per year (4.5 = times 4.5 each year)",
    "persons": "a count of people",
    "year": "a calendar year (fractional years allowed where a date matters)",
    "years": "a duration in years",
    "weeks": "a duration in weeks",
    "flag": "a switch: 0 = off, 1 = on",
    "ratio": "a dimensionless ratio (may exceed 1)",
    "semi-elasticity": "proportional change of a base per unit change of a rate",
    "GW": "gigawatts",
    "GW/yr": "gigawatts per year",
    "FLOP": "floating-point operations",
    "FLOP/s/W": "floating-point operations per second per watt of facility power",
    "days": "a duration in days",
    "OOM": "orders of magnitude (base-10 logarithm)",
}
UNITS.update(
    {
        "choice": "one of a lever's named options (a category lever)",
        "states": "a set of US states, or a rate per state (a states lever)",
    }
)
