"""Word lists the demo generator draws from: places, topics, people, institutions, species.

Every entry is a Chinese/English pair so generated records are bilingual and the
two titles of one record say the same thing. The lists are written here by hand;
no real platform's records were copied.
"""

from __future__ import annotations

from typing import NamedTuple


class Pair(NamedTuple):
    zh: str
    en: str


class Topic(NamedTuple):
    """A dataset theme: what is measured, its keywords and its GB/T 13745 subject code."""

    zh: str
    en: str
    keywords: tuple[Pair, ...]
    subject: str
    oai_set: str


SUBJECTS: dict[str, Pair] = {
    "110": Pair("数学", "Mathematics"),
    "140": Pair("物理学", "Physics"),
    "150": Pair("化学", "Chemistry"),
    "160": Pair("天文学", "Astronomy"),
    "170": Pair("地球科学", "Earth Sciences"),
    "180": Pair("生物学", "Biology"),
    "210": Pair("农学", "Agronomy"),
    "220": Pair("林学", "Forestry"),
    "610": Pair("环境科学技术及资源科学技术", "Environmental and Resource Science and Technology"),
}
"""GB/T 13745-2009 first-level discipline codes used by the demo."""


def _k(*pairs: tuple[str, str]) -> tuple[Pair, ...]:
    return tuple(Pair(zh, en) for zh, en in pairs)


CRYOSPHERE_REGIONS: tuple[Pair, ...] = (
    Pair("青藏高原", "Tibetan Plateau"),
    Pair("祁连山", "Qilian Mountains"),
    Pair("天山", "Tianshan Mountains"),
    Pair("阿尔泰山", "Altai Mountains"),
    Pair("喜马拉雅山", "Himalayas"),
    Pair("帕米尔高原", "Pamir Plateau"),
    Pair("黑河流域", "Heihe River Basin"),
    Pair("疏勒河流域", "Shule River Basin"),
    Pair("长江源区", "source region of the Yangtze River"),
    Pair("黄河源区", "source region of the Yellow River"),
    Pair("青海湖流域", "Qinghai Lake Basin"),
    Pair("塔克拉玛干沙漠", "Taklimakan Desert"),
    Pair("巴丹吉林沙漠", "Badain Jaran Desert"),
    Pair("腾格里沙漠", "Tengger Desert"),
    Pair("库布齐沙漠", "Kubuqi Desert"),
    Pair("科尔沁沙地", "Horqin Sandy Land"),
    Pair("毛乌素沙地", "Mu Us Sandy Land"),
    Pair("大兴安岭", "Greater Khingan Range"),
)

