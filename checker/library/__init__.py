"""Stage 2, the rule library: load and validate topic files, the condition language, compile to a plan; lint,
catalog, editions diff."""
