"""The dataset's tables: one validated row model per table, and the schema as data.

A dataset is a folder of CSV files (or one XLSX workbook with a sheet per table), one file
per table below. Each row model says, field by field, the type, the unit and what the
field means; :data:`TABLES` lists the tables in load order with their key columns and the
column whose uncertainty a row's bounds describe. ``reechain data schema`` prints it.

Every row that carries a number also carries its provenance (:class:`Provenance`):
``source`` is required; ``confidence`` is ``high`` (a published figure), ``medium``
(arithmetic on published figures, named in ``method``) or ``low`` (an assumption, with
``lower``/``upper`` bounds on the row's value and a rationale in ``note``).

Quantities are in the commodity's own unit (tonnes of rare-earth oxide unless the
commodity's unit says otherwise); end-use outputs are in the sector's unit (vehicles,
MW, …); prices in USD/kg.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from types import UnionType
from typing import Annotated, ClassVar, Literal, Union, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from reechain.finite import FiniteFloat

Code = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
MAX_TEXT = 10_000
"""The longest text a cell may hold (a workbook cell holds 32,767 characters at most)."""
Text = Annotated[str, StringConstraints(strip_whitespace=True, max_length=MAX_TEXT)]
Year = Annotated[int, Field(ge=1900, le=2100)]
NonNegative = Annotated[FiniteFloat, Field(ge=0)]

UNITS: tuple[str, ...] = ("t_REO", "t_metal", "t_alloy", "t_magnet", "t")
"""Commodity units: tonnes of rare-earth oxide, of metal, of alloy, of magnet, plain tonnes."""


class Confidence(StrEnum):
    """How much a number can be trusted (DESIGN.md section 3)."""

    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class Row(BaseModel):
    """A row of a dataset table; subclasses are the tables."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    VALUE_FIELD: ClassVar[str | None] = None
    """The field that a row's ``lower``/``upper`` bounds describe (None: no provenance)."""


class Provenance(Row):
    """Where a row's numbers come from and how far to trust them."""

    source: Text = Field(min_length=1, description="publisher and title of the source")
    source_year: Year | None = Field(None, description="year the source was published")
    url: Text = Field("", description="document identifier or address of a copy")
    note: Text = Field("", description="what the figure is; for low confidence, the rationale")
    confidence: Confidence = Field(description="high, medium or low")
    method: Text = Field("", description="for derived rows: the arithmetic and its input rows")
    lower: FiniteFloat | None = Field(None, description="lower bound of the value (low confidence)")
    upper: FiniteFloat | None = Field(None, description="upper bound of the value (low confidence)")

    @model_validator(mode="after")
    def _check_confidence(self) -> Provenance:
        if self.confidence is Confidence.MEDIUM and not self.method:
            raise ValueError(
                "method: a medium-confidence row names its method (the arithmetic and its inputs)"
            )
        if self.confidence is Confidence.LOW:
            if self.lower is None or self.upper is None:
                raise ValueError("lower/upper: a low-confidence row gives bounds on its value")
            if not self.note:
                raise ValueError("note: a low-confidence row gives its rationale in the note")
        if self.lower is not None and self.upper is not None:
            value = getattr(self, self.VALUE_FIELD) if self.VALUE_FIELD else None
            if self.lower > self.upper:
                raise ValueError(f"lower/upper: lower {self.lower} is above upper {self.upper}")
            if value is not None and not self.lower <= value <= self.upper:
                raise ValueError(
                    f"{self.VALUE_FIELD}: {value} lies outside its bounds "
                    f"[{self.lower}, {self.upper}]"
                )
        return self


# --- structure: no numbers, no provenance -------------------------------------------


class RegionRow(Row):
    """A region: an ISO 3166 alpha-3 country, or an aggregate such as ROW."""

    region: Code = Field(description="ISO 3166 alpha-3 code, or an aggregate code such as ROW")
    name: Text = Field(min_length=1, description="English name")
    kind: Literal["country", "aggregate"] = Field("country", description="country or aggregate")


class GroupRow(Row):
    """Membership of a region in a named group (partners_us_jp, eu27, …)."""

    group: Code = Field(description="group name, lower case (e.g. partners_us_jp)")
    region: Code = Field(description="member region")


class StageRow(Row):
    """A stage of the chain; ``order`` runs upstream (mine) to downstream (use)."""

    stage: Code = Field(description="stage name (mine, separate, metal, magnet, use)")
    order: int = Field(ge=0, description="position from upstream (0) to downstream")
    name: Text = Field("", description="what happens at this stage")