CRYOSPHERE_TOPICS: tuple[Topic, ...] = (
    Topic(
        "冰川物质平衡",
        "glacier mass balance",
        _k(("冰川", "glacier"), ("物质平衡", "mass balance"), ("气候变化", "climate change")),
        "170",
        "glacier",
    ),
    Topic(
        "冰川边界矢量",
        "glacier outlines",
        _k(("冰川", "glacier"), ("冰川编目", "glacier inventory"), ("遥感", "remote sensing")),
        "170",
        "glacier",
    ),
    Topic(
        "冰川表面流速",
        "glacier surface velocity",
        _k(("冰川", "glacier"), ("冰川运动", "ice flow"), ("遥感", "remote sensing")),
        "170",
        "glacier",
    ),
    Topic(
        "冰芯氧同位素记录",
        "ice core oxygen isotope record",
        _k(("冰芯", "ice core"), ("稳定同位素", "stable isotopes"), ("古气候", "paleoclimate")),
        "170",
        "glacier",
    ),
    Topic(
        "多年冻土地温",
        "permafrost ground temperature",
        _k(("冻土", "permafrost"), ("地温", "ground temperature"), ("钻孔", "borehole")),
        "170",
        "permafrost",
    ),
    Topic(
        "冻土活动层厚度",
        "permafrost active layer thickness",
        _k(("冻土", "permafrost"), ("活动层", "active layer"), ("冻融", "freeze-thaw")),
        "170",
        "permafrost",
    ),
    Topic(
        "季节冻土冻结深度",
        "seasonally frozen ground depth",
        _k(("冻土", "frozen ground"), ("冻结深度", "frost depth"), ("气象站", "weather station")),
        "170",
        "permafrost",
    ),
    Topic(
        "积雪深度",
        "snow depth",
        _k(("积雪", "snow"), ("雪深", "snow depth"), ("被动微波", "passive microwave")),
        "170",
        "snow",
    ),
    Topic(
        "积雪覆盖范围",
        "snow cover extent",
        _k(("积雪", "snow"), ("积雪覆盖", "snow cover"), ("MODIS", "MODIS")),
        "170",
        "snow",
    ),
    Topic(
        "湖冰物候",
        "lake ice phenology",
        _k(("湖冰", "lake ice"), ("物候", "phenology"), ("遥感", "remote sensing")),
        "170",
        "hydrology",
    ),
    Topic(
        "沙丘移动速率",
        "sand dune migration rate",
        _k(("沙漠", "desert"), ("沙丘", "sand dune"), ("风沙地貌", "aeolian landform")),
        "170",
        "desert",
    ),
    Topic(
        "风沙输移通量",
        "aeolian sand flux",
        _k(("沙漠", "desert"), ("风沙", "aeolian sand"), ("输沙率", "sand transport rate")),
        "170",
        "desert",
    ),
    Topic(
        "沙尘暴事件",
        "dust storm events",
        _k(("沙尘暴", "dust storm"), ("沙漠", "desert"), ("大气气溶胶", "aerosol")),
        "170",
        "desert",
    ),
    Topic(
        "荒漠植被覆盖度",
        "desert vegetation cover",
        _k(("荒漠", "desert"), ("植被覆盖度", "vegetation cover"), ("NDVI", "NDVI")),
        "180",
        "desert",
    ),
    Topic(
        "土壤水分",
        "soil moisture",
        _k(("土壤", "soil"), ("土壤水分", "soil moisture"), ("观测网", "observation network")),
        "170",
        "hydrology",
    ),
    Topic(
        "土壤有机碳",
        "soil organic carbon",
        _k(("土壤", "soil"), ("有机碳", "organic carbon"), ("碳循环", "carbon cycle")),
        "170",
        "permafrost",
    ),
    Topic(
        "河川径流",
        "river discharge",
        _k(("径流", "runoff"), ("水文", "hydrology"), ("流域", "river basin")),
        "170",
        "hydrology",
    ),
    Topic(
        "地表蒸散发",
        "evapotranspiration",
        _k(
            ("蒸散发", "evapotranspiration"),
            ("水循环", "water cycle"),
            ("涡度相关", "eddy covariance"),
        ),
        "170",
        "hydrology",
    ),
    Topic(
        "高寒草地地上生物量",
        "alpine grassland aboveground biomass",
        _k(("草地", "grassland"), ("生物量", "biomass"), ("高寒生态", "alpine ecology")),
        "180",
        "hydrology",
    ),
    Topic(
        "近地表气象要素",
        "near-surface meteorological variables",
        _k(("气象", "meteorology"), ("气温", "air temperature"), ("降水", "precipitation")),
        "170",
        "hydrology",
    ),
)

CRYOSPHERE_FORMS: tuple[Pair, ...] = (
    Pair("{region}{topic}数据集（{y1}—{y2}年）", "{Topic} dataset of the {region} ({y1}-{y2})"),
    Pair(
        "{region}{topic}逐日观测数据（{y1}—{y2}）",
        "Daily {topic} observations in the {region}, {y1}-{y2}",
    ),
    Pair(
        "{region}{res}米分辨率{topic}产品（{y1}—{y2}）",
        "{res} m {topic} product for the {region} ({y1}-{y2})",
    ),
    Pair(
        "{region}{station}站{topic}观测数据（{y1}—{y2}）",
        "{Topic} at {station_en} station, {region} ({y1}-{y2})",
    ),
    Pair(
        "{y1}—{y2}年{region}{topic}时空分布数据",
        "Spatio-temporal {topic} in the {region}, {y1}-{y2}",
    ),
)

