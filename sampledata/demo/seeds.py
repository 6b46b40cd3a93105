"""The published figures of the seed reports (../shared/seeds), and the demo geography.

Figures marked "seed" are quoted from the reports and must come back exactly from the
platform's aggregates; everything else (names of generated compounds, contractors, how a total is
spread over compounds) is illustrative demo data.
"""

from __future__ import annotations

from decimal import Decimal

# The documented demo password (README), set only by load_demo, never by migrations.
DEMO_PASSWORD = "demo-pass-2026"  # nosec B105
RANDOM_SEED = 20260101

# --- 成都市青羊区 (seed 000: 人民日报《成都青羊推动老旧小区连片改造》) -------------------------

QINGYANG = {
    "province": ("四川省", "51"),
    "city": ("成都市", "5101"),
    "district": ("青羊区", "510105"),
}
QY_CENSUS_TOTAL = 1891  # seed: 全区1891个小区（院落）排查
QY_OLD = 1267  # seed: 2004年底前建成的老旧小区1267个
QY_GOOD = 185  # seed: 现状良好、暂无需改造
QY_REDEVELOPED = 48  # seed: 已实施棚改
QY_ELIGIBLE = 1034  # seed: 符合改造标准
QY_13TH = 415  # seed: “十三五”期间已改造415个
QY_13TH_HOUSEHOLDS = 35_200  # seed: 惠及居民3.5万余户 (exact figure chosen for the demo)
QY_13TH_BY_YEAR = {2016: 52, 2017: 68, 2018: 85, 2019: 98, 2020: 112}  # illustrative
QY_14TH = 619  # seed
QY_14TH_HOUSEHOLDS = 57_800  # seed: 5.78万户
QY_14TH_BY_YEAR = {2021: 50, 2022: 162, 2023: 186, 2024: 221}  # seed
QY_ELEVATORS_TOTAL = 676  # seed: 既有住宅加装电梯共676台 (not loaded: no per-building data)

QY_STREETS: dict[str, list[str]] = {
    "西御河街道": ["东城根街社区", "西御街社区", "八宝街社区"],
    "草市街街道": ["小关庙社区", "锣锅巷社区", "江汉路社区"],
    "少城街道": ["宽巷子社区", "将军街社区", "东门街社区"],
    "草堂街道": ["草堂路社区", "浣花溪社区", "青华路社区"],
    "府南街道": ["清溪社区", "双清路社区", "西安路社区"],
    "光华街道": ["光华村社区", "群和社区", "日月社区"],
    "苏坡街道": ["清源社区", "苏坡社区", "培风社区"],
}
# Roads used to name generated compounds (“X路N号”), per street.
QY_ROADS: dict[str, list[str]] = {
    "西御河街道": [
        "东城根上街",
        "西御街",
        "羊市街",
        "八宝街",
        "白家塘街",
        "通顺街",
        "东马道街",
        "西马道街",
        "上翔街",
    ],
    "草市街街道": [
        "草市街",
        "白丝街",
        "太升南路",
        "骡马市街",
        "玉泉街",
        "锣锅巷",
        "东珠市巷",
        "江汉路",
        "小关庙街",
    ],
    "少城街道": [
        "长顺上街",
        "长顺中街",
        "方池街",
        "包家巷",
        "将军街",
        "东胜街",
        "实业街",
        "泡桐树街",
        "红光路",
    ],
    "草堂街道": [
        "草堂路",
        "浣花北路",
        "浣花南路",
        "青华路",
        "送仙桥直街",
        "草堂北路",
        "百花西路",
        "琴台路",
    ],
    "府南街道": [
        "清溪东街",
        "清溪西路",
        "双清中路",
        "双清北路",
        "芳邻路",
        "西安中路",
        "少陵路",
        "清江中路",
    ],
    "光华街道": ["光华村街", "群和路", "光华北一路", "光华东三路", "同和路", "日月大道一段"],
    "苏坡街道": ["苏坡中路", "清源街", "培风路", "培中路", "金鹏街", "苏坡东路"],
}
# The 8 areas of the seed (8个片区) and the street each is mostly in (illustrative).
QY_AREAS: dict[str, str] = {
    "清溪片区": "府南街道",
    "送仙桥片区": "草堂街道",
    "方池街—包家巷片区": "少城街道",
    "上翔街片区": "西御河街道",
    "骡马市片区": "草市街街道",
    "太升南路片区": "草市街街道",
    "红光片区": "少城街道",
    "玉泉片区": "草市街街道",
}
# Weights of the streets in the programmes (西御河、草市街、少城、草堂、府南 are the seed's focus).
QY_STREET_WEIGHTS = {
    "西御河街道": 17,
    "草市街街道": 17,
    "少城街道": 17,
    "草堂街道": 18,
    "府南街道": 16,
    "光华街道": 8,
    "苏坡街道": 7,
}

