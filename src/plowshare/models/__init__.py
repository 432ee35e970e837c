"""The models, one sub-package each, wired together by :mod:`plowshare.core.pipeline`."""