STATIONS: tuple[Pair, ...] = (
    Pair("唐古拉", "Tanggula"),
    Pair("五道梁", "Wudaoliang"),
    Pair("天山冰川", "Tianshan Glaciological"),
    Pair("沙坡头", "Shapotou"),
    Pair("策勒", "Qira"),
    Pair("阿柔", "A'rou"),
    Pair("玉龙雪山", "Yulong Snow Mountain"),
    Pair("珠峰", "Qomolangma"),
    Pair("纳木错", "Nam Co"),
    Pair("临泽", "Linze"),
)

BASIC_TOPICS: tuple[Topic, ...] = (
    Topic(
        "中子散射谱",
        "neutron scattering spectra",
        _k(("中子散射", "neutron scattering"), ("凝聚态物理", "condensed matter physics")),
        "140",
        "physics",
    ),
    Topic(
        "超导薄膜输运测量",
        "transport measurements of superconducting films",
        _k(("超导", "superconductivity"), ("电输运", "electrical transport")),
        "140",
        "physics",
    ),
    Topic(
        "同步辐射X射线衍射图谱",
        "synchrotron X-ray diffraction patterns",
        _k(("同步辐射", "synchrotron radiation"), ("X射线衍射", "X-ray diffraction")),
        "140",
        "physics",
    ),
    Topic(
        "量子点荧光光谱",
        "quantum dot photoluminescence spectra",
        _k(("量子点", "quantum dot"), ("荧光光谱", "photoluminescence")),
        "140",
        "physics",
    ),
    Topic(
        "拓扑材料能带计算",
        "band structures of topological materials",
        _k(("拓扑材料", "topological materials"), ("第一性原理", "first-principles")),
        "140",
        "physics",
    ),
    Topic(
        "宇宙线缪子通量",
        "cosmic-ray muon flux",
        _k(("宇宙线", "cosmic rays"), ("缪子", "muon")),
        "140",
        "physics",
    ),
    Topic(
        "有机化合物核磁共振谱",
        "NMR spectra of organic compounds",
        _k(("核磁共振", "NMR"), ("有机化合物", "organic compounds")),
        "150",
        "chemistry",
    ),
    Topic(
        "金属有机框架晶体结构",
        "crystal structures of metal-organic frameworks",
        _k(("金属有机框架", "metal-organic framework"), ("晶体结构", "crystal structure")),
        "150",
        "chemistry",
    ),
    Topic(
        "多相催化反应动力学",
        "heterogeneous catalysis kinetics",
        _k(("催化", "catalysis"), ("反应动力学", "reaction kinetics")),
        "150",
        "chemistry",
    ),
    Topic(
        "锂电池电解液物性",
        "lithium battery electrolyte properties",
        _k(("锂电池", "lithium battery"), ("电解液", "electrolyte")),
        "150",
        "chemistry",
    ),
    Topic(
        "分子密度泛函计算",
        "density functional theory calculations of molecules",
        _k(("密度泛函", "density functional theory"), ("量子化学", "quantum chemistry")),
        "150",
        "chemistry",
    ),
    Topic(
        "大气挥发性有机物质谱",
        "mass spectra of atmospheric volatile organic compounds",
        _k(("质谱", "mass spectrometry"), ("挥发性有机物", "VOCs")),
        "150",
        "chemistry",
    ),
    Topic(
        "椭圆曲线数据库",
        "elliptic curve database",
        _k(("椭圆曲线", "elliptic curves"), ("数论", "number theory")),
        "110",
        "mathematics",
    ),
    Topic(
        "素数间隙表",
        "prime gap tables",
        _k(("素数", "prime numbers"), ("数论", "number theory")),
        "110",
        "mathematics",
    ),
    Topic(
        "图论基准实例",
        "graph theory benchmark instances",
        _k(("图论", "graph theory"), ("组合优化", "combinatorial optimization")),
        "110",
        "mathematics",
    ),
    Topic(
        "偏微分方程数值解基准",
        "numerical PDE benchmark solutions",
        _k(("偏微分方程", "partial differential equations"), ("数值计算", "numerical computation")),
        "110",
        "mathematics",
    ),
    Topic(
        "随机矩阵特征值样本",
        "random matrix eigenvalue samples",
        _k(("随机矩阵", "random matrices"), ("概率论", "probability theory")),
        "110",
        "mathematics",
    ),
    Topic(
        "恒星光谱巡天",
        "stellar spectroscopic survey",
        _k(("恒星光谱", "stellar spectra"), ("LAMOST", "LAMOST")),
        "160",
        "astronomy",
    ),
    Topic(
        "变星光变曲线",
        "variable star light curves",
        _k(("变星", "variable stars"), ("测光", "photometry")),
        "160",
        "astronomy",
    ),
    Topic(
        "星系红移星表",
        "galaxy redshift catalogue",
        _k(("星系", "galaxies"), ("红移", "redshift")),
        "160",
        "astronomy",
    ),
    Topic(
        "太阳射电爆发",
        "solar radio bursts",
        _k(("太阳", "Sun"), ("射电", "radio astronomy")),
        "160",
        "astronomy",
    ),
    Topic(
        "脉冲星计时观测",
        "pulsar timing observations",
        _k(("脉冲星", "pulsar"), ("FAST", "FAST")),
        "160",
        "astronomy",
    ),
)

