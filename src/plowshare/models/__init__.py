"""The models, one sub-package each, each exporting ``SPEC`` (see ``core.contract``)."""
