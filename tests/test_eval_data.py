"""The held-out judgement evaluation sets are well-formed: set A (tests/data/judgement/),
set B (tests/data/judgement_b/, a second author) and set C (tests/data/judgement_c/, a third
author, weighted toward reworded reposts), each written later as a fresh held-out set.

Checks the files, not the judgement: schema, sizes, ids, that every expectation is one the
bench understands and every reference points at an earlier item (items run in file order).
Every test runs once per set, each with its own minimum sizes.
"""

from __future__ import annotations

import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

DATA = Path(__file__).resolve().parent / "data" / "judgement"
DATA_B = DATA.parent / "judgement_b"
DATA_C = DATA.parent / "judgement_c"
DATA_D = DATA.parent / "judgement_d"
DATA_E = DATA.parent / "judgement_e"
DATA_F = DATA.parent / "judgement_f"
DATA_G = DATA.parent / "judgement_g"
DATA_H = DATA.parent / "judgement_h"
DATA_I = DATA.parent / "judgement_i"
DATA_J = DATA.parent / "judgement_j"
DATA_K = DATA.parent / "judgement_k"
DATA_L = DATA.parent / "judgement_l"
DATA_M = DATA.parent / "judgement_m"
DATA_N = DATA.parent / "judgement_n"
DATA_O = DATA.parent / "judgement_o"
DATA_P = DATA.parent / "judgement_p"
DATA_Q = DATA.parent / "judgement_q"
DATA_R = DATA.parent / "judgement_r"
DATA_S = DATA.parent / "judgement_s"
DATA_U = DATA.parent / "judgement_u"
DATA_V = DATA.parent / "judgement_v"
DATA_W = DATA.parent / "judgement_w"
DATA_X = DATA.parent / "judgement_x"
DATA_T1 = DATA.parent / "reposts_t1"
DATA_T2 = DATA.parent / "reposts_t2"
DATA_T3 = DATA.parent / "reposts_t3"
DATA_T4 = DATA.parent / "reposts_t4"
DATA_T5 = DATA.parent / "reposts_t5"
DATA_T6 = DATA.parent / "reposts_t6"
DATA_T7 = DATA.parent / "reposts_t7"
DATA_T8 = DATA.parent / "reposts_t8"
DATA_T9 = DATA.parent / "reposts_t9"
DATA_T10 = DATA.parent / "reposts_t10"
DATA_T11 = DATA.parent / "reposts_t11"
DATA_T12 = DATA.parent / "reposts_t12"
DATA_T13 = DATA.parent / "reposts_t13"
DATA_T14 = DATA.parent / "reposts_t14"
DATA_T15 = DATA.parent / "reposts_t15"
DATA_T16 = DATA.parent / "reposts_t16"
DATA_T17 = DATA.parent / "reposts_t17"
DATA_T18 = DATA.parent / "reposts_t18"
DATA_T19 = DATA.parent / "reposts_t19"
DATA_T20 = DATA.parent / "reposts_t20"
DATA_T21 = DATA.parent / "reposts_t21"
DATA_T22 = DATA.parent / "reposts_t22"
DATA_T23 = DATA.parent / "reposts_t23"
DATA_T24 = DATA.parent / "reposts_t24"
DATA_T25 = DATA.parent / "reposts_t25"
DATA_T26 = DATA.parent / "reposts_t26"
DATA_T27 = DATA.parent / "reposts_t27"
DATA_T28 = DATA.parent / "reposts_t28"
DATA_T29 = DATA.parent / "reposts_t29"
DATA_T30 = DATA.parent / "reposts_t30"
DATA_T31 = DATA.parent / "reposts_t31"
DATA_T32 = DATA.parent / "reposts_t32"
DATA_T33 = DATA.parent / "reposts_t33"
DATA_T34 = DATA.parent / "reposts_t34"
DATA_T35 = DATA.parent / "reposts_t35"
DATA_T36 = DATA.parent / "reposts_t36"
DATA_T37 = DATA.parent / "reposts_t37"
DATA_T38 = DATA.parent / "reposts_t38"
DATA_T39 = DATA.parent / "reposts_t39"
DATA_T40 = DATA.parent / "reposts_t40"
DATA_T41 = DATA.parent / "reposts_t41"
DATA_T42 = DATA.parent / "reposts_t42"
DATA_T43 = DATA.parent / "reposts_t43"
DATA_T44 = DATA.parent / "reposts_t44"
DATA_T45 = DATA.parent / "reposts_t45"
DATA_T46 = DATA.parent / "reposts_t46"
DATA_T47 = DATA.parent / "reposts_t47"
DATA_T48 = DATA.parent / "reposts_t48"
DATA_T49 = DATA.parent / "reposts_t49"
DATA_T50 = DATA.parent / "reposts_t50"
DATA_T51 = DATA.parent / "reposts_t51"
DATA_T52 = DATA.parent / "reposts_t52"
sys.path.insert(0, str(DATA.parent.parent.parent / "bench"))

TIERS = {"I", "II", "III", "IV"}
MIN_PER_KIND = {
    "casualties": 60,
    "leaders": 30,
    "boundaries": 40,
    "exclusions": 25,
    "stance": 30,
    "reposts": 40,
    "encodings": 20,
    "must-not-alert": 50,
}
MIN_PER_KIND_B = {
    "casualties": 30,
    "leaders": 16,
    "boundaries": 20,
    "exclusions": 12,
    "stance": 16,
    "reposts": 24,
    "encodings": 10,
    "must-not-alert": 30,
}
MIN_PER_KIND_C = {
    "casualties": 20,
    "leaders": 10,
    "boundaries": 12,
    "exclusions": 8,
    "stance": 10,
    "reposts": 30,
    "encodings": 8,
    "must-not-alert": 15,
    "synonyms": 4,  # several event words of one concept in one item count once
}
MIN_PER_KIND_DE = {  # sets D … G (fourth to seventh authors), written for the pair model's held-out figures
    "casualties": 15,
    "leaders": 8,
    "boundaries": 8,
    "exclusions": 6,
    "stance": 8,
    "reposts": 30,
    "encodings": 6,
    "must-not-alert": 8,
    "synonyms": 4,
}
SAME_KINDS = {"headline", "source-line", "trimmed", "extended", "summary", "figures", "traditional", "spaced"}
DIFFERENT_KINDS = {"same-subject-day", "same-type-place", "new-not-followup"}
REFERENCE_KEYS = {"merge_with", "separate_from", "progress_of"}


