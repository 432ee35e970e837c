"""Worked questions from the essay, each a set of policies compared on several objectives.

Output names follow the models' ``outputs.toml``; an objective whose output a model no
longer has is left out with a note (:func:`objectives_of`), so a question keeps working
while models are rewritten.
"""

from __future__ import annotations

from dataclasses import dataclass

from plowshare.core.errors import InputError, nearest

from .robust import Objective


@dataclass(frozen=True)
class Question:
    name: str
    text: str
    policies: tuple[str, ...]
    objectives: tuple[str, ...]


QUESTIONS = {
    q.name: q
    for q in (
        Question(
            "blue-state-alternatives",
            "In the Democratic trifectas: a moratorium on new data centres, or clean-energy "
            "mandates with permitting reform, a safety-compute requirement, permits for public "
            "equity, or a compute tax — which is robust across what we do not know, on the "
            "delay of automated AI R&D (later is better here), CO2, household bills and "
            "public revenue?",
            (
                "moratorium-blue-states",
                "mandate-blue-states",
                "safety-compute-blue-states",
                "equity-permits-blue-states",
                "compute-tax-blue-states",
            ),
            (
                "compute.rsi_year:max",
                "energy.co2_mt_us@2035:min",
                "energy.bill_change_usd_per_month_us@2035:min",
                "siting.state_revenue_usd_cumulative@2040:max",
            ),
        ),
    )
}


def question(name: str) -> Question:
    if name not in QUESTIONS:
        raise InputError(
            f"one of {', '.join(QUESTIONS)} expected",
            key="--question",
            suggestion=nearest(name, sorted(QUESTIONS)),
        )
    return QUESTIONS[name]


def objectives_of(q: Question) -> tuple[list[Objective], list[str]]:
    """The question's objectives whose outputs exist now, and notes on those left out."""
    kept, notes = [], []
    for text in q.objectives:
        try:
            kept.append(Objective.parse(text))
        except InputError as e:
            notes.append(f"left out {text}: {e.one_line()}")
    return kept, notes