BASIC_QUALIFIERS: tuple[Pair, ...] = (
    Pair("样品批次{n}", "sample batch {n}"),
    Pair("第{n}期", "release {n}"),
    Pair("{y1}年观测季", "{y1} observing season"),
    Pair("{n}号实验", "experiment {n}"),
    Pair("{y1}年度", "{y1} edition"),
)

GENERAL_REGIONS: tuple[Pair, ...] = (
    Pair("华北平原", "North China Plain"),
    Pair("长江中下游", "middle and lower Yangtze River"),
    Pair("黄土高原", "Loess Plateau"),
    Pair("东北黑土区", "black soil region of Northeast China"),
    Pair("珠江三角洲", "Pearl River Delta"),
    Pair("京津冀地区", "Beijing-Tianjin-Hebei region"),
    Pair("云南省", "Yunnan Province"),
    Pair("海南岛", "Hainan Island"),
    Pair("三江源", "Three-River Source Region"),
    Pair("鄱阳湖", "Poyang Lake"),
    Pair("秦岭", "Qinling Mountains"),
    Pair("全国", "China"),
)

GENERAL_TOPICS: tuple[Topic, ...] = (
    Topic(
        "鸟类多样性调查",
        "bird diversity survey",
        _k(("鸟类", "birds"), ("生物多样性", "biodiversity"), ("生态学", "ecology")),
        "180",
        "ecology",
    ),
    Topic(
        "森林样地群落调查",
        "forest plot community census",
        _k(("森林", "forest"), ("样地", "plot"), ("生态学", "ecology")),
        "220",
        "ecology",
    ),
    Topic(
        "植物物候观测",
        "plant phenology observations",
        _k(("物候", "phenology"), ("植物", "plants"), ("气候变化", "climate change")),
        "180",
        "ecology",
    ),
    Topic(
        "土壤重金属含量",
        "soil heavy metal content",
        _k(("土壤", "soil"), ("重金属", "heavy metals"), ("污染", "pollution")),
        "610",
        "environment",
    ),
    Topic(
        "土壤微生物群落",
        "soil microbial communities",
        _k(
            ("土壤", "soil"),
            ("微生物", "microorganisms"),
            ("高通量测序", "high-throughput sequencing"),
        ),
        "180",
        "ecology",
    ),
    Topic(
        "PM2.5浓度",
        "PM2.5 concentration",
        _k(
            ("空气质量", "air quality"), ("PM2.5", "PM2.5"), ("大气环境", "atmospheric environment")
        ),
        "610",
        "environment",
    ),
    Topic(
        "城市热岛强度",
        "urban heat island intensity",
        _k(("城市热岛", "urban heat island"), ("地表温度", "land surface temperature")),
        "170",
        "environment",
    ),
    Topic(
        "土地覆盖分类",
        "land cover classification",
        _k(("土地覆盖", "land cover"), ("遥感", "remote sensing")),
        "170",
        "earth",
    ),
    Topic(
        "作物产量与气象",
        "crop yield and weather",
        _k(("作物产量", "crop yield"), ("农业气象", "agrometeorology")),
        "210",
        "agriculture",
    ),
    Topic(
        "农田温室气体通量",
        "cropland greenhouse gas fluxes",
        _k(("温室气体", "greenhouse gases"), ("农田", "cropland"), ("碳循环", "carbon cycle")),
        "210",
        "agriculture",
    ),
    Topic(
        "湖泊水质监测",
        "lake water quality monitoring",
        _k(("水质", "water quality"), ("湖泊", "lakes")),
        "610",
        "environment",
    ),
    Topic(
        "地震台站波形",
        "seismic station waveforms",
        _k(("地震", "earthquakes"), ("波形", "waveforms")),
        "170",
        "earth",
    ),
    Topic(
        "钙钛矿太阳能电池效率",
        "perovskite solar cell efficiency",
        _k(("钙钛矿", "perovskite"), ("太阳能电池", "solar cells")),
        "150",
        "materials",
    ),
    Topic(
        "高熵合金力学性能",
        "mechanical properties of high-entropy alloys",
        _k(("高熵合金", "high-entropy alloys"), ("力学性能", "mechanical properties")),
        "140",
        "materials",
    ),
)