@dataclass(frozen=True)
class EvalSet:
    """One evaluation set and the sizes its brief asks for."""

    name: str
    folder: Path
    min_items: int
    min_per_kind: dict[str, int]
    min_pairs: int
    min_different: int
    forbidden_places: tuple[str, ...]  # the demo city, and the places the earlier sets use
    extra_same_kinds: frozenset[str] = frozenset()  # pair kinds beyond SAME_KINDS (set C: colloquial)


# the places of sets A … G and of the training pairs (tests/data/reposts_train.yaml)
EARLIER_PLACES = [
    "江城",
    "临川",
    "南湖",
    "江州",
    "桐川",
    "枫林",
    "柏溪",
    "青溪",
    "白鹭",
    "鹤洲",
    "云栖",
    "禾丰",
    "芦湾",
    "澄湖",
    "汀兰",
    "苇塘",
    "石渠",
    "霁川",
    "澜桥",
    "蓼溪",
    "望舒",
    "柘林",
    "蕖塘",
    "栖凤",
    "梧岗",
    "泷水",
    "北岭",
    "石湾",
    "梅溪",
    "双桥",
    "安澜",
]
# the places of sets H and I and of the second training pairs (tests/data/reposts_train2.yaml)
LATER_PLACES = [
    "玉衡",
    "天枢",
    "开阳",
    "琅川",
    "松萝",
    "竹隐",
    "云岫",
    "翠屏",
    "锦苓",
    "青梧",
    "鹿鸣",
    "赤岸",
    "东渡",
    "沙汀",
    "荻浦",
]

# the places of the held-out sets J … M
J_TO_M_PLACES = ("峨岭", "雁荡湾", "岚溪", "瑶山", "丹霞", "栖霞", "雾峰", "桃溪", "杉溪", "星洲", "柳浪", "菱湖")
# the places of the training sets T1 and T2
T1_T2_PLACES = ("鹊山", "栈桥", "蒲溪", "鸥湾", "浔阳", "芷汀")
# the places of the training sets T3 and T4
T3_T4_PLACES = ("云津", "鹭汀", "柳营", "沧澜", "苔溪", "雁栖")
# the places of the held-out sets N and O
N_O_PLACES = ("墨川", "砚北", "苍梧", "银滩", "榕溪", "黛山")
# the places of the held-out sets P and Q
P_Q_PLACES = ("霁州", "蓼汀", "柘岗", "洹川", "蕖阳", "榆坪")
# the places of the held-out sets R and S
R_S_PLACES = ("琮阳", "蘅川", "苕岭", "澍城", "芗坪", "棠埠")

U_V_PLACES = ("檀渚", "菁溆", "枳坳", "峁州", "蔺源", "椒园")
W_X_PLACES = ("澴浦", "崧岚", "蓠洲", "漭川", "岍坪", "苋塘")
T5_PLACES, T6_PLACES = ("岐湾", "荇洲", "芃溪"), ("蘩阳", "苎坪", "菡塘")
T7_PLACES, T8_PLACES = ("檀溪", "菖阜", "樾溪"), ("栌川", "蘅皋", "苕坪")
T9_PLACES, T10_PLACES = ("椋川", "蓂溪", "芩湾"), ("楝州", "菘塘", "芡坪")
T11_PLACES, T12_PLACES = ("蕙川", "芫溪", "楮坪"), ("荠州", "椴岭", "萩浦")
T13_PLACES, T14_PLACES = ("篁州", "桤阳", "蒹湾"), ("蒴州", "榧溪", "苘湾")
T15_PLACES, T16_PLACES = ("蕺州", "蓍溪", "茛湾"), ("莼州", "萹溪", "蘼湾")
# T17, T18 (forty-fourth round): names of common characters, as real counties are named
T17_PLACES, T18_PLACES = ("丰河", "宁泰", "杨桥"), ("嘉平", "宁和", "桃湾")
# T19, T20 (ninety-first round): transport; civil affairs, petitions and natural resources
T19_PLACES, T20_PLACES = ("兴川", "定平", "新坊"), ("怀川", "长阳", "西岗")
# T21, T22 (ninety-sixth round): tax, customs, airports, ports and parcels; universities, sport and big events
T21_PLACES, T22_PLACES = ("泰川", "汇津", "沙口"), ("庆川", "乐丰", "柳港")
# T23, T24 (ninety-seventh round): townships, villages, forests and mines; industrial parks, factories and heating
T23_PLACES, T24_PLACES = ("安川", "凤岭", "桦沟"), ("旗山", "铜湾", "北坪")
# T25, T26 (ninety-eighth round): courts, prosecution and justice; coast, fishing and maritime
T25_PLACES, T26_PLACES = ("鸣川", "梓岭", "南埠"), ("鲸湾", "蚌洲", "礁头")
# T27, T28 (ninety-ninth round): railways and intercity coaches; consumer services
T27_PLACES, T28_PLACES = ("茴港", "柏塬", "青棠"), ("薇城", "杉埠", "榴湾")
# T29, T30 (hundredth round): fuel retail and hazardous-goods haulage; telecoms, broadcasting and the internet
T29_PLACES, T30_PLACES = ("芦阳", "枫渡", "椿湾"), ("杞川", "槿塘", "蓼港")
# T31, T32 (hundred-and-first round): new energy, e-bikes and charging; public finance, audit, office conduct and grain reserves
T31_PLACES, T32_PLACES = ("榕阳", "槐渡", "苇湾"), ("枥川", "荞坪", "柞港")
# T33, T34 (hundred-and-second round): metro and underground construction; livestock, slaughter and food processing
T33_PLACES, T34_PLACES = ("莘川", "楸坪", "苜湾"), ("椹阳", "蓿岭", "荸港")
# T35, T36 (hundred-and-third round): civil aviation, airports and drones; forestry, grasslands, nature reserves and land
T35_PLACES, T36_PLACES = ("棣川", "檀坪", "菰湾"), ("榧阳", "楝岭", "藜港")
# T37, T38 (hundred-and-fourth round): express delivery, food delivery and ride-hailing; special equipment
T37_PLACES, T38_PLACES = ("檗阳", "菀岭", "箬港"), ("樗川", "楦坪", "蕺湾")
# T39, T40 (hundred-and-fifth round): hospitals, pharmacies and medical insurance; culture, heritage and large gatherings
T39_PLACES, T40_PLACES = ("楹川", "荜坪", "橼湾"), ("茺阳", "椑岭", "蓖港")
# T41, T42 (hundred-and-sixth round): property management, housing and real estate; water supply, drainage and flood control
T41_PLACES, T42_PLACES = ("榫川", "蓣坪", "榀湾"), ("棼阳", "莩岭", "楗港")
# T43, T44 (hundred-and-seventh round): city management, sanitation and waste; elderly care, child welfare and
# social assistance
T43_PLACES, T44_PLACES = ("蓥川", "荏坪", "楂湾"), ("芎阳", "莪岭", "蒺港")
# T45, T46 (hundred-and-eighth round): K-12 schools and school food safety; public security and traffic police
T45_PLACES, T46_PLACES = ("栝川", "芪坪", "荛湾"), ("橐阳", "萏岭", "蘖港")
# T47, T48 (hundred-and-ninth round): scenic areas and tourism; city gas and district heating with work safety
T47_PLACES, T48_PLACES = ("楫川", "荼坪", "桴湾"), ("檵阳", "苴岭", "蓊港")
# T49, T50 (hundred-and-tenth round): bridges, highways and road works; environmental protection enforcement
T49_PLACES, T50_PLACES = ("蒗溪", "桠口", "菟山"), ("莨江", "菝岭", "蔟桥")
# T51, T52 (hundred-and-eleventh round): power grid and electricity supply; agriculture, rural revitalisation and
# farm produce
T51_PLACES, T52_PLACES = ("蘋江", "梃岭", "荽桥"), ("蒈溪", "芨口", "栉山")
# every place of W, X and the training writers' sets before T25: none may be a later set's
BEFORE_T25_PLACES = (
    *W_X_PLACES,
    *T5_PLACES,
    *T6_PLACES,
    *T7_PLACES,
    *T8_PLACES,
    *T9_PLACES,
    *T10_PLACES,
    *T11_PLACES,
    *T12_PLACES,
    *T13_PLACES,
    *T14_PLACES,
    *T15_PLACES,
    *T16_PLACES,
    *T17_PLACES,
    *T18_PLACES,
    *T19_PLACES,
    *T20_PLACES,
    *T21_PLACES,
    *T22_PLACES,
    *T23_PLACES,
    *T24_PLACES,
)

