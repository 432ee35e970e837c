"""Core: contract, registry, dims, parameters, sampling, scenarios (imports no other layer)."""
