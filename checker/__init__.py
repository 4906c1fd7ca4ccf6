"""mtus-checker: California workers' compensation treatment requests checked against MTUS/ODG criteria."""

__version__ = "0.1.0"