SETS = [
    EvalSet("a", DATA, 300, MIN_PER_KIND, 150, 50, ("江城",)),
    EvalSet("b", DATA_B, 160, MIN_PER_KIND_B, 80, 30, ("江城", "临川", "南湖", "江州")),
    EvalSet(
        "c",
        DATA_C,
        120,
        MIN_PER_KIND_C,
        60,
        20,
        ("江城", "临川", "南湖", "江州", "桐川", "枫林", "柏溪", "青溪", "白鹭"),
        frozenset({"colloquial"}),
    ),
    *(
        EvalSet(
            name,
            folder,
            min_items,
            MIN_PER_KIND_DE,
            min_pairs,
            min_different,
            (*EARLIER_PLACES[:13], *other),  # the places of sets A, B, C and the demo's
            frozenset({"colloquial"}),
        )
        for name, folder, min_items, min_pairs, min_different, other in (
            ("d", DATA_D, 110, 80, 24, ("霁川", "澜桥", "蓼溪")),
            ("e", DATA_E, 110, 80, 24, ("澄湖", "汀兰", "苇塘", "石渠")),
            # F and G (sixth and seventh authors): pair-heavy
            (
                "f",
                DATA_F,
                80,
                120,
                36,
                ("澄湖", "汀兰", "苇塘", "石渠", "霁川", "澜桥", "蓼溪", "望舒", "柘林", "蕖塘"),
            ),
            (
                "g",
                DATA_G,
                80,
                120,
                36,
                ("澄湖", "汀兰", "苇塘", "石渠", "霁川", "澜桥", "蓼溪", "栖凤", "梧岗", "泷水"),
            ),
        )
    ),
    # H … L (eighth to twelfth authors, two by two side by side): pair-heavy; every place of the earlier
    # sets and of the training pairs, and the other author's
    *(
        EvalSet(
            name,
            folder,
            90,
            MIN_PER_KIND_DE,
            130,
            40,
            (*EARLIER_PLACES, *other),
            frozenset({"colloquial"}),
        )
        for name, folder, other in (
            ("h", DATA_H, ("琅川", "松萝", "竹隐")),
            ("i", DATA_I, ("玉衡", "天枢", "开阳")),
            # J and K (tenth and eleventh authors, side by side): J in official-media register, K in netizen
            # register; also every place of H, I and the second training pairs
            ("j", DATA_J, (*LATER_PLACES, "峨岭", "雁荡湾", "岚溪")),
            ("k", DATA_K, (*LATER_PLACES, "瑶山", "丹霞", "栖霞")),
            # L and M (twelfth and thirteenth authors, side by side): L in a transport-authority and
            # hospital/school register, M in netizen register; every place of the sets before them, and the
            # other author's
            (
                "l",
                DATA_L,
                (*LATER_PLACES, "峨岭", "雁荡湾", "岚溪", "瑶山", "丹霞", "栖霞", "星洲", "柳浪", "菱湖"),
            ),
            (
                "m",
                DATA_M,
                (*LATER_PLACES, "峨岭", "雁荡湾", "岚溪", "瑶山", "丹霞", "栖霞", "雾峰", "桃溪", "杉溪"),
            ),
            # T1 and T2: training sets for the repost model (not held out), written side by side by two
            # training writers; every place of the sets before them, and the other writer's
            ("t1", DATA_T1, (*LATER_PLACES, *J_TO_M_PLACES, "鸥湾", "浔阳", "芷汀")),
            ("t2", DATA_T2, (*LATER_PLACES, *J_TO_M_PLACES, "鹊山", "栈桥", "蒲溪")),
            # T3 and T4: two more training writers, side by side (eighth round, measured only)
            ("t3", DATA_T3, (*LATER_PLACES, *J_TO_M_PLACES, *T1_T2_PLACES, "云津", "鹭汀", "柳营")),
            ("t4", DATA_T4, (*LATER_PLACES, *J_TO_M_PLACES, *T1_T2_PLACES, "沧澜", "苔溪", "雁栖")),
            # N (fourteenth author, side by side with another author): pair-heavy, in a state-owned group and
            # environment / market-regulation register; every place of the sets before it, and the other author's
            (
                "n",
                DATA_N,
                (*LATER_PLACES, *J_TO_M_PLACES, *T1_T2_PLACES, *T3_T4_PLACES, "银滩", "榕溪", "黛山"),
            ),
            # O (fifteenth author, side by side with N): pair-heavy, housing / urban-management and tourism
            # register, mostly netizen voices; every place of the sets before it, and the other author's
            (
                "o",
                DATA_O,
                (*LATER_PLACES, *J_TO_M_PLACES, *T1_T2_PLACES, *T3_T4_PLACES, "墨川", "砚北", "苍梧"),
            ),
            # P (sixteenth author, side by side with Q): pair-heavy, education / health / food-safety register,
            # mostly parents' and patients' voices; every place of the sets before it, and the other author's
            (
                "p",
                DATA_P,
                (*LATER_PLACES, *J_TO_M_PLACES, *T1_T2_PLACES, *T3_T4_PLACES, *N_O_PLACES, "洹川", "蕖阳", "榆坪"),
            ),
            # Q (seventeenth author, side by side with P): pair-heavy, transport, water and energy register
            # (transport bureau, water affairs, gas and power, emergency management), half official and half
            # netizen voices; every place of the sets before it, and the other author's
            (
                "q",
                DATA_Q,
                (*LATER_PLACES, *J_TO_M_PLACES, *T1_T2_PLACES, *T3_T4_PLACES, *N_O_PLACES, "霁州", "蓼汀", "柘岗"),
            ),
            # R (eighteenth author, side by side with another author): pair-heavy, urban-management, housing and
            # environment register (城管, property management, old-estate renovation, expropriation, unfinished
            # buildings, gas, noise, black-and-smelly rivers, incinerators, muck trucks), mostly residents' voices
            (
                "r",
                DATA_R,
                (
                    *LATER_PLACES,
                    *J_TO_M_PLACES,
                    *T1_T2_PLACES,
                    *T3_T4_PLACES,
                    *N_O_PLACES,
                    *P_Q_PLACES,
                    "澍城",
                    "芗坪",
                    "棠埠",
                ),
            ),
            # S (nineteenth author, side by side with another author): pair-heavy, labour, industry-safety and
            # public-security register (wage arrears, mines and factories, police disputes), half official and half
            # workers' and netizens' voices; every place of the sets before it, and the other author's
            (
                "s",
                DATA_S,
                (
                    *LATER_PLACES,
                    *J_TO_M_PLACES,
                    *T1_T2_PLACES,
                    *T3_T4_PLACES,
                    *N_O_PLACES,
                    *P_Q_PLACES,
                    "琮阳",
                    "蘅川",
                    "苕岭",
                ),
            ),
            # U (twentieth author, side by side with another author writing set V): pair-heavy, culture, tourism and
            # consumer affairs plus local finance register (scenic areas and tourist complaints, hotels and restaurants,
            # prepaid-card shops closing, live-stream selling, a rural bank and wealth products, stadium and concert
            # crowds), half official notices and half tourists', customers' and netizens' voices; every place of the sets
            # before it, and the other author's
            (
                "u",
                DATA_U,
                (
                    *LATER_PLACES,
                    *J_TO_M_PLACES,
                    *T1_T2_PLACES,
                    *T3_T4_PLACES,
                    *N_O_PLACES,
                    *P_Q_PLACES,
                    *R_S_PLACES,
                    "峁州",
                    "蔺源",
                    "椒园",
                ),
            ),
            # V (twenty-first author, side by side with the author of set U): pair-heavy, rural affairs, grassroots
            # governance and natural disasters (village cadres and subsidies, land acquisition and demolition, fake
            # seeds and fertiliser, livestock pollution, mountain torrents, landslides, earthquakes, school buses and
            # rural roads), half official notices and half villagers', migrant workers' and netizens' voices; every
            # place of the sets before it, and the other author's
            (
                "v",
                DATA_V,
                (
                    *LATER_PLACES,
                    *J_TO_M_PLACES,
                    *T1_T2_PLACES,
                    *T3_T4_PLACES,
                    *N_O_PLACES,
                    *P_Q_PLACES,
                    *R_S_PLACES,
                    "檀渚",
                    "菁溆",
                    "枳坳",
                ),
            ),
            # W and X (twenty-second and twenty-third authors, side by side; thirteenth round): pair-heavy. W in
            # the city-services register (metro and buses, heating, gas, lifts, property management, schools'
            # canteens), X in the health, food-safety and workplace register (hospitals and clinics, pharmacies,
            # food factories and markets, warehouses and logistics); every place of the sets before them, and
            # the other author's
            *(
                (
                    name,
                    folder,
                    (
                        *LATER_PLACES,
                        *J_TO_M_PLACES,
                        *T1_T2_PLACES,
                        *T3_T4_PLACES,
                        *N_O_PLACES,
                        *P_Q_PLACES,
                        *R_S_PLACES,
                        *U_V_PLACES,
                        *other,
                    ),
                )
                for name, folder, other in (
                    ("w", DATA_W, ("澴浦", "崧岚", "蓠洲")),  # W is set in 漭川, 岍坪, 苋塘
                    ("x", DATA_X, ("漭川", "岍坪", "苋塘")),  # X is set in 澴浦, 崧岚, 蓠洲
                    # T5 and T6 (nineteenth round): two more training writers side by side, same format;
                    # every place of the sets before them, W's and X's, and the other writer's
                    ("t5", DATA_T5, (*W_X_PLACES, *T6_PLACES)),
                    ("t6", DATA_T6, (*W_X_PLACES, *T5_PLACES)),
                    # T7 and T8 (twenty-first round): two more writers side by side, same format; every place
                    # of the sets before them, W's, X's, T5's, T6's and the other writer's
                    ("t7", DATA_T7, (*W_X_PLACES, *T5_PLACES, *T6_PLACES, *T8_PLACES)),
                    ("t8", DATA_T8, (*W_X_PLACES, *T5_PLACES, *T6_PLACES, *T7_PLACES)),
                    # T9 and T10 (twenty-second round): a transport authority and a state-owned group; every
                    # place of the sets before them and the other writer's
                    *(
                        (name, folder, (*W_X_PLACES, *T5_PLACES, *T6_PLACES, *T7_PLACES, *T8_PLACES, *other))
                        for name, folder, other in (("t9", DATA_T9, T10_PLACES), ("t10", DATA_T10, T9_PLACES))
                    ),
                    # T11 and T12 (twenty-fourth round): culture and tourism with market regulation; water,
                    # emergencies and rural affairs; every place of the sets before them and the other writer's
                    *(
                        (
                            name,
                            folder,
                            (
                                *W_X_PLACES,
                                *T5_PLACES,
                                *T6_PLACES,
                                *T7_PLACES,
                                *T8_PLACES,
                                *T9_PLACES,
                                *T10_PLACES,
                                *other,
                            ),
                        )
                        for name, folder, other in (("t11", DATA_T11, T12_PLACES), ("t12", DATA_T12, T11_PLACES))
                    ),
                    # T13 and T14 (thirty-third round): education, health and medical insurance; housing, urban
                    # management and street communities; every place of the sets before them and the other writer's
                    *(
                        (
                            name,
                            folder,
                            (
                                *W_X_PLACES,
                                *T5_PLACES,
                                *T6_PLACES,
                                *T7_PLACES,
                                *T8_PLACES,
                                *T9_PLACES,
                                *T10_PLACES,
                                *T11_PLACES,
                                *T12_PLACES,
                                *other,
                            ),
                        )
                        for name, folder, other in (("t13", DATA_T13, T14_PLACES), ("t14", DATA_T14, T13_PLACES))
                    ),
                    # T15 and T16 (thirty-fourth round): labour, social security and local finance; environment
                    # and energy utilities; every place of the sets before them and the other writer's
                    *(
                        (
                            name,
                            folder,
                            (
                                *W_X_PLACES,
                                *T5_PLACES,
                                *T6_PLACES,
                                *T7_PLACES,
                                *T8_PLACES,
                                *T9_PLACES,
                                *T10_PLACES,
                                *T11_PLACES,
                                *T12_PLACES,
                                *T13_PLACES,
                                *T14_PLACES,
                                *other,
                            ),
                        )
                        for name, folder, other in (("t15", DATA_T15, T16_PLACES), ("t16", DATA_T16, T15_PLACES))
                    ),
                    # T17 and T18 (forty-fourth round): police, fire and emergencies; commerce, markets and the
                    # platform economy; every place of the sets before them and the other writer's
                    *(
                        (
                            name,
                            folder,
                            (
                                *W_X_PLACES,
                                *T5_PLACES,
                                *T6_PLACES,
                                *T7_PLACES,
                                *T8_PLACES,
                                *T9_PLACES,
                                *T10_PLACES,
                                *T11_PLACES,
                                *T12_PLACES,
                                *T13_PLACES,
                                *T14_PLACES,
                                *T15_PLACES,
                                *T16_PLACES,
                                *other,
                            ),
                        )
                        for name, folder, other in (("t17", DATA_T17, T18_PLACES), ("t18", DATA_T18, T17_PLACES))
                    ),
                    # T19 and T20 (ninety-first round): transport; civil affairs, petitions and natural resources;
                    # every place of the sets before them and the other writer's
                    *(
                        (
                            name,
                            folder,
                            (
                                *W_X_PLACES,
                                *T5_PLACES,
                                *T6_PLACES,
                                *T7_PLACES,
                                *T8_PLACES,
                                *T9_PLACES,
                                *T10_PLACES,
                                *T11_PLACES,
                                *T12_PLACES,
                                *T13_PLACES,
                                *T14_PLACES,
                                *T15_PLACES,
                                *T16_PLACES,
                                *T17_PLACES,
                                *T18_PLACES,
                                *other,
                            ),
                        )
                        for name, folder, other in (("t19", DATA_T19, T20_PLACES), ("t20", DATA_T20, T19_PLACES))
                    ),
                    # T21 and T22 (ninety-sixth round): tax, customs, airports, ports and parcels; universities,
                    # sport and big events; every place of the sets before them and the other writer's
                    *(
                        (
                            name,
                            folder,
                            (
                                *W_X_PLACES,
                                *T5_PLACES,
                                *T6_PLACES,
                                *T7_PLACES,
                                *T8_PLACES,
                                *T9_PLACES,
                                *T10_PLACES,
                                *T11_PLACES,
                                *T12_PLACES,
                                *T13_PLACES,
                                *T14_PLACES,
                                *T15_PLACES,
                                *T16_PLACES,
                                *T17_PLACES,
                                *T18_PLACES,
                                *T19_PLACES,
                                *T20_PLACES,
                                *other,
                            ),
                        )
                        for name, folder, other in (("t21", DATA_T21, T22_PLACES), ("t22", DATA_T22, T21_PLACES))
                    ),
                    # T23 and T24 (ninety-seventh round): townships, villages, forests and mines; industrial parks,
                    # factories and heating; every place of the sets before them and the other writer's
                    *(
                        (
                            name,
                            folder,
                            (
                                *W_X_PLACES,
                                *T5_PLACES,
                                *T6_PLACES,
                                *T7_PLACES,
                                *T8_PLACES,
                                *T9_PLACES,
                                *T10_PLACES,
                                *T11_PLACES,
                                *T12_PLACES,
                                *T13_PLACES,
                                *T14_PLACES,
                                *T15_PLACES,
                                *T16_PLACES,
                                *T17_PLACES,
                                *T18_PLACES,
                                *T19_PLACES,
                                *T20_PLACES,
                                *T21_PLACES,
                                *T22_PLACES,
                                *other,
                            ),
                        )
                        for name, folder, other in (("t23", DATA_T23, T24_PLACES), ("t24", DATA_T24, T23_PLACES))
                    ),
                    # T25 and T26 (ninety-eighth round): courts, prosecution and justice; coast, fishing and
                    # maritime; every place of the sets before them and the other writer's
                    *(
                        (
                            name,
                            folder,
                            (
                                *BEFORE_T25_PLACES,
                                *other,
                            ),
                        )
                        for name, folder, other in (("t25", DATA_T25, T26_PLACES), ("t26", DATA_T26, T25_PLACES))
                    ),
                    # T27 and T28 (ninety-ninth round): railways and intercity coaches; consumer services;
                    # every place of the sets before them and the other writer's
                    *(
                        (
                            name,
                            folder,
                            (
                                *BEFORE_T25_PLACES,
                                *T25_PLACES,
                                *T26_PLACES,
                                *other,
                            ),
                        )
                        for name, folder, other in (("t27", DATA_T27, T28_PLACES), ("t28", DATA_T28, T27_PLACES))
                    ),
                    # T29 and T30 (hundredth round): fuel retail and hazardous-goods haulage; telecoms,
                    # broadcasting and the internet; every place of the sets before them and the other writer's
                    *(
                        (
                            name,
                            folder,
                            (
                                *BEFORE_T25_PLACES,
                                *T25_PLACES,
                                *T26_PLACES,
                                *T27_PLACES,
                                *T28_PLACES,
                                *other,
                            ),
                        )
                        for name, folder, other in (("t29", DATA_T29, T30_PLACES), ("t30", DATA_T30, T29_PLACES))
                    ),
                    # T31 and T32 (hundred-and-first round): new energy, e-bikes and charging; public finance,
                    # audit, office conduct and grain reserves; every place of the sets before them and the other
                    # writer's
                    *(
                        (
                            name,
                            folder,
                            (
                                *BEFORE_T25_PLACES,
                                *T25_PLACES,
                                *T26_PLACES,
                                *T27_PLACES,
                                *T28_PLACES,
                                *T29_PLACES,
                                *T30_PLACES,
                                *other,
                            ),
                        )
                        for name, folder, other in (("t31", DATA_T31, T32_PLACES), ("t32", DATA_T32, T31_PLACES))
                    ),
                    # T33 and T34 (hundred-and-second round): metro and underground construction; livestock,
                    # slaughter and food processing; every place of the sets before them and the other writer's
                    *(
                        (
                            name,
                            folder,
                            (
                                *BEFORE_T25_PLACES,
                                *T25_PLACES,
                                *T26_PLACES,
                                *T27_PLACES,
                                *T28_PLACES,
                                *T29_PLACES,
                                *T30_PLACES,
                                *T31_PLACES,
                                *T32_PLACES,
                                *other,
                            ),
                        )
                        for name, folder, other in (("t33", DATA_T33, T34_PLACES), ("t34", DATA_T34, T33_PLACES))
                    ),
                    # T35 and T36 (hundred-and-third round): civil aviation, airports and drones; forestry,
                    # grasslands, nature reserves and land; every place of the sets before them and the other writer's
                    *(
                        (
                            name,
                            folder,
                            (
                                *BEFORE_T25_PLACES,
                                *T25_PLACES,
                                *T26_PLACES,
                                *T27_PLACES,
                                *T28_PLACES,
                                *T29_PLACES,
                                *T30_PLACES,
                                *T31_PLACES,
                                *T32_PLACES,
                                *T33_PLACES,
                                *T34_PLACES,
                                *other,
                            ),
                        )
                        for name, folder, other in (("t35", DATA_T35, T36_PLACES), ("t36", DATA_T36, T35_PLACES))
                    ),
                    # T37 and T38 (hundred-and-fourth round): express delivery, food delivery and ride-hailing;
                    # special equipment (lifts, boilers, cranes, amusement rides); every place of the sets before
                    # them and the other writer's
                    *(
                        (
                            name,
                            folder,
                            (
                                *BEFORE_T25_PLACES,
                                *T25_PLACES,
                                *T26_PLACES,
                                *T27_PLACES,
                                *T28_PLACES,
                                *T29_PLACES,
                                *T30_PLACES,
                                *T31_PLACES,
                                *T32_PLACES,
                                *T33_PLACES,
                                *T34_PLACES,
                                *T35_PLACES,
                                *T36_PLACES,
                                *other,
                            ),
                        )
                        for name, folder, other in (("t37", DATA_T37, T38_PLACES), ("t38", DATA_T38, T37_PLACES))
                    ),
                    # T39 and T40 (hundred-and-fifth round): hospitals, pharmacies and medical insurance; culture,
                    # heritage, museums, religious sites, performances and large gatherings; every place of the sets
                    # before them and the other writer's
                    *(
                        (
                            name,
                            folder,
                            (
                                *BEFORE_T25_PLACES,
                                *T25_PLACES,
                                *T26_PLACES,
                                *T27_PLACES,
                                *T28_PLACES,
                                *T29_PLACES,
                                *T30_PLACES,
                                *T31_PLACES,
                                *T32_PLACES,
                                *T33_PLACES,
                                *T34_PLACES,
                                *T35_PLACES,
                                *T36_PLACES,
                                *T37_PLACES,
                                *T38_PLACES,
                                *other,
                            ),
                        )
                        for name, folder, other in (("t39", DATA_T39, T40_PLACES), ("t40", DATA_T40, T39_PLACES))
                    ),
                    # T41 and T42 (hundred-and-sixth round): property management, housing and real estate; water
                    # supply, drainage, reservoirs and flood control; every place of the sets before them and the
                    # other writer's
                    *(
                        (
                            name,
                            folder,
                            (
                                *BEFORE_T25_PLACES,
                                *T25_PLACES,
                                *T26_PLACES,
                                *T27_PLACES,
                                *T28_PLACES,
                                *T29_PLACES,
                                *T30_PLACES,
                                *T31_PLACES,
                                *T32_PLACES,
                                *T33_PLACES,
                                *T34_PLACES,
                                *T35_PLACES,
                                *T36_PLACES,
                                *T37_PLACES,
                                *T38_PLACES,
                                *T39_PLACES,
                                *T40_PLACES,
                                *other,
                            ),
                        )
                        for name, folder, other in (("t41", DATA_T41, T42_PLACES), ("t42", DATA_T42, T41_PLACES))
                    ),
                    # T43 and T44 (hundred-and-seventh round): city management, sanitation and waste; elderly
                    # care, child welfare and social assistance; every place of the sets before them and the
                    # other writer's
                    *(
                        (
                            name,
                            folder,
                            (
                                *BEFORE_T25_PLACES,
                                *T25_PLACES,
                                *T26_PLACES,
                                *T27_PLACES,
                                *T28_PLACES,
                                *T29_PLACES,
                                *T30_PLACES,
                                *T31_PLACES,
                                *T32_PLACES,
                                *T33_PLACES,
                                *T34_PLACES,
                                *T35_PLACES,
                                *T36_PLACES,
                                *T37_PLACES,
                                *T38_PLACES,
                                *T39_PLACES,
                                *T40_PLACES,
                                *T41_PLACES,
                                *T42_PLACES,
                                *other,
                            ),
                        )
                        for name, folder, other in (("t43", DATA_T43, T44_PLACES), ("t44", DATA_T44, T43_PLACES))
                    ),
                    # T45 and T46 (hundred-and-eighth round): K-12 schools and school food safety; public
                    # security and traffic police; every place of the sets before them and the other writer's
                    *(
                        (
                            name,
                            folder,
                            (
                                *BEFORE_T25_PLACES,
                                *T25_PLACES,
                                *T26_PLACES,
                                *T27_PLACES,
                                *T28_PLACES,
                                *T29_PLACES,
                                *T30_PLACES,
                                *T31_PLACES,
                                *T32_PLACES,
                                *T33_PLACES,
                                *T34_PLACES,
                                *T35_PLACES,
                                *T36_PLACES,
                                *T37_PLACES,
                                *T38_PLACES,
                                *T39_PLACES,
                                *T40_PLACES,
                                *T41_PLACES,
                                *T42_PLACES,
                                *T43_PLACES,
                                *T44_PLACES,
                                *other,
                            ),
                        )
                        for name, folder, other in (("t45", DATA_T45, T46_PLACES), ("t46", DATA_T46, T45_PLACES))
                    ),
                    # T47 and T48 (hundred-and-ninth round): scenic areas and tourism; city gas and district
                    # heating with work safety; every place of the sets before them and the other writer's
                    *(
                        (
                            name,
                            folder,
                            (
                                *BEFORE_T25_PLACES,
                                *T25_PLACES,
                                *T26_PLACES,
                                *T27_PLACES,
                                *T28_PLACES,
                                *T29_PLACES,
                                *T30_PLACES,
                                *T31_PLACES,
                                *T32_PLACES,
                                *T33_PLACES,
                                *T34_PLACES,
                                *T35_PLACES,
                                *T36_PLACES,
                                *T37_PLACES,
                                *T38_PLACES,
                                *T39_PLACES,
                                *T40_PLACES,
                                *T41_PLACES,
                                *T42_PLACES,
                                *T43_PLACES,
                                *T44_PLACES,
                                *T45_PLACES,
                                *T46_PLACES,
                                *other,
                            ),
                        )
                        for name, folder, other in (("t47", DATA_T47, T48_PLACES), ("t48", DATA_T48, T47_PLACES))
                    ),
                    # T49 and T50 (hundred-and-tenth round): bridges, highways and road works; environmental
                    # protection enforcement; every place of the sets before them and the other writer's
                    *(
                        (
                            name,
                            folder,
                            (
                                *BEFORE_T25_PLACES,
                                *T25_PLACES,
                                *T26_PLACES,
                                *T27_PLACES,
                                *T28_PLACES,
                                *T29_PLACES,
                                *T30_PLACES,
                                *T31_PLACES,
                                *T32_PLACES,
                                *T33_PLACES,
                                *T34_PLACES,
                                *T35_PLACES,
                                *T36_PLACES,
                                *T37_PLACES,
                                *T38_PLACES,
                                *T39_PLACES,
                                *T40_PLACES,
                                *T41_PLACES,
                                *T42_PLACES,
                                *T43_PLACES,
                                *T44_PLACES,
                                *T45_PLACES,
                                *T46_PLACES,
                                *T47_PLACES,
                                *T48_PLACES,
                                *other,
                            ),
                        )
                        for name, folder, other in (("t49", DATA_T49, T50_PLACES), ("t50", DATA_T50, T49_PLACES))
                    ),
                    # T51 and T52 (hundred-and-eleventh round): power grid and electricity supply; agriculture,
                    # rural revitalisation and farm produce; every place of the sets before them and the other writer's
                    *(
                        (
                            name,
                            folder,
                            (
                                *BEFORE_T25_PLACES,
                                *T25_PLACES,
                                *T26_PLACES,
                                *T27_PLACES,
                                *T28_PLACES,
                                *T29_PLACES,
                                *T30_PLACES,
                                *T31_PLACES,
                                *T32_PLACES,
                                *T33_PLACES,
                                *T34_PLACES,
                                *T35_PLACES,
                                *T36_PLACES,
                                *T37_PLACES,
                                *T38_PLACES,
                                *T39_PLACES,
                                *T40_PLACES,
                                *T41_PLACES,
                                *T42_PLACES,
                                *T43_PLACES,
                                *T44_PLACES,
                                *T45_PLACES,
                                *T46_PLACES,
                                *T47_PLACES,
                                *T48_PLACES,
                                *T49_PLACES,
                                *T50_PLACES,
                                *other,
                            ),
                        )
                        for name, folder, other in (("t51", DATA_T51, T52_PLACES), ("t52", DATA_T52, T51_PLACES))
                    ),
                )
            ),
        )
    ),
]


