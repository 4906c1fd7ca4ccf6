"""Stage 1, the request: parse with positions, validate (model, vocabulary), and derive flat facts per item."""