# Named compounds (seed), with demo figures. programme: "13" / "14" (+ year).
QY_NAMED = [
    # name, street, community, programme, year, households, buildings, year_built, area
    ("浣花小区", "草堂街道", "浣花溪社区", "14", 2021, 486, 12, 1996, "送仙桥片区"),
    ("芳邻路2号", "府南街道", "双清路社区", "13", 2019, 96, 3, 1990, None),
    ("群和街2号", "光华街道", "群和社区", "14", 2022, 120, 4, 1993, None),
    ("双清中路98号教师公寓", "府南街道", "双清路社区", "14", 2022, 372, 8, 1998, "清溪片区"),
    ("培中路80号", "苏坡街道", "培风社区", "14", 2022, 88, 3, 1997, None),
    ("同瑞园", "光华街道", "光华村社区", "14", 2022, 210, 6, 2001, None),
    ("小福建营巷", "西御河街道", "八宝街社区", "14", 2022, 64, 3, 1988, None),
]

QY_CONTRACTORS = [
    "成都建工第三建筑工程有限公司",
    "四川省第六建筑有限公司",
    "中国五冶集团有限公司",
    "成都城投建筑工程有限公司",
    "四川华西建筑装饰工程有限公司",
    "成都青羊城乡建设发展有限公司",
    "中铁二十四局集团有限公司",
    "四川蓉城建筑工程有限公司",
]

# --- 玉溪市峨山彝族自治县 (seed 002: 推倒围院墙 打通隔心墙) ------------------------------------

ESHAN = {
    "province": ("云南省", "53"),
    "city": ("玉溪市", "5304"),
    "district": ("峨山彝族自治县", "530426"),
}
ES_TOTAL = {  # seed: 67个小区、150幢、2911户8733人、23.4万平方米、2.4亿元
    "compounds": 67,
    "buildings": 150,
    "households": 2911,
    "residents": 8733,
    "floor_area": Decimal("234000.00"),
    "budget": Decimal("240000000.00"),
}
ES_PHASE1 = {  # seed: 一期22个小区、54幢、1104户、7.5万平方米、计划总投资3200万元
    "compounds": 22,
    "buildings": 54,
    "households": 1104,
    "floor_area": Decimal("75000.00"),
    "budget": Decimal("32000000.00"),
}
ES_PHASE2_COMPOUNDS = 23  # illustrative split of the remaining 45 compounds
ES_PHASE1_AREAS = 6  # seed: 6个片区74个网格
ES_PHASE1_GRIDS = 74
ES_PHASE1_SURVEY_FORMS = 1064  # seed: 发放一期项目民意调查表1064份
ES_PHASE1_SUGGESTIONS = 56  # seed: 汇总意见建议56个
# seed: phase-1 quantities (work-type code -> total, projects that have the item)
ES_PHASE1_WORKS: dict[str, tuple[int, int]] = {
    "wall-removal": (2000, 14),  # 拆除围墙2000平方米
    "illegal-structures": (440, 12),  # 拆除临违建筑440平方米
    "parking-spaces": (330, 18),  # 净增加330余个
    "rain-pipe": (2537, 22),  # 雨水管2537米
    "sewage-pipe": (2638, 22),  # 污水管2638米
    "telecom-line": (6345, 22),  # 通信线路6345米
    "gas-pipe": (2659, 22),  # 天然气管道2659米
    "pavilions": (11, 8),  # 休息凉亭9个、长廊2个
    "bike-sheds": (11, 11),  # 单车棚11个
    "trees": (463, 20),  # 移栽乔木463株
}
ES_STREETS: dict[str, list[str]] = {
    "双江街道": ["城中社区", "城南社区", "城北社区", "彝和社区"],
    "小街街道": ["小街社区", "宝泉社区"],
}
ES_AREAS = ["玉峨路片区", "文化路片区", "双江路片区", "彝和片区", "城南片区", "小街片区"]
ES_ROADS = {
    "双江街道": ["玉峨路", "文化路", "双江路", "彝和路", "嶍峨路", "北门路", "南门路"],
    "小街街道": ["小街路", "宝泉路", "新平路"],
}
ES_CONTRACTORS = [
    "云南建投第九建设有限公司",
    "玉溪市建筑工程有限公司",
    "峨山县城乡建设开发有限公司",
]