GENERAL_FORMS: tuple[Pair, ...] = (
    Pair("{region}{topic}数据（{y1}—{y2}）", "{Topic} data for the {region} ({y1}-{y2})"),
    Pair("{y1}—{y2}年{region}{topic}数据集", "{Topic} dataset, {region}, {y1}-{y2}"),
    Pair("{region}{topic}：{n}个站点的观测", "{Topic} in the {region}: observations at {n} sites"),
)

SURNAMES: tuple[Pair, ...] = tuple(
    Pair(zh, en)
    for zh, en in (
        ("王", "Wang"),
        ("李", "Li"),
        ("张", "Zhang"),
        ("刘", "Liu"),
        ("陈", "Chen"),
        ("杨", "Yang"),
        ("赵", "Zhao"),
        ("黄", "Huang"),
        ("周", "Zhou"),
        ("吴", "Wu"),
        ("徐", "Xu"),
        ("孙", "Sun"),
        ("胡", "Hu"),
        ("朱", "Zhu"),
        ("高", "Gao"),
        ("林", "Lin"),
        ("何", "He"),
        ("郭", "Guo"),
        ("马", "Ma"),
        ("罗", "Luo"),
        ("梁", "Liang"),
        ("宋", "Song"),
        ("郑", "Zheng"),
        ("谢", "Xie"),
        ("韩", "Han"),
        ("唐", "Tang"),
        ("冯", "Feng"),
        ("秦", "Qin"),
        ("康", "Kang"),
        ("丁", "Ding"),
    )
)

GIVEN_CHARS: tuple[Pair, ...] = tuple(
    Pair(zh, en)
    for zh, en in (
        ("伟", "wei"),
        ("芳", "fang"),
        ("敏", "min"),
        ("静", "jing"),
        ("磊", "lei"),
        ("强", "qiang"),
        ("军", "jun"),
        ("洋", "yang"),
        ("勇", "yong"),
        ("艳", "yan"),
        ("杰", "jie"),
        ("涛", "tao"),
        ("明", "ming"),
        ("超", "chao"),
        ("霞", "xia"),
        ("平", "ping"),
        ("刚", "gang"),
        ("英", "ying"),
        ("华", "hua"),
        ("建", "jian"),
        ("文", "wen"),
        ("鹏", "peng"),
        ("宇", "yu"),
        ("晨", "chen"),
        ("婷", "ting"),
        ("浩", "hao"),
        ("琳", "lin"),
        ("雪", "xue"),
        ("峰", "feng"),
        ("蕾", "lei"),
    )
)