class CommodityRow(Row):
    """A commodity produced at one stage, in one unit."""

    commodity: Code = Field(description="commodity code (e.g. Dy2O3, NdPr_metal, NdFeB_sintered)")
    stage: Code = Field(description="the stage that produces it")
    unit: Literal["t_REO", "t_metal", "t_alloy", "t_magnet", "t"] = Field(
        description="unit of every quantity of this commodity"
    )
    name: Text = Field("", description="English name")
    elements: Text = Field("", description="rare-earth elements it contains, space-separated")


class SectorRow(Row):
    """An end-use sector at the use stage, with the unit its output is counted in."""

    sector: Code = Field(description="sector code (e.g. ev_traction_motor)")
    name: Text = Field("", description="English name")
    unit: Code = Field(description="unit of output (vehicles, MW, units, t)")


# --- numbers, each row with provenance --------------------------------------------------


class ProcessRow(Provenance):
    """A plant or group of plants in one region and stage, for one year."""

    VALUE_FIELD: ClassVar[str | None] = "activity_per_year"

    process: Code = Field(description="process code, unique per year")
    year: Year = Field(description="year the capacity and activity refer to")
    region: Code = Field(description="where it runs")
    stage: Code = Field(description="the stage it belongs to")
    technology: Text = Field("", description="route or deposit type (e.g. ionic_clay)")
    recipe: Code = Field(description="the recipe (recipes.csv) it runs")
    capacity_per_year: NonNegative = Field(description="activity units per year at full use")
    activity_per_year: NonNegative = Field(description="baseline activity, units per year")
    max_utilisation: FiniteFloat = Field(gt=0, le=1, description="highest share of capacity usable")
    ramp_rate_per_month: FiniteFloat = Field(
        ge=0, le=1, description="largest monthly rise of utilisation, fraction of capacity"
    )
    owner: Text = Field("", description="owner or operator")
    status: Literal["operating", "building", "planned"] = Field(description="life-cycle status")
    start_year: Year | None = Field(None, description="first year of operation")

    @model_validator(mode="after")
    def _check_activity(self) -> ProcessRow:
        if self.activity_per_year > self.capacity_per_year * self.max_utilisation * (1 + 1e-9):
            raise ValueError(
                f"activity_per_year: {self.activity_per_year} exceeds capacity_per_year "
                f"{self.capacity_per_year} × max_utilisation {self.max_utilisation}"
            )
        if self.status != "operating" and self.activity_per_year > 0:
            raise ValueError(
                f"activity_per_year: a {self.status} process has no baseline activity, "
                f"got {self.activity_per_year}"
            )
        return self


class RecipeRow(Provenance):
    """One input or output of a recipe, per unit of process activity.

    A recipe with several outputs is a co-production (a separation plant's element split):
    its output quantities are shares of one unit of activity and sum to 1; losses show as
    inputs above 1 per unit.
    """

    VALUE_FIELD: ClassVar[str | None] = "quantity_per_unit"

    recipe: Code = Field(description="recipe code")
    commodity: Code = Field(description="commodity consumed or produced")
    role: Literal["input", "output"] = Field(description="input or output")
    quantity_per_unit: FiniteFloat = Field(gt=0, description="commodity units per unit of activity")


class TradeRow(Provenance):
    """A baseline bilateral flow of one commodity in one year."""

    VALUE_FIELD: ClassVar[str | None] = "quantity_per_year"

    year: Year = Field(description="year of the flow")
    commodity: Code = Field(description="commodity traded")
    exporter: Code = Field(description="exporting region")
    importer: Code = Field(description="importing region")
    quantity_per_year: NonNegative = Field(description="commodity units per year")

    @model_validator(mode="after")
    def _check_partners(self) -> TradeRow:
        if self.exporter == self.importer:
            raise ValueError(f"importer: a flow needs two regions, got {self.exporter} twice")
        return self


class EndUseRow(Provenance):
    """Baseline output of a sector in a region and year, its value and its jobs."""

    VALUE_FIELD: ClassVar[str | None] = "output_per_year"

    sector: Code = Field(description="end-use sector")
    region: Code = Field(description="where the output is made")
    year: Year = Field(description="year of the output")
    output_per_year: NonNegative = Field(description="sector units per year")
    value_usd_per_unit: NonNegative = Field(description="value of one unit of output, USD")
    jobs_per_unit: NonNegative = Field(description="jobs per unit of output per year")


