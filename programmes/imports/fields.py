"""The census columns: their headers in Chinese and English, how each is read, and the template
workbook built from them."""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from django.utils.translation import override, pgettext, pgettext_lazy

from renovation.xlsx import Column, Table, write_workbook


@dataclass(frozen=True)
class Field:
    key: str
    label: Any  # the header of the template, translated lazily (context "census")
    aliases: frozenset[str]  # other accepted headers, Chinese and English
    parse: str = "text"  # text, int, year, decimal, flag, status
    max_length: int = 0
    example: object = ""

    @property
    def header(self) -> str:
        return str(self.label)

    def names(self) -> set[str]:
        """Every header this column is recognised by: the template's header in the reader's
        language and in English, and the usual Chinese names of census tables."""
        with override("en"):
            english = str(self.label)
        return {_norm(english), _norm(self.header), *map(_norm, self.aliases)}


def _f(key, label, aliases, parse="text", max_length=0, example=""):
    return Field(key, label, frozenset(aliases), parse, max_length, example)


# Columns both tables carry: the compound's registry code, street and name, and the year built.
_CODE = _f(
    "code",
    pgettext_lazy("census", "Registry code"),
    {"小区编码", "编码", "小区编号", "code"},
    max_length=32,
    example="QY-0001",
)
_STREET = _f(
    "street",
    pgettext_lazy("census", "Street office"),
    {"街道", "街道办", "镇街", "所属街道", "street"},
    example="草堂街道",
)
_COMPOUND_NAME = _f(
    "compound",
    pgettext_lazy("census", "Compound name"),
    {"小区名称", "小区", "院落名称", "compound"},
    max_length=128,
    example="浣花小区",
)
_YEAR_BUILT = _f(
    "year_built",
    pgettext_lazy("census", "Year built"),
    {"建成年份", "建成年代", "建成时间"},
    "year",
    example=1992,
)

COMPOUND_FIELDS = [
    _CODE,
    replace(_COMPOUND_NAME, key="name", aliases=_COMPOUND_NAME.aliases | {"name"}),
    _STREET,
    _f(
        "community",
        pgettext_lazy("census", "Community"),
        {"社区", "所属社区"},
        max_length=64,
        example="浣花社区",
    ),
    _f(
        "area",
        pgettext_lazy("census", "Area"),
        {"片区", "所属片区"},
        max_length=64,
        example="浣花片区",
    ),
    _f(
        "address",
        pgettext_lazy("census", "Address"),
        {"地址", "详细地址"},
        max_length=255,
        example="浣花北路1号",
    ),
    _YEAR_BUILT,
    _f(
        "building_count", pgettext_lazy("census", "Buildings"), {"楼栋数", "栋数"}, "int", example=6
    ),
    _f("households", pgettext_lazy("census", "Households"), {"户数", "总户数"}, "int", example=240),
    _f(
        "residents",
        pgettext_lazy("census", "Residents"),
        {"人口", "居住人口", "人数"},
        "int",
        example=680,
    ),
    _f(
        "floor_area",
        pgettext_lazy("census", "Floor area (m²)"),
        {"建筑面积", "建筑面积(㎡)", "建筑面积(m²)", "建筑面积(平方米)", "floor area"},
        "decimal",
        example=Decimal("18500.00"),
    ),
    _f(
        "survey_status",
        pgettext_lazy("census", "Survey status"),
        {"摸排结论", "摸排状态", "改造需求"},
        "status",
        example="符合改造条件",
    ),
    _f(
        "flag_incomplete_functions",
        pgettext_lazy("census", "Incomplete functions"),
        {"功能缺失", "功能不全"},
        "flag",
        example="是",
    ),
    _f(
        "flag_ageing_facilities",
        pgettext_lazy("census", "Ageing facilities"),
        {"设施老旧"},
        "flag",
        example="是",
    ),
    _f(
        "flag_poor_quality",
        pgettext_lazy("census", "Poor living quality"),
        {"品质不佳", "环境较差"},
        "flag",
        example="否",
    ),
    _f(
        "flag_poor_management",
        pgettext_lazy("census", "Poor management"),
        {"管理不善", "管理缺失"},
        "flag",
        example="是",
    ),
    _f(
        "flag_safety_hazard",
        pgettext_lazy("census", "Safety hazards"),
        {"安全隐患", "存在安全隐患"},
        "flag",
        example="否",
    ),
    _f("notes", pgettext_lazy("census", "Notes"), {"备注", "说明"}, example=""),
]
BUILDING_FIELDS = [
    replace(_CODE, key="compound_code"),
    _STREET,
    _COMPOUND_NAME,
    _f(
        "name",
        pgettext_lazy("census", "Building"),
        {"楼栋", "楼栋名称", "楼号", "楼栋号", "building name"},
        max_length=64,
        example="1栋",
    ),
    _f("floors", pgettext_lazy("census", "Floors"), {"层数", "楼层数"}, "int", example=6),
    _f("units", pgettext_lazy("census", "Units"), {"单元数"}, "int", example=2),
    _f("households", pgettext_lazy("census", "Households"), {"户数"}, "int", example=24),
    _f(
        "has_elevator",
        pgettext_lazy("census", "Has elevator"),
        {"有无电梯", "是否有电梯", "电梯", "有电梯"},
        "flag",
        example="否",
    ),
    _YEAR_BUILT,
]
BUILDING_MARKER = "name"  # a table with this building column is a buildings table


def _norm(text: object) -> str:
    value = str(text or "").strip().lower()
    return value.replace("（", "(").replace("）", ")").replace(" ", "").replace("\u3000", "")


COMPOUND_UPDATABLE = [
    spec.key for spec in COMPOUND_FIELDS if spec.key not in ("street", "community", "area")
]


def census_template(target) -> None:
    """The census workbook to fill in: a compounds sheet and a buildings sheet, each with its
    headers and one example row."""

    def table(title, fields: list[Field]) -> Table:
        types = {"int": "int", "year": "int", "decimal": "decimal"}
        columns = [
            Column(spec.header, types.get(spec.parse, "text"), max(10, len(spec.header) + 4))
            for spec in fields
        ]
        return Table(title, columns, [[spec.example for spec in fields]])

    write_workbook(
        [
            table(pgettext("sheet", "Compounds"), COMPOUND_FIELDS),
            table(pgettext("sheet", "Buildings"), BUILDING_FIELDS),
        ],
        target,
    )
