"""Briefings: a scenario run's key numbers, figures, assumptions and sources, as HTML or PDF.

``reechain report RUN_OR_SCENARIO --format html|pdf --out FILE`` and the dashboard's
download buttons call :func:`briefing_for_run` (a stored run) or
:func:`briefing_for_scenario` (a scenario run now), then :func:`render_html` or
:func:`render_pdf` (Jinja2 + WeasyPrint; figures drawn with matplotlib).
"""

from reechain.report.analysis import AnalysisBriefing, analysis_briefing
from reechain.report.briefing import (
    Briefing,
    briefing_for,
    briefing_for_run,
    briefing_for_scenario,
)
from reechain.report.render import render_html, render_pdf, write_report

__all__ = [
    "AnalysisBriefing",
    "Briefing",
    "analysis_briefing",
    "briefing_for",
    "briefing_for_run",
    "briefing_for_scenario",
    "render_html",
    "render_pdf",
    "write_report",
]