def load(folder: Path, name: str) -> Any:
    with (folder / name).open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


@pytest.fixture(scope="module", params=SETS, ids=[s.name for s in SETS])
def evalset(request: pytest.FixtureRequest) -> EvalSet:
    return request.param


@pytest.fixture(scope="module")
def config(evalset: EvalSet) -> dict[str, Any]:
    return load(evalset.folder, "eval_config.yaml")


@pytest.fixture(scope="module")
def items(evalset: EvalSet) -> list[dict[str, Any]]:
    return load(evalset.folder, "eval_items.yaml")["items"]


@pytest.fixture(scope="module")
def pairs(evalset: EvalSet) -> list[dict[str, Any]]:
    return load(evalset.folder, "repost_pairs.yaml")["pairs"]


def words(entries: list[Any]) -> list[str]:
    return [e["word"] if isinstance(e, dict) else e for e in entries]


def test_config_follows_the_scheme_syntax_of_the_spec(config: dict[str, Any]) -> None:
    schemes = config["schemes"]
    assert 3 <= len(schemes) <= 5
    assert len({s["name"] for s in schemes}) == len(schemes)
    allowed = {
        "name",
        "subjects",
        "leaders",
        "regions",
        "events",
        "exclude",
        "exclude_scope",
        "dictionary",
        "expression",
        "weight",
    }
    for scheme in schemes:
        assert set(scheme) <= allowed, scheme["name"]
        assert scheme["events"] and all(isinstance(v, int) and 1 <= v <= 5 for v in scheme["events"].values())
        assert scheme.get("exclude_scope", "sentence") in {"title", "sentence", "anywhere"}
        assert scheme.get("subjects") or scheme.get("leaders") or scheme.get("regions"), scheme["name"]
        for group in ("subjects", "leaders", "regions", "exclude", "dictionary"):
            for entry in scheme.get(group, []):
                if isinstance(entry, dict):
                    assert set(entry) == {"word", "exact"} and isinstance(entry["exact"], bool), entry
                else:
                    assert isinstance(entry, str) and entry.strip(), entry
    assert any(max(s["events"].values()) <= 3 for s in schemes), "one scheme's severities stop at 3"
    assert any(max(s["events"].values()) == 5 for s in schemes)
    assert sum(len(s.get("leaders", [])) for s in schemes) >= 5
    assert {s.get("exclude_scope", "sentence") for s in schemes} == {"title", "sentence", "anywhere"}
    assert any(not s.get("subjects") and not s.get("leaders") for s in schemes), "a regions-only scheme"


