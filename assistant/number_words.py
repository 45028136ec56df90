"""Numbers written in words, in Chinese and English: 一百二十, 百分之五十, 三万, fifty percent, twenty-five, ordinals
(排名第三) and growth words (翻一番 = +100 %, doubled).

The grounding guard reads these as well as digits, so a model cannot slip an invented number past it by
spelling it out. Single common words that are rarely numbers in business text ("one", 一, 十分 "very",
千万 "by all means", 万一 "in case") are not read as numbers.
"""

from __future__ import annotations

import re

ZH_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
ZH_UNITS = {"十": 10, "百": 100, "千": 1000}
ZH_BIG = {"万": 10_000, "亿": 100_000_000}
ZH_IDIOMS = frozenset({"十分", "千万", "万一", "一一", "万万", "百分百"})
_ZH_CHARS = "".join([*ZH_DIGITS, *ZH_UNITS, *ZH_BIG])
ZH_RUN = re.compile(rf"(百分之)?([{_ZH_CHARS}]+)(?:点([{''.join(ZH_DIGITS)}]+))?")

# Growth told in words: 翻一番 (doubled) is +100 %, 翻两番 (quadrupled) +300 %; the guard reads the percentage.
GROWTH_WORDS = {
    "翻了两番": 300.0,
    "翻两番": 300.0,
    "翻了一番": 100.0,
    "翻一番": 100.0,
    "翻了一倍": 100.0,
    "翻番": 100.0,
    "翻倍": 100.0,
    "doubled": 100.0,
    "tripled": 200.0,
    "quadrupled": 300.0,
    "halved": 50.0,
}
GROWTH_RUN = re.compile("|".join(sorted(GROWTH_WORDS, key=len, reverse=True)), re.IGNORECASE)
# A rank is a number too: 排名第三, 名列第五, 第二名 (but not 第一季度, a period's name).
ZH_ORDINAL = re.compile(rf"(?:排名|名列|位列|排在)第([{_ZH_CHARS}]+)|第([{_ZH_CHARS}]+)名")

EN_SMALL_WORDS = (
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
)
EN_SMALL = {w: i for i, w in enumerate(EN_SMALL_WORDS)}
EN_TENS_WORDS = ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
EN_TENS = {w: 10 * i for i, w in enumerate(EN_TENS_WORDS, start=2)}
EN_SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
_EN_WORDS = "|".join(sorted([*EN_SMALL, *EN_TENS, *EN_SCALES], key=len, reverse=True))
EN_RUN = re.compile(rf"\b(?:{_EN_WORDS})(?:(?:[\s-]+|\s+and\s+)(?:{_EN_WORDS}))*\b", re.IGNORECASE)


def parse_zh(run: str) -> float | None:
    """The value of a Chinese numeral (一百零五 -> 105, 三万 -> 30000, 二零二六 -> 2026), or None."""
    if not any(ch in ZH_UNITS or ch in ZH_BIG for ch in run):
        return float("".join(str(ZH_DIGITS[ch]) for ch in run)) if len(run) >= 2 else None
    total, section, number, after_digit = 0, 0, 0, False
    for i, ch in enumerate(run):
        if ch in ZH_DIGITS:
            if after_digit and ZH_DIGITS[ch] and run[i - 1] not in "零〇":
                return None  # two digits without a place between them ("一二") are not one number
            number, after_digit = ZH_DIGITS[ch], True
        elif ch in ZH_UNITS:
            if not after_digit and ch != "十":
                return None
            section += (number if after_digit else 1) * ZH_UNITS[ch]
            number, after_digit = 0, False
        else:
            section += number
            if section == 0 and total == 0:
                return None
            total = (total + section) * ZH_BIG[ch] if ch == "亿" else total + section * ZH_BIG[ch]
            section, number, after_digit = 0, 0, False
    return float(total + section + number)


def parse_en(run: str) -> float | None:
    """The value of an English numeral (twenty-five -> 25, three hundred and five -> 305), or None."""
    total, current = 0, 0
    for word in re.split(r"[\s-]+", run.lower()):
        if word == "and":
            continue
        if word in EN_SMALL:
            current += EN_SMALL[word]
        elif word in EN_TENS:
            current += EN_TENS[word]
        elif word == "hundred":
            current = (current or 1) * 100
        else:
            total += (current or 1) * EN_SCALES[word]
            current = 0
    return float(total + current)


def word_numbers(text: str) -> list[float]:
    """Every number written in words in `text`, in Chinese or English."""
    out: list[float] = []
    for m in ZH_RUN.finditer(text):
        percent, run, decimals = m.group(1), m.group(2), m.group(3)
        if run in ZH_IDIOMS or (len(run) == 1 and not percent and not decimals):
            continue
        value = parse_zh(run) if len(run) > 1 or run not in ZH_DIGITS else float(ZH_DIGITS[run])
        if value is None:
            continue
        if decimals:
            value += float("0." + "".join(str(ZH_DIGITS[ch]) for ch in decimals))
        out.append(value)
    for m in EN_RUN.finditer(text):
        if m.group(0).lower() == "one":
            continue
        value = parse_en(m.group(0))
        if value is not None:
            out.append(value)
    for m in ZH_ORDINAL.finditer(text):
        run = m.group(1) or m.group(2)
        if len(run) == 1:  # longer runs were read above
            out.append(float(ZH_DIGITS[run]) if run in ZH_DIGITS else float(ZH_UNITS.get(run, ZH_BIG.get(run, 0))))
    out += [GROWTH_WORDS[m.group(0).lower()] for m in GROWTH_RUN.finditer(text)]
    return out