class IntensityRow(Provenance):
    """Material intensity: commodity units used per unit of a sector's output."""

    VALUE_FIELD: ClassVar[str | None] = "quantity_per_unit"

    sector: Code = Field(description="end-use sector")
    commodity: Code = Field(description="commodity used")
    quantity_per_unit: FiniteFloat = Field(gt=0, description="commodity units per unit of output")


class InventoryRow(Provenance):
    """Users' commercial inventory of a commodity in a region."""

    VALUE_FIELD: ClassVar[str | None] = "target_days"

    region: Code = Field(description="region whose users hold it")
    commodity: Code = Field(description="commodity held")
    target_days: NonNegative = Field(description="target stock, days of use")
    restoration_months: FiniteFloat = Field(gt=0, description="months to move stock back to target")


class StockpileRow(Provenance):
    """A strategic stockpile held by a region's government."""

    VALUE_FIELD: ClassVar[str | None] = "quantity"

    holder: Code = Field(description="region that holds it")
    commodity: Code = Field(description="commodity held")
    quantity: NonNegative = Field(description="commodity units held")
    max_release_per_month: NonNegative = Field(description="commodity units per month, at most")


class PriceRow(Provenance):
    """Baseline price of a commodity in a year."""

    VALUE_FIELD: ClassVar[str | None] = "price_usd_per_kg"

    commodity: Code = Field(description="commodity priced")
    year: Year = Field(description="year of the average")
    price_usd_per_kg: FiniteFloat = Field(gt=0, description="USD per kg of the commodity's unit")


class ElasticityRow(Provenance):
    """Demand response of a commodity's users to its price, and the cap on price spikes."""

    VALUE_FIELD: ClassVar[str | None] = "elasticity"

    commodity: Code = Field(description="commodity")
    elasticity: FiniteFloat = Field(
        lt=0, ge=-10, description="price elasticity of demand (negative)"
    )
    price_cap_multiple: FiniteFloat = Field(
        ge=1, description="highest price as a multiple of baseline"
    )
    cap_source: Text = Field(
        "", description="the physical or market limit the cap stands for, and its source"
    )
    cap_episode: Text = Field(
        "", description="the episode the cap was set from ('none': not set from one)"
    )


class ResidualRow(Provenance):
    """An explicit residual that closes a region's baseline balance for a commodity.

    Positive quantities are stock builds (or unrecorded use); negative are stock draws
    (or unreported output). The balance is: production + imports = use + exports + residual.
    """

    VALUE_FIELD: ClassVar[str | None] = "quantity_per_year"

    year: Year = Field(description="year")
    region: Code = Field(description="region")
    commodity: Code = Field(description="commodity")
    kind: Literal["stock_change", "unreported_output", "unrecorded_use", "statistical"] = Field(
        description="what the residual stands for"
    )
    quantity_per_year: FiniteFloat = Field(description="commodity units per year, signed")


DEVELOPMENT_STAGES: tuple[str, ...] = (
    "operating",
    "commissioning",
    "construction",
    "financed",
    "feasibility",
    "prefeasibility",
    "scoping",
    "exploration",
    "research",
    "quota",
)
"""Stages of a project's development, nearest to production first (``quota``: a state's
announced production quota or expansion; ``research``: a technology still being proven)."""


class PipelineRow(Provenance):
    """An announced project: capacity that comes online at a start date, if it comes at all.

    ``process`` names the dataset process the project is (a ``building`` or ``planned``
    process of ``processes.csv``), or is blank for a project the processes table does not
    hold. ``probability`` is the chance of reaching production (its method in
    ``probability_method``: a sourced base rate by development stage, or a project's own
    reason); ``delay_years`` the expected slip of the announced start at that stage.
    """

    VALUE_FIELD: ClassVar[str | None] = "capacity_per_year"

    project: Code = Field(description="project code, unique")
    process: Text = Field("", description="the dataset process it is (blank: a new one)")
    region: Code = Field(description="where it will run")
    stage: Code = Field(description="the stage it belongs to")
    recipe: Code = Field(description="the recipe (recipes.csv) it will run")
    product: Text = Field("", description="what the capacity is of, in the source's words")
    capacity_per_year: NonNegative = Field(description="activity units per year at full use")
    operator: Text = Field("", description="owner or operator")
    place: Text = Field("", description="site")
    development_stage: Literal[
        "operating",
        "commissioning",
        "construction",
        "financed",
        "feasibility",
        "prefeasibility",
        "scoping",
        "exploration",
        "research",
        "quota",
    ] = Field(description="how far the project has come (DEVELOPMENT_STAGES)")
    status: Text = Field("", description="latest public news of the project, dated")
    start_year: Year = Field(description="announced first year of production")
    start_month: int = Field(1, ge=1, le=12, description="announced first month (1-12)")
    ramp_up_months: int = Field(
        24, ge=1, le=120, description="months from first output to full capacity"
    )
    max_utilisation: FiniteFloat = Field(
        0.85, gt=0, le=1, description="share of capacity used once ramped up"
    )
    partners: Text = Field("", description="financing and offtake partners")
    offtake: Text = Field(
        "", description="regions or groups its output serves, space-separated (blank: all)"
    )
    probability: FiniteFloat = Field(ge=0, le=1, description="chance of reaching production")
    probability_method: Text = Field(
        min_length=1, description="how the chance was set, and its base rate's source"
    )
    delay_years: NonNegative = Field(0.0, description="expected slip of the start, years")