def test_config_sources_are_unique_and_some_official(config: dict[str, Any]) -> None:
    ids = [s["id"] for s in config["sources"]]
    assert len(ids) == len(set(ids)) >= 5
    assert 0 < sum(bool(s.get("official")) for s in config["sources"]) < len(ids)


def test_config_validates_once_the_spec_keys_are_rewritten(evalset: EvalSet) -> None:
    """Everything but the spec's new keys is valid for today's bot.config.Config."""
    from eval_data import load_config

    loaded = load_config(evalset.folder / "eval_config.yaml", lenient=True)
    assert len(loaded.config.schemes) >= 3
    assert any("leaders" in note for note in loaded.rewritten)


def test_the_demo_city_is_not_used(
    evalset: EvalSet, config: dict[str, Any], items: list[dict[str, Any]], pairs: list[dict[str, Any]]
) -> None:
    texts = [w for s in config["schemes"] for g in ("subjects", "leaders", "regions") for w in words(s.get(g, []))]
    texts += [f"{i['title']} {i['text']}" for i in items]
    texts += [f"{p[side]['title']} {p[side]['text']}" for p in pairs for side in ("a", "b")]
    assert not [t for t in texts if any(place in t for place in evalset.forbidden_places)]


def test_items_have_every_field(evalset: EvalSet, items: list[dict[str, Any]], config: dict[str, Any]) -> None:
    sources = {s["id"] for s in config["sources"]}
    for item in items:
        assert set(item) == {"id", "kind", "source", "title", "text", "expect", "why"}, item.get("id")
        for key in ("id", "title", "text", "why"):
            assert isinstance(item[key], str) and item[key].strip(), (item["id"], key)
            assert "\n" not in item[key].strip(), (item["id"], key)
        assert item["source"] in sources, item["id"]
        assert item["kind"] in evalset.min_per_kind, item["id"]


