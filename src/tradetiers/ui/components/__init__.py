"""Reusable Solara components of the browser app."""