INSTITUTIONS: dict[str, tuple[Pair, ...]] = {
    "cryosphere": (
        Pair(
            "中国科学院西北生态环境资源研究院",
            "Northwest Institute of Eco-Environment and Resources, CAS",
        ),
        Pair("中国科学院青藏高原研究所", "Institute of Tibetan Plateau Research, CAS"),
        Pair("兰州大学", "Lanzhou University"),
        Pair("中国科学院新疆生态与地理研究所", "Xinjiang Institute of Ecology and Geography, CAS"),
        Pair("北京师范大学", "Beijing Normal University"),
    ),
    "basic": (
        Pair("中国科学院物理研究所", "Institute of Physics, CAS"),
        Pair("中国科学院化学研究所", "Institute of Chemistry, CAS"),
        Pair("中国科学院数学与系统科学研究院", "Academy of Mathematics and Systems Science, CAS"),
        Pair("中国科学院国家天文台", "National Astronomical Observatories, CAS"),
        Pair("中国科学技术大学", "University of Science and Technology of China"),
        Pair("北京大学", "Peking University"),
    ),
    "crop": (
        Pair("中国农业科学院作物科学研究所", "Institute of Crop Sciences, CAAS"),
        Pair("南京农业大学", "Nanjing Agricultural University"),
        Pair("华中农业大学", "Huazhong Agricultural University"),
        Pair("云南省农业科学院", "Yunnan Academy of Agricultural Sciences"),
        Pair("黑龙江省农业科学院", "Heilongjiang Academy of Agricultural Sciences"),
    ),
    "microbe": (
        Pair("中国科学院微生物研究所", "Institute of Microbiology, CAS"),
        Pair(
            "中国农业科学院农业资源与农业区划研究所",
            "Institute of Agricultural Resources and Regional Planning, CAAS",
        ),
        Pair("江南大学", "Jiangnan University"),
        Pair("中国农业大学", "China Agricultural University"),
    ),
    "general": (
        Pair("中国科学院计算机网络信息中心", "Computer Network Information Center, CAS"),
        Pair(
            "中国科学院地理科学与资源研究所",
            "Institute of Geographic Sciences and Natural Resources Research, CAS",
        ),
        Pair("中国科学院南京土壤研究所", "Institute of Soil Science, CAS"),
        Pair("中国科学院植物研究所", "Institute of Botany, CAS"),
        Pair("清华大学", "Tsinghua University"),
        Pair("中山大学", "Sun Yat-sen University"),
    ),
}

FUNDERS: tuple[Pair, ...] = (
    Pair("国家自然科学基金", "National Natural Science Foundation of China"),
    Pair("国家重点研发计划", "National Key Research and Development Program of China"),
    Pair("中国科学院战略性先导科技专项", "Strategic Priority Research Program of CAS"),
)
"""Public funders: a record funded by any of them must be openly shared (regulation art. 5)."""


class Crop(NamedTuple):
    zh: str
    en: str
    species: str
    code: str
    cultivars: tuple[Pair, ...]
    landrace_suffix: Pair
    traits: tuple[Pair, ...]


CROPS: tuple[Crop, ...] = (
    Crop(
        "水稻",
        "rice",
        "Oryza sativa",
        "RI",
        (
            Pair("日本晴", "Nipponbare"),
            Pair("中花11", "Zhonghua 11"),
            Pair("南粳46", "Nanjing 46"),
            Pair("汕优63", "Shanyou 63"),
            Pair("黄华占", "Huanghuazhan"),
            Pair("IR64", "IR64"),
            Pair("珍汕97", "Zhenshan 97"),
            Pair("明恢63", "Minghui 63"),
        ),
        Pair("红米", "red rice"),
        (
            Pair("抗稻瘟病", "rice blast resistant"),
            Pair("耐冷", "cold tolerant"),
            Pair("香型", "aromatic"),
        ),
    ),
    Crop(
        "小麦",
        "wheat",
        "Triticum aestivum",
        "WH",
        (
            Pair("中国春", "Chinese Spring"),
            Pair("济麦22", "Jimai 22"),
            Pair("郑麦9023", "Zhengmai 9023"),
            Pair("小偃6号", "Xiaoyan 6"),
            Pair("百农207", "Bainong 207"),
            Pair("矮抗58", "Aikang 58"),
        ),
        Pair("红芒麦", "red-awned wheat"),
        (
            Pair("抗条锈病", "stripe rust resistant"),
            Pair("抗旱", "drought tolerant"),
            Pair("强筋", "strong gluten"),
        ),
    ),
    Crop(
        "玉米",
        "maize",
        "Zea mays",
        "MZ",
        (
            Pair("郑单958", "Zhengdan 958"),
            Pair("先玉335", "Xianyu 335"),
            Pair("黄早四", "Huangzaosi"),
            Pair("京科968", "Jingke 968"),
            Pair("掖单13", "Yedan 13"),
            Pair("Mo17", "Mo17"),
        ),
        Pair("白马牙", "white horse-tooth maize"),
        (
            Pair("抗大斑病", "northern leaf blight resistant"),
            Pair("耐密植", "density tolerant"),
            Pair("高赖氨酸", "high lysine"),
        ),
    ),
    Crop(
        "大豆",
        "soybean",
        "Glycine max",
        "SB",
        (
            Pair("中黄13", "Zhonghuang 13"),
            Pair("冀豆17", "Jidou 17"),
            Pair("黑农48", "Heinong 48"),
            Pair("合丰25", "Hefeng 25"),
            Pair("Williams 82", "Williams 82"),
        ),
        Pair("黑豆", "black soybean"),
        (
            Pair("抗花叶病毒", "mosaic virus resistant"),
            Pair("高蛋白", "high protein"),
            Pair("耐盐碱", "salt-alkali tolerant"),
        ),
    ),
    Crop(
        "谷子",
        "foxtail millet",
        "Setaria italica",
        "FM",
        (Pair("豫谷1号", "Yugu 1"), Pair("晋谷21", "Jingu 21"), Pair("张杂谷5号", "Zhangzagu 5")),
        Pair("黄谷", "yellow millet"),
        (Pair("抗旱", "drought tolerant"), Pair("优质米", "high grain quality")),
    ),
    Crop(
        "高粱",
        "sorghum",
        "Sorghum bicolor",
        "SG",
        (Pair("辽杂10号", "Liaoza 10"), Pair("晋杂12", "Jinza 12"), Pair("BTx623", "BTx623")),
        Pair("红高粱", "red sorghum"),
        (Pair("耐盐", "salt tolerant"), Pair("高单宁", "high tannin")),
    ),
)

