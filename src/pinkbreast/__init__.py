"""Pink Breast: decision support for FNA breast cytology."""

__version__ = "0.1.0"
