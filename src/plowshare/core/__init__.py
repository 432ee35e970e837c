"""Core: contract, registry, dims, parameters, sampling, scenarios; imports nothing else of plowshare."""