PROVINCES: tuple[Pair, ...] = tuple(
    Pair(zh, en)
    for zh, en in (
        ("云南", "Yunnan"),
        ("贵州", "Guizhou"),
        ("广西", "Guangxi"),
        ("四川", "Sichuan"),
        ("湖南", "Hunan"),
        ("江西", "Jiangxi"),
        ("山西", "Shanxi"),
        ("陕西", "Shaanxi"),
        ("河南", "Henan"),
        ("山东", "Shandong"),
        ("黑龙江", "Heilongjiang"),
        ("吉林", "Jilin"),
        ("甘肃", "Gansu"),
        ("西藏", "Tibet"),
        ("内蒙古", "Inner Mongolia"),
        ("浙江", "Zhejiang"),
    )
)

GERMPLASM_TYPES: tuple[Pair, ...] = (
    Pair("地方品种", "landrace"),
    Pair("育成品种", "improved cultivar"),
    Pair("品系", "breeding line"),
    Pair("野生近缘种", "wild relative"),
)


class Microbe(NamedTuple):
    zh: str
    species: str
    collection: str
    group: str
    uses: tuple[Pair, ...]


MICROBES: tuple[Microbe, ...] = (
    Microbe(
        "枯草芽孢杆菌",
        "Bacillus subtilis",
        "ACCC",
        "1",
        (Pair("产蛋白酶", "protease production"), Pair("生物防治", "biocontrol")),
    ),
    Microbe(
        "解淀粉芽孢杆菌",
        "Bacillus amyloliquefaciens",
        "ACCC",
        "1",
        (Pair("产淀粉酶", "amylase production"), Pair("植物促生", "plant growth promotion")),
    ),
    Microbe(
        "苏云金芽孢杆菌",
        "Bacillus thuringiensis",
        "CGMCC",
        "1",
        (Pair("杀虫晶体蛋白", "insecticidal crystal protein"), Pair("生物农药", "biopesticide")),
    ),
    Microbe(
        "地衣芽孢杆菌",
        "Bacillus licheniformis",
        "CGMCC",
        "1",
        (Pair("饲料添加剂", "feed additive"), Pair("产杆菌肽", "bacitracin production")),
    ),
    Microbe(
        "植物乳杆菌",
        "Lactobacillus plantarum",
        "CGMCC",
        "1",
        (Pair("益生菌", "probiotic"), Pair("泡菜发酵", "pickle fermentation")),
    ),
    Microbe(
        "嗜酸乳杆菌",
        "Lactobacillus acidophilus",
        "ACCC",
        "1",
        (Pair("益生菌", "probiotic"), Pair("酸奶发酵", "yogurt fermentation")),
    ),
    Microbe(
        "干酪乳杆菌",
        "Lactobacillus casei",
        "CGMCC",
        "1",
        (Pair("乳制品发酵", "dairy fermentation"), Pair("益生菌", "probiotic")),
    ),
    Microbe(
        "黑曲霉",
        "Aspergillus niger",
        "CGMCC",
        "3",
        (Pair("产柠檬酸", "citric acid production"), Pair("产糖化酶", "glucoamylase production")),
    ),
    Microbe(
        "米曲霉",
        "Aspergillus oryzae",
        "ACCC",
        "3",
        (Pair("酱油酿造", "soy sauce brewing"), Pair("产蛋白酶", "protease production")),
    ),
    Microbe(
        "黄曲霉",
        "Aspergillus flavus",
        "CGMCC",
        "3",
        (Pair("黄曲霉毒素研究", "aflatoxin research"), Pair("参比菌株", "reference strain")),
    ),
    Microbe(
        "哈茨木霉",
        "Trichoderma harzianum",
        "ACCC",
        "3",
        (Pair("生物防治", "biocontrol"), Pair("产纤维素酶", "cellulase production")),
    ),
    Microbe(
        "酿酒酵母",
        "Saccharomyces cerevisiae",
        "CGMCC",
        "2",
        (Pair("酒精发酵", "ethanol fermentation"), Pair("面包发酵", "baking")),
    ),
    Microbe(
        "灰色链霉菌",
        "Streptomyces griseus",
        "CGMCC",
        "4",
        (Pair("产链霉素", "streptomycin production"), Pair("次级代谢", "secondary metabolism")),
    ),
    Microbe(
        "荧光假单胞菌",
        "Pseudomonas fluorescens",
        "ACCC",
        "1",
        (Pair("植物促生", "plant growth promotion"), Pair("生物防治", "biocontrol")),
    ),
    Microbe(
        "豌豆根瘤菌",
        "Rhizobium leguminosarum",
        "ACCC",
        "1",
        (Pair("共生固氮", "symbiotic nitrogen fixation"), Pair("微生物肥料", "biofertilizer")),
    ),
    Microbe(
        "长双歧杆菌",
        "Bifidobacterium longum",
        "CGMCC",
        "1",
        (Pair("益生菌", "probiotic"), Pair("肠道微生物", "gut microbiota")),
    ),
)

