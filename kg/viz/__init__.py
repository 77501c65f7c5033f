"""paperkg viz support."""
