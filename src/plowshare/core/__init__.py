"""Core machinery: parameters, sampling, scenarios, pipeline and results."""
