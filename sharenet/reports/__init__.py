"""Reports for the platform centre: built from the store, rendered as HTML, CSV or JSON.

One module per report (``compliance`` now; the evaluation report later), all
sharing the renderers in :mod:`sharenet.reports.render`.
"""
