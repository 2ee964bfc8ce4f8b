"""MkDocs hook: the reference pages are generated from the code when the site is built, so
they cannot fall behind it.

``{{ scenario_schema }}``, ``{{ dataset_schema }}`` and ``{{ cli_help }}`` in a page are
replaced by the scenario format (``reechain.scenario.schema``), the dataset format
(``reechain.data.tables``) and the help of every command.
"""

from __future__ import annotations

import json
from typing import Any


def _cell(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return str(text).replace("|", "\\|").replace("\n", " ")


def _table(records: list[dict[str, Any]], columns: list[str]) -> str:
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(_cell(r.get(c, "")) for c in columns) + " |" for r in records]
    return "\n".join(lines)


def scenario_schema() -> str:
    """Every field of the scenario file, one table per event, policy and part."""
    from reechain.scenario.schema import schema_records

    records = schema_records()
    out = []
    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for r in records:
        groups.setdefault((r["section"], r["kind"]), []).append(r)
    for (section, kind), rows in groups.items():
        title = "The scenario file" if section == "scenario" else f"`{kind}` ({section})"
        for r in rows:
            r["default"] = "required" if r["required"] else r["default"]
        columns = ["field", "type", "unit", "default", "description", "example"]
        out.append(f"### {title}\n\n{_table(rows, columns)}\n")
    return "\n".join(out)


def dataset_schema() -> str:
    """Every column of every dataset table."""
    from reechain.data.tables import schema_records

    out = []
    tables: dict[str, list[dict[str, Any]]] = {}
    for r in schema_records():
        tables.setdefault(str(r["table"]), []).append(r)
    for name, rows in tables.items():
        columns = ["column", "type", "required", "key", "description"]
        out.append(f"### `{name}.csv`\n\n{_table(rows, columns)}\n")
    return "\n".join(out)


def cli_help() -> str:
    """The help of every ``reechain`` command, in command order, as a terminal shows it."""
    import typer.main
    from typer.testing import CliRunner

    from reechain.cli import app

    runner = CliRunner()
    root = typer.main.get_command(app)
    out = []

    def walk(command: Any, path: list[str], parent: Any) -> None:
        ctx = root.context_class(command, info_name=path[-1], parent=parent)
        if hasattr(command, "list_commands"):
            for name in command.list_commands(ctx):
                sub = command.get_command(ctx, name)
                if sub is not None and not sub.hidden:
                    walk(sub, [*path, name], ctx)
            return
        shown = runner.invoke(app, [*path[1:], "--help"], env={"COLUMNS": "100"})
        text = shown.stdout.rstrip()
        out.append(f"### `{' '.join(path)}`\n\n```text\n{text}\n```\n")

    walk(root, ["reechain"], None)
    return "\n".join(out)


GENERATED = {
    "{{ scenario_schema }}": scenario_schema,
    "{{ dataset_schema }}": dataset_schema,
    "{{ cli_help }}": cli_help,
}


def on_page_markdown(markdown: str, **_: Any) -> str:
    """Replace each placeholder in a page with the text generated from the code."""
    for placeholder, make in GENERATED.items():
        if placeholder in markdown:
            markdown = markdown.replace(placeholder, make())
    return markdown
