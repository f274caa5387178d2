"""Words that give a name a news attribute, and where in a name they count.

A medium word (…报, 在线, 之声, 资讯, 快讯…) counts when an authority word, a place or a
topic of the counterfeit grammar stands before it (华夏监督在线, 岭南民生之声).

A word counts at the end of a name (after platform affixes such as 网, 官网, 客户端,
Online, .com are stripped), not anywhere inside it: 新华路小学, 日报表格模板, "Daily Grind
Coffee" and "Post Office Supplies" are not news outlets. Lists from the regulator's
wording and published counterfeit cases (see shared reference DOMAIN.md §2–3).
"""

from __future__ import annotations

from dataclasses import dataclass

from detectors.text import fold, has_cjk, words

STRONG_ZH = ("新闻", "报道", "通讯社", "日报", "晚报", "早报", "晨报", "时报", "导报", "周报",
             "报社", "报刊", "电视台", "广播电台", "卫视", "记者站", "新闻社", "新闻中心")
MEDIUM_ZH = ("报", "周刊", "杂志", "传媒", "媒体", "资讯", "快讯", "头条", "要闻", "观察", "焦点",
             "之声", "频道", "在线")
TOPIC_ZH = ("法制", "法治", "廉政", "监督", "维权", "曝光", "调查", "内参", "舆情", "反腐", "纪检",
            "民生", "财经", "时政", "生态", "环保", "焦点", "公益", "政务", "党建")
AUTHORITY_ZH = ("中国", "中华", "中央", "全国", "国家", "华夏", "人民", "国际", "环球", "亚洲",
                "亚太", "世界", "神州", "东方", "京华")
# Places: the other half of the counterfeit grammar (a province or city + news suffix).
PLACES_ZH = ("北京", "天津", "河北", "山西", "内蒙古", "辽宁", "吉林", "黑龙江", "上海", "江苏", "浙江",
             "安徽", "福建", "江西", "山东", "河南", "湖北", "湖南", "广东", "广西", "海南", "重庆", "四川",
             "贵州", "云南", "西藏", "陕西", "甘肃", "青海", "宁夏", "新疆", "香港", "澳门", "台湾",
             "齐鲁", "燕赵", "三秦", "荆楚", "潇湘", "巴蜀", "岭南", "八闽", "中原", "江南", "东北", "西部",
             "华北", "华南", "华东", "西北", "西南", "海峡", "北疆", "南疆", "滇黔", "关中", "江淮", "长三角",
             "珠三角", "粤港澳", "广州", "深圳", "南京", "杭州", "武汉", "成都", "西安", "沈阳", "哈尔滨",
             "长春", "济南", "青岛", "郑州", "长沙", "南昌", "合肥", "福州", "厦门", "昆明", "贵阳", "南宁",
             "海口", "兰州", "银川", "西宁", "乌鲁木齐", "拉萨", "呼和浩特", "太原", "石家庄", "苏州",
             "宁波", "温州", "无锡", "大连", "东莞", "佛山")
# Stripped from the end of a name before judging it (repeatedly: 新闻网官方客户端).
AFFIXES_ZH = ("官方网站", "官方账号", "官方", "官网", "网站", "客户端", "手机版", "首页", "app",
              "中文网", "中文版", "中文", "英文版",
              "网", "平台", "中心", "号", "版", "电子版", "数字报", "融媒")

STRONG_EN = {"news", "newswire", "daily", "gazette", "herald", "tribune", "times", "chronicle",
             "courier", "journal", "newsroom", "broadcasting", "press", "newspaper", "dispatch"}
MEDIUM_EN = {"report", "reporter", "observer", "monitor", "today", "media", "bulletin", "post",
             "weekly", "review", "wire", "telegraph", "standard"}
AFFIXES_EN = {"online", "network", "net", "com", "cn", "org", "official", "live", "tv", "site",
              "web", "hub", "app", "group", "channel", "now", "the", "24", "365", "en", "zh"}


@dataclass(frozen=True)
class NewsWord:
    word: str
    strength: str  # strong | medium
    qualifier: str | None  # authority or topic word that makes a medium word count


def _strip_zh(name: str) -> str:
    changed = True
    while changed and name:
        changed = False
        for affix in AFFIXES_ZH:
            if name.endswith(affix) and len(name) > len(affix) + 1:
                name, changed = name[: -len(affix)], True
                break
    return name


def news_word(name: str) -> NewsWord | None:
    """The news word that ends `name`, if any (see module docstring)."""
    if has_cjk(name):
        core = _strip_zh(fold(name))
        for word in STRONG_ZH:
            if core.endswith(word) and len(core) > len(word):
                return NewsWord(word, "strong", None)
        for word in MEDIUM_ZH:
            if core.endswith(word) and len(core) > len(word):
                head = core[: -len(word)]
                qualifier = next((w for w in (*AUTHORITY_ZH, *TOPIC_ZH, *PLACES_ZH) if w in head), None)
                return NewsWord(word, "medium", qualifier)
        return None
    tokens = words(name)
    while len(tokens) > 1 and tokens[-1] in AFFIXES_EN:
        tokens.pop()
    if len(tokens) < 2:  # a news word alone is a word, not a name
        return None
    last = tokens[-1]
    if last in STRONG_EN:
        return NewsWord(last, "strong", None)
    if last in MEDIUM_EN:
        return NewsWord(last, "medium", None)
    return None
