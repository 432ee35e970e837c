"""Wire the models together in dependency order and run them over all draws.

Each model declares which of its arguments an upstream model may feed
(``upstream``: argument → (model, output)). The pipeline runs the models present
in dependency order; an argument whose upstream model is absent is left out, and
the model falls back on its own placeholder path (e.g. the fund's parametric
displacement until the labour model exists).

Draws are processed in chunks of ``chunk_size`` so memory stays bounded; models are
elementwise across draws, so results do not depend on the chunking.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from plowshare.models import compute, energy, fund, futures, investment, labor, siting
from plowshare.models.fund.revenue import INSTRUMENTS

from .errors import InputError
from .params import Registry
from .sampling import Correlation, Method, sample

Array = NDArray[np.float64]
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class KeyOutput:
    """An output worth a row in the summary table."""

    name: str
    label: str
    scale: float = 1.0  # divide by this for display
    unit: str = ""
    share: bool = False  # a 0/1 indicator: show the share of draws, not a band


@dataclass(frozen=True)
class Upstream:
    """An argument fed by another model's output; ``required`` pulls that model in."""

    model: str
    output: str
    required: bool = False


@dataclass(frozen=True)
class ModelSpec:
    name: str
    run: Callable[..., dict[str, Array]]
    upstream: dict[str, Upstream] = field(default_factory=dict)
    # full dimensions of outputs that are not (draw,) or (draw, year)
    dims: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # labels of extra dimensions, or a callable giving them (for labels read from data)
    coords: dict[str, Sequence[str] | Callable[[], Sequence[str]]] = field(default_factory=dict)
    key_outputs: tuple[KeyOutput, ...] = ()

    def labels(self, dim: str) -> list[str]:
        c = self.coords[dim]
        return list(c() if callable(c) else c)


