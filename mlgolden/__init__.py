"""mlgolden: the golden-path project generator for ML platform teams."""

__version__ = "0.1.0"
