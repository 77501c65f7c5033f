"""The ``paperkg`` command line (click): thin shells over :mod:`kg.api`; the entry point is ``kg.cli.main:main``."""
