"""Briefings: a run's key numbers, figures, assumptions and sources, as HTML or PDF.

This package only words and draws what it is given: :func:`build_briefing` takes a
simulation's result tables and its dataset, :func:`build_analysis_briefing` a risk or
optimize run's outputs; :func:`render_html` and :func:`render_pdf` (Jinja2 + WeasyPrint,
figures drawn with matplotlib) turn either into a document. Finding and loading runs is
:mod:`reechain.workflows.reports`, which the CLI and the dashboard call.
"""

from reechain.report.analysis import AnalysisBriefing, build_analysis_briefing
from reechain.report.briefing import Briefing, build_briefing
from reechain.report.render import render_html, render_pdf, write_report

__all__ = [
    "AnalysisBriefing",
    "Briefing",
    "build_analysis_briefing",
    "build_briefing",
    "render_html",
    "render_pdf",
    "write_report",
]
