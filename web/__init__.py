"""The book's page-side glue and its build: Sphinx extensions, page scripts
and styles, the PDFs, the in-browser notebooks.  A package: its scripts run
from the repository's root as `python -m web.<module>`."""