MODELS: dict[str, ModelSpec] = {
    "investment": ModelSpec(
        "investment",
        investment.run,
        dims={"new_capacity_gw_by_site": ("draw", "year", "site")},
        coords={"site": investment.SITES},
        key_outputs=(
            KeyOutput("ai_capex_usd", "AI data-centre capex", 1e9, "$bn/yr"),
            KeyOutput("new_capacity_gw", "New AI capacity", 1.0, "GW/yr"),
        ),
    ),
    "siting": ModelSpec(
        "siting",
        siting.run,
        upstream={
            "new_capacity_gw_by_site": Upstream("investment", "new_capacity_gw_by_site", True),
            "cost_per_gw_usd": Upstream("investment", "cost_per_gw_usd", True),
        },
        dims={
            "built_gw_by_site": ("draw", "year", "site54"),
            "built_gw_by_region": ("draw", "year", "site"),
            "relocated_gw_by_destination": ("draw", "year", "destination"),
            "mandate_by_state": ("draw", "year", "state"),
        },
        coords={
            "site54": lambda: siting.data.site_data().sites,
            "site": investment.SITES,
            "destination": siting.DESTINATIONS,
            "state": lambda: siting.data.site_data().sites[:51],
        },
        key_outputs=(
            KeyOutput("blocked_gw", "Blocked by moratoria", 1.0, "GW/yr"),
            KeyOutput("relocated_gw_by_destination", "Relocated (all destinations)", 1.0, "GW/yr"),
            KeyOutput("lost_gw", "Never built", 1.0, "GW/yr"),
        ),
    ),
    "compute": ModelSpec(
        "compute",
        compute.run,
        upstream={
            # US and Gulf capacity come from the siting model's allocation
            "new_capacity_gw_by_site": Upstream("siting", "built_gw_by_region", True),
        },
        dims={
            **{
                k: ("draw", "year", "site")
                for k in ("built_gw_by_site", "installed_gw_by_site", "installed_flops_by_site")
            },
            **{
                k: ("draw", "year", "bloc")
                for k in ("largest_run_flop_by_bloc", "effective_compute_oom_by_bloc")
            },
            "rsi_year_by_bloc": ("draw", "bloc"),
            "tai_year_by_bloc": ("draw", "bloc"),
        },
        coords={"site": investment.SITES, "bloc": compute.BLOCS},
        key_outputs=(
            KeyOutput("installed_gw_by_site", "Installed AI capacity (all sites)", 1.0, "GW"),
            KeyOutput("us_lead_oom", "US lead in effective compute", 1.0, "OOM"),
            KeyOutput("prc_ahead", "PRC labs ahead of US labs", 0.01, "% of draws", share=True),
        ),
    ),
    "energy": ModelSpec(
        "energy",
        energy.run,
        upstream={
            "built_gw_by_site": Upstream("siting", "built_gw_by_site", True),
            "installed_gw_by_site": Upstream("compute", "installed_gw_by_site", True),
            "mandate_by_state": Upstream("siting", "mandate_by_state", True),
        },
        dims={
            **{
                k: ("draw", "year", "site54")
                for k in (
                    "installed_gw_by_site",
                    "electricity_twh_by_site",
                    "co2_mt_by_site",
                    "water_bn_litres_by_site",
                )
            },
            "bill_change_pct_by_state": ("draw", "year", "state"),
            "bill_change_usd_per_month_by_state": ("draw", "year", "state"),
        },
        coords={
            "site54": lambda: siting.data.site_data().sites,
            "state": lambda: siting.data.site_data().sites[:51],
        },
        key_outputs=(
            KeyOutput("electricity_twh_us", "US AI data-centre electricity", 1.0, "TWh"),
            KeyOutput("co2_mt_us", "US AI data-centre CO2", 1.0, "Mt"),
            KeyOutput("water_direct_bn_gallons_us", "Direct water (US)", 1.0, "bn gal"),
            KeyOutput(
                "bill_change_usd_per_month_us", "Household bill change (US avg)", 1.0, "$/month"
            ),
        ),
    ),
    "futures": ModelSpec(
        "futures",
        futures.run,
        upstream={
            "rsi_year": Upstream("compute", "rsi_year", True),
            "us_lead_oom": Upstream("compute", "us_lead_oom", True),
        },
        dims={
            "outcome_probability": ("draw", "outcome"),
            "outcome_probability_by_admin": ("draw", "admin", "outcome"),
            "admin_probability": ("draw", "admin"),
        },
        coords={"outcome": futures.OUTCOMES, "admin": futures.ADMINS},
    ),
    "labor": ModelSpec(
        "labor",
        labor.run,
        upstream={"tai_year": Upstream("compute", "tai_year", True)},
        dims={
            "displaced_by_group": ("draw", "year", "occupation_group"),
            "displaced_by_state": ("draw", "year", "state"),
        },
        coords={  # callables: the tables are read only when a labour result is built
            "occupation_group": lambda: labor.data.group_data().groups,
            "state": lambda: labor.data.group_data().states,
        },
        key_outputs=(
            KeyOutput("displaced_workers", "Displaced workers (labour model)", 1e6, "million"),
            KeyOutput("knowledge_work_automated_share", "Knowledge work automated", 0.01, "%"),
            KeyOutput("lost_wage_bill_usd", "Lost wage bill", 1e9, "$bn/yr"),
        ),
    ),
    "fund": ModelSpec(
        "fund",
        fund.run,
        upstream={
            "displaced_workers": Upstream("labor", "displaced_workers"),
            "compute_spending_usd": Upstream("investment", "us_compute_spending_usd", True),
            "state_revenue_usd": Upstream("siting", "state_revenue_usd"),
        },
        dims={"revenue_by_instrument_usd": ("draw", "year", "instrument")},
        coords={"instrument": INSTRUMENTS},
        key_outputs=(
            KeyOutput("displaced_workers", "Displaced workers", 1e6, "million"),
            KeyOutput("need_usd", "Need", 1e9, "$bn/yr"),
            KeyOutput("revenue_usd", "Revenue", 1e9, "$bn/yr"),
            KeyOutput("payout_usd", "Payouts", 1e9, "$bn/yr"),
            KeyOutput("coverage", "Coverage of need", 0.01, "%"),
            KeyOutput("balance_usd", "Fund balance", 1e9, "$bn"),
            KeyOutput("transfer_usd", "Global South transfers", 1e9, "$bn/yr"),
        ),
    ),
}


