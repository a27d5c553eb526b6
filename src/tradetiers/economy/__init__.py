"""Pure, vectorised economy functions ``(arrays, params, rng) -> arrays``; no Mesa needed."""
