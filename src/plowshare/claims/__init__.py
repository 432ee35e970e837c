"""The essay's checkable claims and the ledger that tests them on model runs."""
