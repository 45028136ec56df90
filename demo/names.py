"""Realistic Chinese names with their pinyin for the demo company (no external data needed)."""

from __future__ import annotations

import numpy as np

# Common surnames with pinyin and a rough frequency weight (the top ones dominate, as in real life).
_SURNAMES = (
    "王wang9 李li9 张zhang9 刘liu8 陈chen8 杨yang6 黄huang5 赵zhao5 吴wu5 周zhou5 徐xu4 孙sun4 马ma4 "
    "朱zhu4 胡hu4 郭guo3 何he3 高gao3 林lin3 罗luo3 郑zheng3 梁liang3 谢xie2 宋song2 唐tang2 许xu2 "
    "韩han2 冯feng2 邓deng2 曹cao2 彭peng2 曾zeng2 肖xiao2 田tian2 董dong2 袁yuan2 潘pan2 蒋jiang2 "
    "蔡cai2 余yu2 杜du2 叶ye2 程cheng2 苏su2 魏wei2 吕lyu2 丁ding1 沈shen1 姚yao1 卢lu1 姜jiang1 崔cui1 "
    "钟zhong1 谭tan1 陆lu1 汪wang1 范fan1 金jin1 石shi1 廖liao1 贾jia1 夏xia1 方fang1 邹zou1 熊xiong1 "
    "秦qin1 江jiang1 顾gu1 毛mao1 邵shao1 钱qian1 严yan1 孔kong1 汤tang1 戴dai1 俞yu1 章zhang1"
)
_FEMALE_CHARS = (
    "静jing 婷ting 雪xue 丽li 敏min 燕yan 芳fang 娟juan 霞xia 琳lin 颖ying 倩qian 欣xin 悦yue 佳jia "
    "怡yi 萱xuan 雯wen 晨chen 思si 梦meng 瑶yao 琪qi 蕾lei 楠nan 莉li 璐lu 露lu 菲fei 岚lan 嘉jia "
    "晓xiao 小xiao 诗shi 雨yu 梓zi 可ke 紫zi 慧hui 洁jie 玲ling 薇wei 月yue 彤tong 馨xin 妍yan"
)
_MALE_CHARS = (
    "伟wei 强qiang 磊lei 军jun 洋yang 勇yong 杰jie 涛tao 斌bin 超chao 明ming 刚gang 平ping 辉hui 鹏peng "
    "华hua 飞fei 鑫xin 波bo 宇yu 浩hao 凯kai 健jian 俊jun 帆fan 帅shuai 旭xu 宁ning 龙long 林lin "
    "博bo 晨chen 阳yang 子zi 一yi 文wen 志zhi 建jian 海hai 峰feng 亮liang 嘉jia 泽ze 航hang 睿rui"
)


def _parse_chars(text: str) -> list[tuple[str, str]]:
    return [(tok[0], tok[1:]) for tok in text.split()]


def _parse_surnames() -> tuple[list[tuple[str, str]], np.ndarray]:
    pairs, weights = [], []
    for tok in _SURNAMES.split():
        pairs.append((tok[0], tok[1:-1]))
        weights.append(float(tok[-1]))
    w = np.asarray(weights)
    return pairs, w / w.sum()


SURNAMES, SURNAME_P = _parse_surnames()
GIVEN_CHARS = {"female": _parse_chars(_FEMALE_CHARS), "male": _parse_chars(_MALE_CHARS)}


def make_names(rng: np.random.Generator, genders: list[str]) -> list[tuple[str, str]]:
    """A unique (name_zh, name_en) per gender entry, e.g. ('王晓静', 'Wang Xiaojing')."""
    seen: set[str] = set()
    out: list[tuple[str, str]] = []
    for gender in genders:
        chars = GIVEN_CHARS[gender]
        while True:
            sur_zh, sur_en = SURNAMES[int(rng.choice(len(SURNAMES), p=SURNAME_P))]
            # About 30% of given names are one character, as in the population born 1980-2005.
            n_given = 1 if rng.random() < 0.3 else 2
            picks = [chars[int(i)] for i in rng.choice(len(chars), size=n_given, replace=False)]
            zh = sur_zh + "".join(c for c, _ in picks)
            if zh in seen:
                continue
            seen.add(zh)
            given_en = "".join(p for _, p in picks)
            out.append((zh, f"{sur_en.capitalize()} {given_en.capitalize()}"))
            break
    return out