HABITATS: tuple[Pair, ...] = tuple(
    Pair(zh, en)
    for zh, en in (
        ("农田土壤", "agricultural soil"),
        ("四川泡菜", "Sichuan pickles"),
        ("传统酸奶", "traditional yogurt"),
        ("酱油曲", "soy sauce koji"),
        ("小麦根际", "wheat rhizosphere"),
        ("青海盐湖沉积物", "Qinghai salt lake sediment"),
        ("青藏高原冻土", "Tibetan Plateau permafrost"),
        ("森林腐殖质", "forest humus"),
        ("大豆根瘤", "soybean root nodules"),
        ("婴儿粪便", "infant faeces"),
        ("白酒窖泥", "baijiu pit mud"),
        ("红树林沉积物", "mangrove sediment"),
    )
)

PRESERVATIONS: tuple[Pair, ...] = (
    Pair("冻干", "lyophilized"),
    Pair("液氮超低温保藏", "liquid nitrogen cryopreservation"),
    Pair("-80℃甘油保藏", "glycerol stock at -80 °C"),
    Pair("斜面低温保藏", "agar slant at 4 °C"),
)

LICENSES: tuple[str, ...] = ("CC BY 4.0", "CC0 1.0", "CC BY-NC 4.0")

FILE_FORMATS: tuple[tuple[str, str], ...] = (
    ("csv", "CSV"),
    ("nc", "NetCDF"),
    ("tif", "GeoTIFF"),
    ("xlsx", "XLSX"),
    ("zip", "ZIP"),
    ("h5", "HDF5"),
    ("fits", "FITS"),
    ("txt", "TXT"),
)
