"""Package data: read at run time with importlib.resources."""
