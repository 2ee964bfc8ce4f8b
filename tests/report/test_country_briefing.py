"""Country briefings (``reechain report SCENARIO --for JPN``): a first page a minister can read
alone, numbers for the country asked for, ranges, the package's effect, the replayed episode
beside what was observed, and a PDF whose rows are never split and whose labels are never cut.
"""

from __future__ import annotations

import base64
import io
import re
import subprocess
from pathlib import Path

import numpy as np
import pytest
from matplotlib.image import imread
from typer.testing import CliRunner

import reechain
from reechain.cli import app
from reechain.errors import InputError
from reechain.report import Briefing, render_html, write_report
from reechain.report.episodes import load_observations
from reechain.report.focus import describe_event, product_label, resolve_focus
from reechain.workflows.reports import briefing_for_scenario

SCENARIO = "cn-2025-april"
DRAWS = 4


@pytest.fixture(scope="module")
def japan() -> Briefing:
    return briefing_for_scenario(SCENARIO, focus="JPN", draws=DRAWS)


@pytest.fixture(scope="module")
def pdf_pages(japan: Briefing, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    folder = tmp_path_factory.mktemp("jpn")
    pdf = write_report(japan, folder / "jpn.pdf", "pdf")
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return pdf, [" ".join(page.split()) for page in text.split("\f")]


def test_the_first_page_is_the_whole_executive_summary(pdf_pages: tuple[Path, list[str]]) -> None:
    _, pages = pdf_pages
    first = pages[0]
    for part in ("FOR JAPAN", "Executive summary", "What happens", "How bad, and when",
                 "What the package would change", "Model and what happened",
                 "What the model cannot see"):  # fmt: skip
        assert part in first, part
    assert "What the model cannot see" not in pages[1]
    assert pages[1].startswith("Month by month in Japan")


def test_numbers_are_japans_with_a_range_from_uncertain_inputs(japan: Briefing) -> None:
    how_bad = japan.summary["how_bad"]
    match = re.search(r"\$([\d.]+) bn of gross output lost in Japan.*90 % range \$([\d.]+) "
                      r"(bn|m) to \$([\d.]+) bn over 4 runs", how_bad)  # fmt: skip
    assert match, how_bad
    assert japan.headline[0]["note"].startswith("Japan: ")
    assert {r["region"] for r in japan.consumer} == {"Japan"}
    assert {r["region"] for r in japan.commodities} <= {"Japan"}


def test_the_package_comparison_runs_the_same_months(japan: Briefing) -> None:
    assert japan.summary["package"].startswith("With the US-Japan cooperation package in place")


def test_the_replayed_episode_is_set_beside_what_was_observed(japan: Briefing) -> None:
    observed = [o for o in load_observations() if o.scenario == SCENARIO]
    assert len(japan.episode) == len(observed) >= 2
    exports = next(e for e in japan.episode if "magnet exports" in e["measure"])
    assert re.match(r"[-+]\d+ % in May 2025 against the baseline run", exports["model"])
    assert "−74 %" in exports["observed"]
    assert "Customs" in exports["source"]


def test_every_observation_has_a_source_and_a_scenario_that_exists() -> None:
    library = reechain.workflows.list_scenarios()
    names = {s["name"] for s in library}
    for obs in load_observations():
        assert obs.scenario in names
        assert obs.source
        assert obs.confidence in {"high", "medium", "low"}


def test_products_are_named_by_what_is_counted() -> None:
    chain = reechain.compile_chain(reechain.load_dataset("default"))
    assert product_label(chain, "conventional_vehicle") == "conventional light vehicles"
    assert product_label(chain, "ev_traction_motor") == "electrified vehicles"
    assert product_label(chain, "metallurgy") == "metallurgy"


def test_events_read_as_sentences() -> None:
    chain = reechain.compile_chain(reechain.load_dataset("default"))
    text = describe_event(
        {"kind": "export_restriction", "exporter": "CHN", "commodities": ["Dy2O3", "Tb4O7"],
         "importers": ["JPN"], "start": "2025-04", "duration_months": 6, "severity": 0.5},
        chain,
    )  # fmt: skip
    assert text == ("China withholds 50 % of its exports of dysprosium oxide and terbium oxide "
                    "to Japan, for 6 months from April 2025.")  # fmt: skip


def test_no_table_row_is_split_across_pages(
    japan: Briefing, pdf_pages: tuple[Path, list[str]]
) -> None:
    """Each row's first and last cells are on the same page (every word of each: the
    layout wraps a cell's words over lines between other columns' words)."""
    _, pages = pdf_pages
    words = [set(page.split()) for page in pages]
    html = render_html(japan)
    rows = re.findall(r"<tr>(.*?)</tr>", html, re.DOTALL)
    checked = 0
    for row in rows:
        cells = [" ".join(re.sub(r"<[^>]+>", " ", c).split())
                 for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.DOTALL)]  # fmt: skip
        cells = [c.replace("&#39;", "'").replace("&amp;", "&") for c in cells if c]
        if len(cells) < 2 or len(cells[0]) < 8 or len(cells[-1]) < 4:
            continue
        on = [i for i, page in enumerate(words) if set(cells[0].split()) <= page]
        assert on, f"row not found: {cells[0]!r}"
        assert any(set(cells[-1].split()) <= words[i] for i in on), f"split: {cells[0]!r}"
        checked += 1
    assert checked > 10


def test_figure_labels_are_whole_and_inside_their_images(japan: Briefing) -> None:
    for figure in japan.figures:
        png = imread(io.BytesIO(base64.b64decode(figure["src"].split(",", 1)[1])))[..., :3]
        frame = np.concatenate([png[:2].reshape(-1, 3), png[-2:].reshape(-1, 3),
                                png[:, :2].reshape(-1, 3), png[:, -2:].reshape(-1, 3)])  # fmt: skip
        assert frame.min() > 0.95, f"{figure['title']}: something touches the image's edge"
    assert "…" not in render_html(japan)


def test_nothing_runs_off_the_page(pdf_pages: tuple[Path, list[str]], tmp_path: Path) -> None:
    pdf, pages = pdf_pages
    subprocess.run(["pdftoppm", "-r", "50", "-png", str(pdf), str(tmp_path / "p")], check=True)
    for png in sorted(tmp_path.glob("p*.png")):
        pixels = imread(png)[..., :3]
        width = pixels.shape[1]
        margin = int(width * 10 / 210)  # 10 mm of the 14 mm right margin of an A4 page
        assert pixels[:, width - margin :].min() > 0.9, f"{png.name}: ink in the right margin"
    assert len(pages) >= 4


def test_the_cli_writes_a_country_briefing(tmp_path: Path) -> None:
    out = tmp_path / "usa.html"
    result = CliRunner().invoke(
        app, ["report", SCENARIO, "--for", "USA", "--draws", "0", "--format", "html",
              "--out", str(out)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    html = out.read_text()
    assert "for United States" in html
    assert "Executive summary" in html


def test_an_unknown_focus_names_the_near_miss() -> None:
    chain = reechain.compile_chain(reechain.load_dataset("default"))
    with pytest.raises(InputError, match=r"--for: got 'JPM'.*did you mean 'JPN'"):
        resolve_focus(chain, "JPM")
    assert resolve_focus(chain, "partners_us_jp").regions == ("USA", "JPN")
    assert resolve_focus(chain, None).is_world
