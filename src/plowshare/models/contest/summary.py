"""What a race run keeps for `plowshare run` (its tables are drawn by the CLI)."""

OUTPUTS = (
    "shares",
    "expected_shares",
    "wins",
    "top_k",
    "above_threshold",
    "curve_win_probability",
    "curve_share",
    "money_proof_margin",
)
