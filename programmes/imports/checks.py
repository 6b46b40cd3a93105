"""Checking every row before anything is written: each compound row is planned as a new
compound or an update of an existing one, each building row finds its compound."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from ..models import Area, Community, Compound, District, Street
from .fields import BUILDING_FIELDS, BUILDING_MARKER, COMPOUND_FIELDS, Field
from .parsing import ParsedRow, _cell_error, _parse_table
from .reading import RawTable, _columns
from .results import RowError

Columns = dict[str, int]  # field key -> index of its column in the table


def _sort_tables(
    tables: list[RawTable],
) -> tuple[list[tuple[RawTable, Columns]], list[tuple[RawTable, Columns]]]:
    """The compounds tables and the buildings tables (those with a building-name column), each
    with its columns."""
    compound_tables, building_tables = [], []
    for table in tables:
        building_columns = _columns(table.header, BUILDING_FIELDS)
        if BUILDING_MARKER in building_columns:
            building_tables.append((table, building_columns))
        else:
            compound_tables.append((table, _columns(table.header, COMPOUND_FIELDS)))
    return compound_tables, building_tables


def _header_errors(
    compound_tables: list[tuple[RawTable, Columns]],
    building_tables: list[tuple[RawTable, Columns]],
) -> list[RowError]:
    """Tables without the columns that find a row's compound."""
    errors = []
    for table, columns in compound_tables:
        missing = [
            s for s in COMPOUND_FIELDS if s.key in ("name", "street") and s.key not in columns
        ]
        if missing:
            errors.append(_missing_columns(table, missing))
    for table, columns in building_tables:
        if "compound_code" not in columns and not {"street", "compound"} <= set(columns):
            errors.append(
                RowError(
                    table.sheet,
                    None,
                    "",
                    "",
                    _(
                        "The buildings table needs the compound's registry code, or its street "
                        "office and name."
                    ),
                )
            )
    return errors


def _missing_columns(table: RawTable, missing: list[Field]) -> RowError:
    return RowError(
        table.sheet,
        None,
        "",
        "",
        _("The first row must name the columns; missing: %(missing)s.")
        % {"missing": "、".join(spec.header for spec in missing)},
    )


@dataclass
class Register:
    """The reference data of the district: a handful of queries, whatever the file's size."""

    district: District
    streets: dict[str, Street]
    communities: dict[tuple[int, str], Community]
    areas: dict[str, Area]
    by_code: dict[str, Compound]
    by_street_name: dict[tuple[int, str], Compound]

    @classmethod
    def load(cls, district: District) -> Register:
        existing = list(Compound.objects.filter(street__district=district))
        by_street_name: dict[tuple[int, str], Compound] = {}
        for c in existing:
            by_street_name.setdefault((c.street_id, c.name), c)
        return cls(
            district=district,
            streets={s.name: s for s in Street.objects.filter(district=district)},
            communities={
                (c.street_id, c.name): c
                for c in Community.objects.filter(street__district=district)
            },
            areas={a.name: a for a in Area.objects.filter(district=district)},
            by_code={c.code: c for c in existing if c.code},
            by_street_name=by_street_name,
        )

    def no_street(self, name: object) -> str:
        return _("no street office “%(name)s” in %(district)s.") % {
            "name": name,
            "district": self.district.name,
        }


@dataclass
class CheckedRow:
    """One parsed row of a table, and where its errors go."""

    table: RawTable
    columns: Columns
    parsed: ParsedRow
    errors: list[RowError]

    @property
    def values(self) -> dict[str, Any]:
        return self.parsed.values

    @property
    def number(self) -> int:
        return self.parsed.row

    def fail(self, key: str, message: str) -> None:
        self.errors.append(_cell_error(self.table, self.columns, key, self.parsed.row, message))