def test_items_are_enough_per_kind_and_ids_unique(evalset: EvalSet, items: list[dict[str, Any]]) -> None:
    assert len(items) >= evalset.min_items
    ids = [i["id"] for i in items]
    assert len(ids) == len(set(ids)), [k for k, n in Counter(ids).items() if n > 1]
    counts = Counter(i["kind"] for i in items)
    for kind, least in evalset.min_per_kind.items():
        assert counts[kind] >= least, (kind, counts[kind])


def test_every_expectation_is_well_formed(items: list[dict[str, Any]]) -> None:
    earlier: set[str] = set()
    for item in items:
        expect = item["expect"]
        assert isinstance(expect, dict) and expect, item["id"]
        for key, value in expect.items():
            if key in ("tier", "upgrades_to"):
                assert value in TIERS, (item["id"], key, value)
            elif key == "tier_in":
                assert isinstance(value, list) and value and set(value) <= TIERS, item["id"]
                assert len(value) < len(TIERS), item["id"]
            elif key == "alert":
                assert isinstance(value, bool), item["id"]
            elif key in REFERENCE_KEYS:
                assert value in earlier, f"{item['id']}: {key} {value} is not an earlier item"
            else:
                pytest.fail(f"{item['id']}: unknown expectation {key}")
        assert not ("tier" in expect and "tier_in" in expect), item["id"]
        earlier.add(item["id"])


