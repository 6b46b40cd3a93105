"""Plausible Chinese names for synthetic places, compounds, people and firms.

Provinces are the real 31 (ordered by urban population, which drives the skew); everything below
them is made up from common place-name characters, unique where the models require it (within the
parent). People's names are common surnames and given names; phone numbers have the shape of
mainland mobile numbers (11 digits, real carrier prefixes) so that masking shows “138****5678”.
"""

from __future__ import annotations

import random

# (name, GB code, capital) — by urban population, largest first.
PROVINCES: tuple[tuple[str, str, str], ...] = (
    ("广东省", "44", "广州市"),
    ("山东省", "37", "济南市"),
    ("江苏省", "32", "南京市"),
    ("河南省", "41", "郑州市"),
    ("浙江省", "33", "杭州市"),
    ("四川省", "51", "成都市"),
    ("河北省", "13", "石家庄市"),
    ("湖北省", "42", "武汉市"),
    ("湖南省", "43", "长沙市"),
    ("安徽省", "34", "合肥市"),
    ("辽宁省", "21", "沈阳市"),
    ("福建省", "35", "福州市"),
    ("上海市", "31", "上海市"),
    ("北京市", "11", "北京市"),
    ("陕西省", "61", "西安市"),
    ("江西省", "36", "南昌市"),
    ("广西壮族自治区", "45", "南宁市"),
    ("云南省", "53", "昆明市"),
    ("黑龙江省", "23", "哈尔滨市"),
    ("重庆市", "50", "重庆市"),
    ("山西省", "14", "太原市"),
    ("贵州省", "52", "贵阳市"),
    ("天津市", "12", "天津市"),
    ("吉林省", "22", "长春市"),
    ("内蒙古自治区", "15", "呼和浩特市"),
    ("新疆维吾尔自治区", "65", "乌鲁木齐市"),
    ("甘肃省", "62", "兰州市"),
    ("海南省", "46", "海口市"),
    ("宁夏回族自治区", "64", "银川市"),
    ("青海省", "63", "西宁市"),
    ("西藏自治区", "54", "拉萨市"),
)


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


PLACE_CHARS = (
    "东西南北中新华兴安和平康宁泰福春光明阳江河湖山林金玉龙凤长青红文武德仁义丰盛荣昌隆永嘉"
    "祥瑞顺通达建民胜利友谊团结前进朝晨曙星月云海天桥沙石松柏桃李梅兰竹锦绣鹤鸣清溪水乐园"
    "庆远怀宣定广临高宝三五双太白黄紫翠碧洪洛汉渭汾淮湘沅赣闽滨塘坪岭峰岗坝桥亭"
)
CITY_SUFFIXES = ("州市", "阳市", "山市", "江市", "安市", "城市", "宁市", "源市", "川市", "昌市")
DISTRICT_SUFFIXES = ("区", "区", "区", "县", "县", "市")
STREET_SUFFIXES = ("街道", "街道", "街道", "镇")
ROAD_SUFFIXES = ("路", "路", "街", "大道", "巷", "东路", "西路", "南路", "北路")
COMPOUND_WORDS = _words(
    "幸福 和平 建设 团结 光明 文化 友谊 胜利 新村 花园 人民 阳光 锦绣 朝阳 东风 红旗 前进 "
    "工农 教育 卫生 邮电 电力 水利 粮食 供销 纺织 机械 化工 铁路 交通 税务 银行 医药"
)
COMPOUND_KINDS = ("小区", "小区", "新村", "花园", "家属院", "宿舍", "苑", "里")
WORK_UNITS = _words(
    "第一棉纺厂 第二机床厂 市供电局 自来水公司 市第三中学 人民医院 粮食局 邮电局 铁路分局 "
    "化肥厂 农机厂 食品公司 百货公司 建筑公司 运输公司"
)
SURNAMES = (
    "王王王李李李张张张刘刘陈陈杨杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田"
    "董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛"
)
GIVEN = _words(
    "伟 芳 娜 秀英 敏 静 丽 强 磊 军 洋 勇 艳 杰 娟 涛 明 超 秀兰 霞 平 刚 桂英 建国 建华 "
    "国强 淑珍 玉兰 志强 德明 红梅 小红 海燕 文华 永红 丽华 春生 凤英 金花 长林 国华 素芳 "
    "建军 玉珍 福生 学文 秀珍 家明 晓东 卫东"
)
MOBILE_PREFIXES = _words(
    "130 131 132 133 135 136 137 138 139 150 151 152 153 155 156 157 158 159 177 180 181 182 "
    "183 186 187 188 189 199"
)
CONTRACTOR_WORDS = ("建设", "建筑", "市政", "城建", "建工", "路桥", "安装", "环境")
CONTRACTOR_TAILS = ("工程有限公司", "集团有限公司", "工程有限责任公司", "建设发展有限公司")
PROPERTY_FIRMS = ("物业服务有限公司", "物业管理有限公司", "城市服务有限公司")


class UniqueNamer:
    """Names unique within one parent: random combinations first, numbered ones if crowded."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()

    def __call__(self, suffixes: tuple[str, ...], length: int = 2) -> str:
        for _attempt in range(40):
            stem = "".join(self.rng.choice(PLACE_CHARS) for _ in range(length))
            name = stem + self.rng.choice(suffixes)
            if name not in self.used:
                self.used.add(name)
                return name
        n = len(self.used) + 1
        while True:
            name = f"第{n}{suffixes[0]}"
            if name not in self.used:
                self.used.add(name)
                return name
            n += 1


def person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def mobile(rng: random.Random) -> str:
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(100_000_000):08d}"


def roads(rng: random.Random, count: int) -> list[str]:
    namer = UniqueNamer(rng)
    return [namer(ROAD_SUFFIXES) for _ in range(count)]


def compound_name(rng: random.Random, road: str) -> str:
    roll = rng.random()
    if roll < 0.35:
        return f"{road}{rng.randint(1, 260)}号院"
    if roll < 0.55:
        return f"{rng.choice(WORK_UNITS)}{rng.choice(('宿舍', '家属院', '生活区'))}"
    word = rng.choice(COMPOUND_WORDS)
    return f"{road[:2]}{word}{rng.choice(COMPOUND_KINDS)}"


def contractor(rng: random.Random, city: str) -> str:
    stem = city.removesuffix("市")[:2]
    return f"{stem}{rng.choice(CONTRACTOR_WORDS)}{rng.choice(CONTRACTOR_TAILS)}"


def property_firm(rng: random.Random, city: str) -> str:
    stem = city.removesuffix("市")[:2]
    return f"{stem}{rng.choice(PLACE_CHARS)}{rng.choice(PLACE_CHARS)}{rng.choice(PROPERTY_FIRMS)}"
