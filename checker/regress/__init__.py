"""Regression against real IMR decisions: run cases, compare outcomes and citations, report."""
