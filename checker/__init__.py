"""The rules engine and the monthly command line of customer service."""

__version__ = "0.1.0"
