"""Monitoring: live performance on confirmed outcomes, the recall alert, and input drift."""
