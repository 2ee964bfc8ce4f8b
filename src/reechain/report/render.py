"""Render a briefing: HTML with Jinja2, PDF with WeasyPrint."""

from __future__ import annotations

from pathlib import Path

import jinja2

from reechain.errors import InputError
from reechain.report.analysis import AnalysisBriefing
from reechain.report.briefing import Briefing

TEMPLATES = Path(__file__).with_name("templates")
FORMATS = ("html", "pdf")


def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        undefined=jinja2.StrictUndefined,
    )


def render_html(briefing: Briefing | AnalysisBriefing) -> str:
    """Return the briefing as one self-contained HTML page (figures embedded)."""
    css = (TEMPLATES / "briefing.css").read_text(encoding="utf-8")
    name = "analysis.html.j2" if isinstance(briefing, AnalysisBriefing) else "briefing.html.j2"
    return _environment().get_template(name).render(b=briefing, css=css)


def render_pdf(briefing: Briefing | AnalysisBriefing) -> bytes:
    """Return the briefing as PDF bytes (A4)."""
    import weasyprint  # type: ignore[import-untyped]

    return bytes(weasyprint.HTML(string=render_html(briefing)).write_pdf())


def write_report(briefing: Briefing | AnalysisBriefing, out: str | Path, fmt: str) -> Path:
    """Write the briefing to ``out`` as ``fmt`` (html or pdf) atomically; return the path."""
    if fmt not in FORMATS:
        raise InputError(f"--format: got {fmt!r}, expected html or pdf")
    path = Path(out)
    if path.exists() and path.is_dir():
        raise InputError(f"{out}: is a folder; give a file name for the briefing")
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = render_html(briefing).encode() if fmt == "html" else render_pdf(briefing)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(payload)
    tmp.replace(path)
    return path