@dataclass(frozen=True)
class TableSpec:
    """A table of the dataset format: its file, row model, key and whether it has years."""

    name: str
    model: type[Row]
    key: tuple[str, ...]
    description: str

    @property
    def filename(self) -> str:
        """The table's CSV file name."""
        return f"{self.name}.csv"

    @property
    def columns(self) -> tuple[str, ...]:
        """The table's columns, in file order: the table's own, then provenance."""
        names = tuple(self.model.model_fields)
        own = tuple(n for n in names if n not in PROVENANCE_COLUMNS)
        return own + tuple(n for n in names if n in PROVENANCE_COLUMNS)

    @property
    def required(self) -> tuple[str, ...]:
        """Columns that must be present in the file."""
        return tuple(n for n, f in self.model.model_fields.items() if f.is_required())


TABLES: tuple[TableSpec, ...] = (
    TableSpec("regions", RegionRow, ("region",), "regions: countries and aggregates"),
    TableSpec("groups", GroupRow, ("group", "region"), "named groups of regions"),
    TableSpec("stages", StageRow, ("stage",), "stages of the chain, upstream first"),
    TableSpec("commodities", CommodityRow, ("commodity",), "commodities with stage and unit"),
    TableSpec("sectors", SectorRow, ("sector",), "end-use sectors with output unit"),
    TableSpec("processes", ProcessRow, ("process", "year"), "plants: capacity and activity"),
    TableSpec("recipes", RecipeRow, ("recipe", "commodity", "role"), "inputs and outputs"),
    TableSpec("trade", TradeRow, ("year", "commodity", "exporter", "importer"), "trade flows"),
    TableSpec("end_uses", EndUseRow, ("sector", "region", "year"), "end-use output"),
    TableSpec("intensities", IntensityRow, ("sector", "commodity"), "material intensities"),
    TableSpec("inventories", InventoryRow, ("region", "commodity"), "commercial inventories"),
    TableSpec("stockpiles", StockpileRow, ("holder", "commodity"), "strategic stockpiles"),
    TableSpec("prices", PriceRow, ("commodity", "year"), "baseline prices"),
    TableSpec("elasticities", ElasticityRow, ("commodity",), "elasticities and price caps"),
    TableSpec(
        "residuals", ResidualRow, ("year", "region", "commodity", "kind"), "balance residuals"
    ),
    TableSpec("pipeline", PipelineRow, ("project",), "announced projects and their chances"),
)
"""Every table of the dataset format, in load order."""

TABLES_BY_NAME: dict[str, TableSpec] = {t.name: t for t in TABLES}

PROVENANCE_COLUMNS: tuple[str, ...] = tuple(Provenance.model_fields)


def schema_records() -> list[dict[str, object]]:
    """Return the schema as records: table, column, type, required, description."""
    records: list[dict[str, object]] = []
    for spec in TABLES:
        for name, field in spec.model.model_fields.items():
            records.append(
                {
                    "table": spec.name,
                    "column": name,
                    "type": _type_name(field.annotation),
                    "required": field.is_required(),
                    "key": name in spec.key,
                    "description": field.description or "",
                }
            )
    return records


def _type_name(annotation: object) -> str:
    """Return ``float``, ``str``, ``float | None`` … for a field's annotation."""
    args = get_args(annotation)
    if get_origin(annotation) is Annotated:
        return _type_name(args[0])
    if get_origin(annotation) in (Union, UnionType) and args:
        return " | ".join("None" if a is type(None) else _type_name(a) for a in args)
    return str(getattr(annotation, "__name__", annotation))