# --- 洛阳市西工区 (seed 004: 洛阳西工区老旧小区改造) ------------------------------------------

XIGONG = {
    "province": ("河南省", "41"),
    "city": ("洛阳市", "4103"),
    "district": ("西工区", "410303"),
}
XG_COMPOUNDS = 537  # seed
XG_AREAS = 30  # seed
XG_COMPLETED = 259  # seed
XG_COMPLETED_HOUSEHOLDS = 38_000  # seed: 约3.8万户
XG_COMPLETED_RESIDENTS = 152_000  # seed: 15.2万余人
XG_COMPLETED_BY_YEAR = {2021: 45, 2022: 58, 2023: 60, 2024: 52, 2025: 44}  # illustrative
XG_STREETS = [
    "王城路街道",
    "金谷园街道",
    "西工街道",
    "邙岭路街道",
    "道北路街道",
    "唐宫路街道",
    "汉屯路街道",
    "凯旋东路街道",
    "红山街道",
    "洛北街道",
]
XG_AREA_NAMES = [
    "西工兵营片区",
    "道南路片区",
    "凯旋东路片区",
    "芳林路片区",
    "汉屯路片区",
    "唐宫中路片区",
    "王城大道片区",
    "金谷园路片区",
    "邙岭路片区",
    "道北路片区",
    "红山片区",
    "洛北片区",
    "中州中路片区",
    "纱厂路片区",
    "九都路片区",
    "西工小街片区",
    "解放路片区",
    "健康路片区",
    "七一路片区",
    "凯旋西路片区",
    "体育场路片区",
    "东涧沟片区",
    "史家屯片区",
    "武汉路片区",
    "纱厂南路片区",
    "八一路片区",
    "唐宫西路片区",
    "金谷园西片区",
    "火车站片区",
    "邙山路片区",
]
XG_ROADS = [
    "道南路",
    "凯旋东路",
    "芳林路",
    "汉屯路",
    "唐宫中路",
    "王城大道",
    "金谷园路",
    "邙岭路",
    "道北路",
    "红山路",
    "中州中路",
    "纱厂路",
    "九都路",
    "西工小街",
    "解放路",
    "健康路",
    "七一路",
    "凯旋西路",
    "体育场路",
    "东涧沟路",
    "武汉路",
    "八一路",
    "唐宫西路",
    "史家屯路",
]
XG_CONTRACTORS = [
    "洛阳城市建设勘察设计院有限公司",
    "中国一拖建设工程有限公司",
    "河南六建建筑集团有限公司",
    "洛阳建工集团有限公司",
    "中建七局第二建筑有限公司",
]

# --- 南通市 2023 plan (seed 003: 南通市住房和城乡建设局答复), loaded under 崇川区 ------------

NANTONG = {
    "province": ("江苏省", "32"),
    "city": ("南通市", "3206"),
    "district": ("崇川区", "320613"),
}
NT_2023 = {  # seed: 项目68个、总投资约15.4亿元、建筑面积约300.8万平方米、907栋、29234户
    "compounds": 68,
    "buildings": 907,
    "households": 29_234,
    "floor_area": Decimal("3008000.00"),
    "budget": Decimal("1540000000.00"),
}
NT_STREETS = [
    "和平桥街道",
    "城东街道",
    "狼山镇街道",
    "观音山街道",
    "新城桥街道",
    "虹桥街道",
    "学田街道",
    "钟秀街道",
    "文峰街道",
    "唐闸镇街道",
]
NT_ROADS = [
    "工农路",
    "人民中路",
    "青年中路",
    "跃龙路",
    "虹桥路",
    "濠西路",
    "城山路",
    "桃坞路",
    "钟秀路",
    "文峰路",
    "唐闸路",
    "长桥路",
]
NT_CONTRACTORS = [
    "南通四建集团有限公司",
    "南通三建控股有限公司",
    "南通新华建筑集团有限公司",
    "江苏南通二建集团有限公司",
]

ACCEPTANCE_PARTICIPANTS = "建设单位、设计单位、施工单位、监理单位、街道办事处、社区居委会、居民代表"