def test_references_point_at_items_that_should_alert(items: list[dict[str, Any]]) -> None:
    """A story others merge into, progress or separate from is one that opens an incident."""
    by_id = {i["id"]: i for i in items}
    for item in items:
        for key in REFERENCE_KEYS & set(item["expect"]):
            target = by_id[item["expect"][key]]
            assert target["expect"].get("alert") is not False, (item["id"], target["id"])


def test_pairs_are_well_formed(evalset: EvalSet, pairs: list[dict[str, Any]]) -> None:
    assert len(pairs) >= evalset.min_pairs
    ids = [p["id"] for p in pairs]
    assert len(ids) == len(set(ids))
    for pair in pairs:
        assert set(pair) == {"id", "kind", "same", "a", "b"}, pair.get("id")
        assert isinstance(pair["same"], bool)
        same_kinds = SAME_KINDS | evalset.extra_same_kinds
        assert pair["kind"] in (same_kinds if pair["same"] else DIFFERENT_KINDS), pair["id"]
        for side in ("a", "b"):
            assert set(pair[side]) == {"title", "text"}, pair["id"]
            assert all(isinstance(v, str) and v.strip() for v in pair[side].values()), pair["id"]
        assert pair["a"] != pair["b"], pair["id"]
    kinds = Counter(p["kind"] for p in pairs)
    assert set(kinds) == SAME_KINDS | evalset.extra_same_kinds | DIFFERENT_KINDS
    assert sum(not p["same"] for p in pairs) >= evalset.min_different


