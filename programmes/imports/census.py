"""The census import service: check (dry run) or import, for a district official's district."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from renovation.access import can_approve_in_district, can_import_census, require

from ..census_warnings import census_warnings
from ..models import District
from .checks import BuildingRows, CompoundRows, Register, _header_errors, _sort_tables
from .reading import read_tables
from .results import CensusResult, RowError
from .writing import Changes, _write

if TYPE_CHECKING:
    from renovation.models import User


def census_import(
    *,
    user: User,
    district: District,
    upload,
    commit: bool = False,
    confirm_warnings: bool = False,
) -> CensusResult:
    """Check (dry run) or import a census file for `district`. With `commit`, the rows are
    written only when no row has an error and any warnings are confirmed; otherwise nothing
    is written."""
    require(
        can_approve_in_district(user, district.pk),
        _("Census imports are made by the district's officials."),
    )
    result = CensusResult()
    tables, result.errors = read_tables(upload)
    if result.errors:
        return result
    compound_tables, building_tables = _sort_tables(tables)
    errors = result.errors
    errors += _header_errors(compound_tables, building_tables)
    if errors:
        return result

    register = Register.load(district)
    compounds = CompoundRows(register, errors)
    for table, columns in compound_tables:
        result.compound_rows += compounds.check_table(table, columns)
    compounds.check_codes_of_other_districts()
    buildings = BuildingRows(register, compounds, errors)
    for table, columns in building_tables:
        result.building_rows += buildings.check_table(table, columns)

    changes = Changes.of(compounds, buildings)
    changes.count(result, compounds, buildings)
    if result.compound_rows + result.building_rows == 0 and not errors:
        errors.append(RowError("", None, "", "", _("The file has no rows to import.")))
    result.warnings = census_warnings(compounds.plans, buildings.plans)
    if errors or not commit or (result.warnings and not confirm_warnings):
        errors.sort(key=lambda e: (e.sheet, e.row or 0, e.column))
        return result

    _write(user=user, compounds=compounds, buildings=buildings, changes=changes)
    result.committed = True
    return result


def census_district_for(user: User, district_id: object = None) -> District:
    """The district a user imports for: a district official's own; a superuser names one."""
    if user.is_superuser and district_id not in (None, ""):
        try:
            return District.objects.get(pk=int(str(district_id)))
        except (District.DoesNotExist, ValueError):
            raise ValidationError(_("Choose a district.")) from None
    if user.district_id and can_import_census(user):
        return user.district
    raise ValidationError(_("Census imports are made by the district's officials."))