class CompoundRows:
    """Checks the rows of the compounds tables and plans each compound: new, or the existing
    one the row updates (by registry code, else by street office and name)."""

    def __init__(self, register: Register, errors: list[RowError]) -> None:
        self.register = register
        self.errors = errors
        self.plans: list[dict] = []
        self.planned: dict[tuple, dict] = {}  # natural key -> plan for the compound
        self.file_codes: dict[str, int] = {}
        self.file_names: dict[tuple[int, str], int] = {}
        self.matched: dict[int, int] = {}  # existing compound id -> the row that updates it
        self.new_communities: dict[tuple[int, str], Community] = {}
        self.new_areas: dict[str, Area] = {}

    def check_table(self, table: RawTable, columns: Columns) -> int:
        rows = _parse_table(table, COMPOUND_FIELDS, columns, self.errors)
        for parsed in rows:
            self._check(CheckedRow(table, columns, parsed, self.errors))
        return len(rows)

    def _check(self, row: CheckedRow) -> None:
        v = row.values
        street = self._street(row)
        if not row.parsed.ok or not v.get("name") or street is None:
            return
        code = v.get("code") or None
        key_name = (street.pk, v["name"])
        if not self._claim_code(row, code) or not self._claim_name(row, code, key_name, street):
            return
        target = self._target(code, key_name)
        if target is not None and not self._claim_target(row, target):
            return
        self._plan(row, street, code, key_name, target)

    def _street(self, row: CheckedRow) -> Street | None:
        # Name and street are checked even on a row with bad cells: every error of every row
        # is listed at once.
        v = row.values
        street = self.register.streets.get(v.get("street") or "")
        if v.get("name", "?") == "":  # (a name too long has its own error)
            row.fail("name", _("the compound name is empty."))
        if street is None and "street" in v:
            row.fail("street", self.register.no_street(v.get("street", "")))
        return street

    def _claim_code(self, row: CheckedRow, code: str | None) -> bool:
        if code is None:
            return True
        if code in self.file_codes:
            row.fail(
                "code",
                _("registry code %(code)s is already on row %(row)s.")
                % {"code": code, "row": self.file_codes[code]},
            )
            return False
        self.file_codes[code] = row.number
        return True

    def _claim_name(
        self, row: CheckedRow, code: str | None, key_name: tuple[int, str], street: Street
    ) -> bool:
        if key_name in self.file_names and code is None:
            row.fail(
                "name",
                _("“%(name)s” in %(street)s is already on row %(row)s.")
                % {"name": key_name[1], "street": street.name, "row": self.file_names[key_name]},
            )
            return False
        self.file_names.setdefault(key_name, row.number)
        return True

    def _target(self, code: str | None, key_name: tuple[int, str]) -> Compound | None:
        """The existing compound the row updates, if any."""
        target = self.register.by_code.get(code) if code else None
        if target is None:
            candidate = self.register.by_street_name.get(key_name)
            # A compound matched by name keeps its own registry code: a different code
            # in the file is another compound of the same name.
            if candidate is not None and (not code or not candidate.code):
                target = candidate
        return target

    def _claim_target(self, row: CheckedRow, target: Compound) -> bool:
        if target.pk in self.matched:
            row.fail(
                "name",
                _("this row and row %(row)s are the same compound.")
                % {"row": self.matched[target.pk]},
            )
            return False
        self.matched[target.pk] = row.number
        return True

    def _relations(self, row: CheckedRow, street: Street) -> tuple[Community | None, Area | None]:
        """The community and area the row names, created (when written) if missing."""
        v = row.values
        community = None
        if "community" in row.columns and v.get("community"):
            ckey = (street.pk, v["community"])
            community = self.register.communities.get(ckey) or self.new_communities.setdefault(
                ckey, Community(street=street, name=v["community"])
            )
        area = None
        if "area" in row.columns and v.get("area"):
            area = self.register.areas.get(v["area"]) or self.new_areas.setdefault(
                v["area"], Area(district=self.register.district, name=v["area"])
            )
        return community, area

    def _plan(
        self,
        row: CheckedRow,
        street: Street,
        code: str | None,
        key_name: tuple[int, str],
        target: Compound | None,
    ) -> None:
        community, area = self._relations(row, street)
        plan = {
            "row": row.number,
            "target": target,
            "street": street,
            "community": community,
            "area": area,
            "values": row.values,
            "present": set(row.values),
            "table": row.table,
            "columns": row.columns,
        }
        self.plans.append(plan)
        self.planned[("code", code) if code else ("name", *key_name)] = plan
        if target is not None:
            self.planned.setdefault(("name", target.street_id, target.name), plan)
            if target.code:
                self.planned.setdefault(("code", target.code), plan)
        else:
            self.planned.setdefault(("name", *key_name), plan)

    def check_codes_of_other_districts(self) -> None:
        """A registry code is unique nationally: one of another district's compounds is an
        error (one query)."""
        if not self.file_codes:
            return
        taken = dict(
            Compound.objects.filter(code__in=list(self.file_codes))
            .exclude(street__district=self.register.district)
            .values_list("code", "street__district__name")
        )
        for plan in self.plans:
            code = plan["values"].get("code")
            if code in taken:
                self.errors.append(
                    _cell_error(
                        plan["table"],
                        plan["columns"],
                        "code",
                        plan["row"],
                        _("registry code %(code)s belongs to a compound of %(district)s.")
                        % {"code": code, "district": taken[code]},
                    )
                )


