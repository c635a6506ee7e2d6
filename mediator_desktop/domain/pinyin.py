"""Pinyin search keys, so a mediator can find 张三 by typing ``zs`` or ``zhangsan``.

Names are read as names: polyphonic surnames take their surname reading (单 shan, 曾 zeng,
解 xie, 尉迟 yuchi …). Other characters take pypinyin's default reading, and the initials of
other readings are added too (up to a few variants), so either guess finds the person.
Characters pypinyin cannot read (rare Ext-B characters such as 𠮷, Latin, digits) stay as
they are.
"""

from __future__ import annotations

from functools import lru_cache
from itertools import product

# pypinyin loads its phrase dictionary on import (about 0.3 s): it is imported on the first
# name that needs a reading, not at start-up or by a command that never searches or writes.

COMPOUND_SURNAMES = {
    "欧阳": ("ou", "yang"), "司马": ("si", "ma"), "上官": ("shang", "guan"), "诸葛": ("zhu", "ge"),
    "东方": ("dong", "fang"), "皇甫": ("huang", "fu"), "尉迟": ("yu", "chi"), "万俟": ("mo", "qi"),
    "单于": ("chan", "yu"), "长孙": ("zhang", "sun"), "令狐": ("ling", "hu"), "慕容": ("mu", "rong"),
    "司徒": ("si", "tu"), "司空": ("si", "kong"), "夏侯": ("xia", "hou"), "宇文": ("yu", "wen"),
    "公孙": ("gong", "sun"), "澹台": ("tan", "tai"), "百里": ("bai", "li"), "呼延": ("hu", "yan"),
}
SURNAME_READINGS = {
    "单": "shan", "曾": "zeng", "仇": "qiu", "解": "xie", "朴": "piao", "区": "ou", "查": "zha",
    "盖": "ge", "乐": "yue", "缪": "miao", "翟": "zhai", "尉": "yu", "覃": "qin", "召": "shao",
    "种": "chong", "折": "she", "繁": "po", "员": "yun", "秘": "bi", "隗": "wei", "冼": "xian",
    "洗": "xian", "薄": "bo", "宓": "mi", "句": "gou", "粘": "nian", "谌": "chen", "居": "ju",
    "纪": "ji", "过": "guo", "黑": "he", "华": "hua", "任": "ren", "沈": "shen", "贾": "jia",
    "石": "shi", "朝": "chao", "长": "chang", "重": "chong", "藏": "zang", "卜": "bu", "燕": "yan",
    "应": "ying", "车": "che", "都": "du", "难": "nan", "匡": "kuang", "阚": "kan", "蔺": "lin",
}
MAX_VARIANTS = 4


@lru_cache(maxsize=65536)
def _char_reading(ch: str) -> str:
    from pypinyin import lazy_pinyin

    # ``errors`` may return a list (pypinyin's documented use); its stubs say str only.
    reading = lazy_pinyin(ch, errors=lambda s: list(s))[0]  # type: ignore[arg-type,return-value]
    return reading.lower()


@lru_cache(maxsize=65536)
def _char_initials(ch: str) -> tuple[str, ...]:
    """Distinct first letters of every reading of ``ch`` (default reading first)."""
    from pypinyin import Style, pinyin

    default = _char_reading(ch)[:1]
    readings = pinyin(ch, style=Style.NORMAL, heteronym=True, errors=lambda s: [s])[0]  # type: ignore[arg-type,return-value]
    letters = [default] + [r[:1].lower() for r in readings if r]
    return tuple(dict.fromkeys(x for x in letters if x))


def _split_surname(name: str) -> tuple[str, tuple[str, ...], str]:
    """(surname, its syllables or (), given name)."""
    if name[:2] in COMPOUND_SURNAMES:
        return name[:2], COMPOUND_SURNAMES[name[:2]], name[2:]
    if name[:1] in SURNAME_READINGS:
        return name[:1], (SURNAME_READINGS[name[:1]],), name[1:]
    return "", (), name


def _keys(text: str, surname_mode: bool) -> str:
    text = "".join(text.split())
    if not text:
        return ""
    surname, syllables, rest = _split_surname(text) if surname_mode else ("", (), text)
    chars = list(rest)
    full = "".join(syllables) + "".join(_char_reading(c) for c in chars)
    options = [(syl[0],) for syl in syllables] + [_char_initials(c) for c in chars]
    variants: list[str] = []
    for combo in product(*options):
        variants.append("".join(combo))
        if len(variants) >= MAX_VARIANTS:
            break
    keys = [full] + variants
    if syllables:
        plain = "".join(_char_reading(c) for c in text)
        if plain != full:
            keys += [plain, "".join(_char_reading(c)[:1] for c in text)]
    return " ".join(dict.fromkeys(k for k in keys if k))


def name_search_keys(name: str) -> str:
    """``zhangsan zs`` for 张三; surname readings for names (``shantianfang stf`` for 单田芳)."""
    return _keys(name or "", surname_mode=True)


def text_search_keys(text: str) -> str:
    """Full pinyin and initials of an organisation's name (no surname rule)."""
    return _keys(text or "", surname_mode=False)
