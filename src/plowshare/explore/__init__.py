"""Exploration above the engine: scenario discovery (PRIM, CART), robust comparison of
policies across draws (regret, dominance) and Sobol' indices as a check on RBD-FAST.

Everything here takes results of :func:`plowshare.engine.api.run` (or plain arrays) and
never names a model; the CLI (``plowshare discover``, ``robust``, ``sobol``) wires it to
scenarios and claims."""