class BuildingRows:
    """Checks the rows of the buildings tables and finds each building's compound: one of the
    file (planned) or of the registry."""

    def __init__(self, register: Register, compounds: CompoundRows, errors: list[RowError]):
        self.register = register
        self.planned = compounds.planned
        self.errors = errors
        self.plans: list[dict] = []
        self.seen: dict[tuple, int] = {}  # (compound, building name) -> its row

    def check_table(self, table: RawTable, columns: Columns) -> int:
        rows = _parse_table(table, BUILDING_FIELDS, columns, self.errors)
        for parsed in rows:
            self._check(CheckedRow(table, columns, parsed, self.errors))
        return len(rows)

    def _check(self, row: CheckedRow) -> None:
        v = row.values
        if v.get("name", "?") == "":
            row.fail("name", _("the building name is empty."))
        if not row.parsed.ok or not v.get("name"):
            return
        code = v.get("compound_code") or None
        found = self._by_code(row, code) if code else self._by_name(row)
        if found is None:
            return
        plan, compound = found
        if plan is not None and plan["target"] is not None:
            compound = plan["target"]
        owner = id(plan) if compound is None else compound.pk
        bkey = (owner, v["name"])
        if bkey in self.seen:
            row.fail(
                "name",
                _("building %(name)s of this compound is already on row %(row)s.")
                % {"name": v["name"], "row": self.seen[bkey]},
            )
            return
        self.seen[bkey] = row.number
        self.plans.append({"row": row.number, "compound": compound, "plan": plan, "values": v})

    def _by_code(self, row: CheckedRow, code: str) -> tuple[dict | None, Compound | None] | None:
        plan = self.planned.get(("code", code))
        compound = self.register.by_code.get(code)
        if plan is None and compound is None:
            row.fail(
                "compound_code",
                _("no compound with registry code %(code)s in %(district)s.")
                % {"code": code, "district": self.register.district.name},
            )
            return None
        return plan, compound

    def _by_name(self, row: CheckedRow) -> tuple[dict | None, Compound | None] | None:
        v = row.values
        street = self.register.streets.get(v.get("street") or "")
        if street is None:
            row.fail("street", self.register.no_street(v.get("street", "")))
            return None
        key_name = (street.pk, v.get("compound") or "")
        plan = self.planned.get(("name", *key_name))
        compound = self.register.by_street_name.get(key_name)
        if plan is None and compound is None:
            row.fail(
                "compound",
                _("no compound “%(name)s” in %(street)s.")
                % {"name": v.get("compound", ""), "street": street.name},
            )
            return None
        return plan, compound
