"""Find the models: every sub-package of ``plowshare.models`` that exports ``SPEC``.

Core never imports a model by name; this module imports them by discovery, so adding
a model is adding one sub-package and nothing else changes.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache

from .contract import ModelSpec
from .errors import InputError, nearest

MODELS_PACKAGE = "plowshare.models"


@cache
def models() -> dict[str, ModelSpec]:
    """name -> spec of every model package, in name order."""
    pkg = importlib.import_module(MODELS_PACKAGE)
    out: dict[str, ModelSpec] = {}
    for info in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda i: i.name):
        if not info.ispkg:
            continue
        mod = importlib.import_module(f"{MODELS_PACKAGE}.{info.name}")
        spec = getattr(mod, "SPEC", None)
        if isinstance(spec, ModelSpec):
            if spec.name != info.name:
                raise RuntimeError(f"{mod.__name__}.SPEC is named {spec.name!r}")
            out[spec.name] = spec
    return out


def get(name: str) -> ModelSpec:
    """One model's spec, or an error naming the nearest model."""
    specs = models()
    if name not in specs:
        raise InputError(
            f"unknown model '{name}' (known: {', '.join(specs)})",
            key="models",
            suggestion=nearest(name, specs),
        )
    return specs[name]