def with_requirements(models: Sequence[str]) -> list[str]:
    """The given models plus every model they require upstream, transitively."""
    out = list(dict.fromkeys(models))
    for m in out:  # grows while iterating: a breadth-first closure
        if m not in MODELS:
            raise InputError(f"unknown model '{m}' (known: {', '.join(MODELS)})", key="models")
        out += [u.model for u in MODELS[m].upstream.values() if u.required and u.model not in out]
    return out


def order(models: Sequence[str]) -> list[str]:
    """Models and their requirements in dependency order (upstream first); refuses cycles."""
    done: list[str] = []
    pending = with_requirements(models)
    while pending:
        ready = [
            m for m in pending if all(u.model not in pending for u in MODELS[m].upstream.values())
        ]
        if not ready:
            raise InputError(f"models depend on each other in a cycle: {pending}", key="models")
        done.extend(ready)
        pending = [m for m in pending if m not in ready]
    return done


def run_models(
    params: dict[str, Array], years: Array, models: Sequence[str]
) -> dict[str, dict[str, Array]]:
    """Run each model once over the given draws; returns model → output → array."""
    out: dict[str, dict[str, Array]] = {}
    for name in order(models):
        spec = MODELS[name]
        kwargs = {arg: out[u.model][u.output] for arg, u in spec.upstream.items() if u.model in out}
        mp = {k: v for k, v in params.items() if k.split(".", 1)[0] == name}
        out[name] = spec.run(mp, years, **kwargs)
    return out


def run_chunked(
    params: dict[str, Array],
    years: Array,
    models: Sequence[str],
    chunk_size: int,
    progress: Progress | None = None,
    keep: Collection[str] | None = None,
    keep_years: Sequence[int] | None = None,
) -> dict[str, dict[str, Array]]:
    """Run in chunks of draws into preallocated arrays; identical to one big run.

    Each chunk's outputs are copied into arrays sized for all draws, so peak memory is
    the full result plus one chunk (not two full copies, as concatenation would need).
    ``keep`` (dotted ``model.output`` names) drops every other output as each chunk
    finishes, and ``keep_years`` (indices into ``years``) keeps only those years of
    every output with a year axis, so a million-draw run can keep just what it reports.
    """
    n = len(next(iter(params.values())))
    starts = range(0, n, chunk_size)
    out: dict[str, dict[str, Array]] = {}
    for i, s in enumerate(starts):
        chunk = {k: v[s : s + chunk_size] for k, v in params.items()}
        part = run_models(chunk, years, models)
        if keep is not None:
            part = {
                m: {o: a for o, a in outs.items() if f"{m}.{o}" in keep} for m, outs in part.items()
            }
        if keep_years is not None:
            part = {
                m: {o: a[:, keep_years] if has_year(m, o, a) else a for o, a in outs.items()}
                for m, outs in part.items()
            }
        if progress:
            progress(i + 1, len(starts))
        if len(starts) == 1:
            return part
        for m, outs in part.items():
            dest = out.setdefault(m, {})
            for o, arr in outs.items():
                if o not in dest:
                    dest[o] = np.empty((n, *arr.shape[1:]), dtype=arr.dtype)
                dest[o][s : s + len(arr)] = arr
    return out


def has_year(model: str, output: str, arr: Array) -> bool:
    """Does this output have a year axis (always the second)?"""
    dims = MODELS[model].dims.get(output, ("draw", "year")[: arr.ndim])
    return len(dims) > 1 and dims[1] == "year"


def draw_params(
    registry: Registry,
    models: Sequence[str],
    draws: int,
    seed: int,
    method: Method = "lhs",
    correlations: Sequence[Correlation] = (),
    file: str | None = None,
) -> dict[str, Array]:
    """Sample the parameters of the given models."""
    plist = [p for p in registry if p.model in models]
    return sample(plist, draws, seed, method, correlations, file=file)
