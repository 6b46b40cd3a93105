"""The work-type catalogue (改造内容), following the national guideline's three categories
(国办发〔2020〕23号) and the items the seed reports count. Loaded by a data migration and kept
in step by `work_types_sync`, so every installation has the same codes."""

from __future__ import annotations

from typing import NamedTuple


class WorkTypeSpec(NamedTuple):
    code: str
    name_zh: str
    name_en: str
    unit: str
    category: str


BAS, IMP, ENH = "basic", "improvement", "enhancement"

WORK_TYPES: tuple[WorkTypeSpec, ...] = (
    # 基础类: safety, utilities and the building's common parts.
    WorkTypeSpec("water-pipe", "供水管网改造", "Water supply pipes", "m", BAS),
    WorkTypeSpec("water-meter", "自来水户表改造", "Household water meters", "household", BAS),
    WorkTypeSpec("secondary-water", "二次供水设施改造", "Secondary water supply", "set", BAS),
    WorkTypeSpec("gas-pipe", "燃气管道敷设", "Gas pipes", "m", BAS),
    WorkTypeSpec("gas-connection", "天然气入户", "Gas connections", "household", BAS),
    WorkTypeSpec("power-upgrade", "供电增容改造", "Power supply upgrades", "household", BAS),
    WorkTypeSpec("rain-pipe", "雨水管埋设", "Rainwater pipes", "m", BAS),
    WorkTypeSpec("sewage-pipe", "污水管埋设", "Sewage pipes", "m", BAS),
    WorkTypeSpec("rain-sewage", "雨污分流改造", "Rain and sewage separation", "m", BAS),
    WorkTypeSpec("telecom-line", "通信线路埋设", "Telecom lines buried", "m", BAS),
    WorkTypeSpec("overhead-cables", "强弱电线缆规整", "Overhead cables tidied", "m", BAS),
    WorkTypeSpec("roof-waterproofing", "屋面防水", "Roof waterproofing", "m2", BAS),
    WorkTypeSpec("facade", "外墙立面整治", "Facade renovation", "m2", BAS),
    WorkTypeSpec("stairwell", "楼道及公共部位维修", "Stairwells and common parts", "building", BAS),
    WorkTypeSpec("doors-windows", "单元门窗更换", "Entrance doors and windows", "set", BAS),
    WorkTypeSpec("road-repair", "道路修缮", "Road repair", "m2", BAS),
    WorkTypeSpec("fire-facilities", "消防设施改造", "Fire-fighting facilities", "set", BAS),
    WorkTypeSpec("fire-access", "消防应急通道打通", "Fire and emergency access", "place", BAS),
    WorkTypeSpec("micro-fire-station", "微型消防站", "Micro fire stations", "station", BAS),
    WorkTypeSpec("structural-repair", "房屋结构加固维修", "Structural repair", "building", BAS),
    WorkTypeSpec("security-cctv", "智慧安防系统", "Smart security system", "set", BAS),
    WorkTypeSpec("lighting", "照明设施", "Lighting", "item", BAS),
    # 完善类: environment and supporting facilities.
    WorkTypeSpec("illegal-structures", "拆除违章建筑", "Illegal structures removed", "m2", IMP),
    WorkTypeSpec("wall-removal", "拆除围墙（拆墙并院）", "Boundary walls removed", "m2", IMP),
    WorkTypeSpec("parking-spaces", "停车位", "Parking spaces", "space", IMP),
    WorkTypeSpec("ev-chargers", "汽车充电桩", "EV chargers", "unit", IMP),
    WorkTypeSpec("ebike-chargers", "电动自行车充电设施", "E-bike charging points", "unit", IMP),
    WorkTypeSpec("bike-sheds", "非机动车棚", "Bicycle sheds", "item", IMP),
    WorkTypeSpec("elevators", "既有住宅加装电梯", "Elevators added", "unit", IMP),
    WorkTypeSpec("accessibility", "无障碍坡道及设施", "Accessibility ramps", "place", IMP),
    WorkTypeSpec("greening", "绿化提升", "Greening", "m2", IMP),
    WorkTypeSpec("trees", "移栽乔木", "Trees planted", "tree", IMP),
    WorkTypeSpec("sponge-paving", "透水铺装（海绵城市）", "Permeable paving", "m2", IMP),
    WorkTypeSpec("waste-sorting", "垃圾分类设施", "Waste sorting stations", "place", IMP),
    WorkTypeSpec("smart-access", "门禁及智慧停车系统", "Smart access and parking", "set", IMP),
    WorkTypeSpec("pavilions", "休息凉亭及长廊", "Pavilions and galleries", "item", IMP),
    WorkTypeSpec("fitness", "健身及文化休闲设施", "Fitness and leisure facilities", "place", IMP),
    WorkTypeSpec("property-rooms", "物业用房", "Property management rooms", "room", IMP),
    WorkTypeSpec("parcel-lockers", "智能快件箱", "Smart parcel lockers", "set", IMP),
    # 提升类: community services.
    WorkTypeSpec("elderly-care", "养老服务设施（日间照料）", "Elderly-care rooms", "room", ENH),
    WorkTypeSpec("child-care", "托育及儿童活动空间", "Child-care rooms", "room", ENH),
    WorkTypeSpec("community-canteen", "社区食堂（助餐点）", "Community canteens", "place", ENH),
    WorkTypeSpec("party-service-centre", "党群服务中心", "Community service centres", "place", ENH),
    WorkTypeSpec("health-station", "卫生服务站", "Health stations", "place", ENH),
    WorkTypeSpec("convenience-services", "便民服务设施", "Convenience services", "place", ENH),
)


def work_types_sync(work_type_model) -> int:
    """Create or update the catalogue; takes the model so a migration can pass its own."""
    national = work_type_model.objects.all()
    if any(field.name == "district" for field in work_type_model._meta.get_fields()):
        national = national.filter(district__isnull=True)  # not in the migration's old model
    existing = {wt.code: wt for wt in national}
    for order, spec in enumerate(WORK_TYPES, start=1):
        values = {
            "name_zh": spec.name_zh,
            "name_en": spec.name_en,
            "unit": spec.unit,
            "category": spec.category,
            "sort_order": order * 10,
        }
        current = existing.get(spec.code)
        if current is not None and all(getattr(current, k) == v for k, v in values.items()):
            continue  # unchanged: no write, no history row
        work_type_model.objects.update_or_create(code=spec.code, defaults=values)
    return len(WORK_TYPES)