@pytest.mark.parametrize(
    ("earlier", "later"),
    [(x.folder, y.folder) for i, x in enumerate(SETS) for y in SETS[i + 1 :]],
    ids=[x.name + y.name for i, x in enumerate(SETS) for y in SETS[i + 1 :]],
)
def test_later_sets_are_independent_of_earlier_ones(earlier: Path, later: Path) -> None:
    """Each later set is a fresh held-out set: none of its titles or texts repeats an earlier set's."""
    a_items, b_items = load(earlier, "eval_items.yaml")["items"], load(later, "eval_items.yaml")["items"]
    a_pairs, b_pairs = load(earlier, "repost_pairs.yaml")["pairs"], load(later, "repost_pairs.yaml")["pairs"]

    def sentences(items: list[dict[str, Any]], pairs: list[dict[str, Any]]) -> set[str]:
        out = {i[k] for i in items for k in ("title", "text")}
        return out | {p[side][k] for p in pairs for side in ("a", "b") for k in ("title", "text")}

    assert not sentences(a_items, a_pairs) & sentences(b_items, b_pairs)

    def names(folder: Path) -> set[str]:
        schemes = load(folder, "eval_config.yaml")["schemes"]
        return {w for s in schemes for g in ("subjects", "leaders") for w in words(s.get(g, []))}

    assert not names(earlier) & names(later)


def test_benches_read_set_b_and_c_when_asked(tmp_path: Path) -> None:
    """`--set b|c` points the benches at judgement_b/ or judgement_c/; a folder without the files is refused."""
    import argparse

    from eval_data import EvalConfigError, add_set_arguments, data_dir

    parser = argparse.ArgumentParser()
    add_set_arguments(parser)
    assert data_dir(parser.parse_args([]), "eval_items.yaml") == DATA
    assert data_dir(parser.parse_args(["--set", "b"]), "eval_items.yaml", "repost_pairs.yaml") == DATA_B
    assert data_dir(parser.parse_args(["--set", "c"]), "eval_items.yaml", "repost_pairs.yaml") == DATA_C
    assert data_dir(parser.parse_args(["--set", "e"]), "eval_items.yaml", "repost_pairs.yaml") == DATA_E
    assert data_dir(parser.parse_args(["--data", str(DATA_B)]), "eval_items.yaml") == DATA_B
    with pytest.raises(EvalConfigError, match="缺少文件"):
        data_dir(parser.parse_args(["--data", str(tmp_path)]), "eval_items.yaml")
