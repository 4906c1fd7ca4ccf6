"""Stage 3, evaluation: the durable-rules evaluator, the plain-Python reference, and the per-item trace."""
