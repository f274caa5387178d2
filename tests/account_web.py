"""A sandbox web of platform accounts, written from data: per platform, a genuine account,
an impersonator, a news-branded account without licence, one with a borrowed licence and
a login-walled page (and, for some, a removed account).

Each page follows its platform's public structure as far as it is known here (see the
profiles in seeds/platforms/): the account's state is embedded the platform's way
(`window.__INITIAL_STATE__`, URL-encoded RENDER_DATA, an Apollo cache, script variables)
and the page's own script draws it into the DOM. Avatars are served from the platforms'
image hosts.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import yaml

from tests.drawing import logo, save

LICENCE = {"holder": "人民日报社", "number": "10120170001", "category": "互联网新闻信息采编发布服务"}
PEOPLE = {"id": "people", "name": "人民日报社", "names": ["人民日报", "People's Daily"], "type": "newspaper",
          "domains": ["people.example.cn"], "licences": [LICENCE["number"]], "logos": ["logos/people.png"]}
EXPECTED = {  # case → (status, verdict, org_id)
    "genuine": ("ok", "official", "people"),
    "impersonator": ("ok", "impersonation", "people"),
    "unlicensed": ("ok", "unlicensed_news", None),
    "borrowed": ("ok", "licence_misuse", "people"),
    "blocked": ("blocked", None, None),
    "gone": ("gone", None, None),
}
IDS = {
    "weibo": ["2803301701", "7311200001", "7311200002", "7311200003", "7311200004", "7311200005"],
    "wechat": ["MjM5MjAxNDM4MA==", "MzI1MDAwMDAxMQ==", "MzI1MDAwMDAxMg==", "MzI1MDAwMDAxMw==",
               "MzI1MDAwMDAxNA=="],
    "douyin": ["MS4wLjABAAAA8U_l6rBzmy7bcy6xOJel4v0RzoR_wfAu", "MS4wLjABAAAAfake0001", "MS4wLjABAAAAfake0002",
               "MS4wLjABAAAAfake0003", "MS4wLjABAAAAfake0004", "MS4wLjABAAAAfake0005"],
    "toutiao": ["MS4wLjABAAAAtoutiaoRMRB", "MS4wLjABAAAAtt0001", "MS4wLjABAAAAtt0002", "MS4wLjABAAAAtt0003",
                "MS4wLjABAAAAtt0004"],
    "bilibili": ["50329118", "1900000001", "1900000002", "1900000003", "1900000004"],
    "kuaishou": ["3xrmrb2017", "3xfake0001", "3xfake0002", "3xfake0003", "3xfake0004"],
    "xiaohongshu": ["5a1b2c3d4e5f60718293a4b5", "6a1b2c3d4e5f60718293a4b5", "6a1b2c3d4e5f60718293a4b6",
                    "6a1b2c3d4e5f60718293a4b7", "6a1b2c3d4e5f60718293a4b8"],
}
CASES = tuple(EXPECTED)
# How each platform's impersonator spells the name (exercising the name detector), and
# an impersonator that also shows a media verification label naming the organisation.
IMPERSONATOR_NAMES = {"weibo": "人民日报", "wechat": "人民日報", "douyin": "人民日报官方账号", "toutiao": "人民曰报",
                      "bilibili": "人民日报", "kuaishou": "人民日报社", "xiaohongshu": "人民日报"}
FAKE_LABEL = {"bilibili": "人民日报官方账号"}
AVATAR_HOSTS = {"weibo": "tvax1.sinaimg.cn/crop.0.0.180.180.180", "wechat": "wx.qlogo.cn/mmhead",
                "douyin": "p3-pc.douyinpic.com/aweme/100x100", "toutiao": "p3.toutiaoimg.com/img/user-avatar",
                "bilibili": "i0.hdslb.com/bfs/face", "kuaishou": "p2.a.yximgs.com/uhead/AB",
                "xiaohongshu": "sns-avatar-qc.xhscdn.com/avatar"}
BLOCKED = {
    "weibo": '<div class="LoginCard"><h2>Sina Visitor System</h2><p>请登录后查看</p></div>',
    "wechat": '<div class="weui-msg"><p class="weui-msg__title">请在微信客户端打开链接</p></div>',
    "douyin": '<div data-e2e="login-panel"><p>登录后查看更多精彩内容</p></div>',
    "toutiao": '<div class="login-guide-modal"><p>登录今日头条，查看更多</p></div>',
    "bilibili": '<div class="bili-mini-mask"><p>登录后查看</p></div>',
    "kuaishou": '<div class="login-dialog"><p>扫码登录快手</p></div>',
    "xiaohongshu": '<div class="login-container"><p>登录后查看搜索结果</p></div>',
}
GONE = {"weibo": "<p>用户不存在</p>", "douyin": "<p>该账号已注销</p>"}


@dataclass(frozen=True)
class Account:
    platform: str
    case: str
    account_id: str
    name: str = ""
    avatar: str = ""  # URL
    subject: str | None = None
    label: str | None = None
    licence: dict | None = None

    @property
    def url(self) -> str:
        """The URL a user would give (not always the canonical one)."""
        return {
            "weibo": f"https://m.weibo.cn/u/{self.account_id}" if self.case == "impersonator"
            else f"https://weibo.com/u/{self.account_id}",
            "wechat": f"https://mp.weixin.qq.com/mp/profile_ext?action=home&__biz={self.account_id}#wechat_redirect",
            "douyin": f"https://www.douyin.com/user/{self.account_id}",
            "toutiao": f"https://www.toutiao.com/c/user/token/{self.account_id}/",
            "bilibili": f"https://space.bilibili.com/{self.account_id}",
            "kuaishou": f"https://www.kuaishou.com/profile/{self.account_id}",
            "xiaohongshu": f"https://www.xiaohongshu.com/user/profile/{self.account_id}",
        }[self.platform]


def accounts() -> list[Account]:
    found = []
    for platform, ids in IDS.items():
        for case, account_id in zip(CASES, ids):
            avatar = f"https://{AVATAR_HOSTS[platform]}/{account_id.rstrip('=')}.jpg"
            data = {
                "genuine": dict(name="人民日报", subject="人民日报社", label="人民日报法人账号", licence=LICENCE),
                "impersonator": dict(name=IMPERSONATOR_NAMES[platform], label=FAKE_LABEL.get(platform),
                                     subject="北京星河文化传媒有限公司" if platform in FAKE_LABEL else None),
                "unlicensed": dict(name="滨江日报", subject="滨江星河文化传媒有限公司"),
                "borrowed": dict(name="滨海新闻", subject="滨海云帆网络科技有限公司", licence=LICENCE),
            }.get(case, {})
            found.append(Account(platform, case, account_id, avatar=avatar if data else "", **data))
    return found


# --- pages -----------------------------------------------------------------------------
# The script every page shares: put values of the view `S` into [data-bind] elements and
# drop [data-if] blocks whose value is missing.
BINDER = """
function pick(o, path) { return path.split('.').reduce(function (v, k) { return v == null ? v : v[k]; }, o); }
function bind(S) {
  document.querySelectorAll('[data-if]').forEach(function (el) { if (!pick(S, el.dataset.if)) el.remove(); });
  document.querySelectorAll('[data-bind]').forEach(function (el) {
    var v = pick(S, el.dataset.bind);
    if (el.tagName === 'IMG') { if (v) el.src = v; } else { el.textContent = v == null ? '' : v; }
  });
}
"""


def _block(classes: dict[str, str]) -> str:
    """Subject entity and licence block markup with the platform's class names."""
    return (f'<div class="{classes["subject"]}" data-if="subject">账号主体：<span class="value" data-bind="subject"></span></div>'
            f'<div class="{classes["licence"]}" data-if="licence">互联网新闻信息服务许可证 '
            f'<span {classes["field"]}="holder" data-bind="licence.holder"></span> '
            f'<span {classes["field"]}="number" data-bind="licence.number"></span> '
            f'<span {classes["field"]}="category" data-bind="licence.category"></span></div>')


def _weibo(a: Account) -> tuple[str, str, str]:
    state = {"profile": {"user": {"idstr": a.account_id, "screen_name": a.name, "avatar_hd": a.avatar,
                                  "description": f"{a.name}的微博", "verified": bool(a.label),
                                  "verified_type": 3 if a.label else -1, "verified_reason": a.label,
                                  "followers_count_str": "1.5万"},
                         "detail": {"subject": a.subject, "licence": a.licence}}}
    script = f"window.__INITIAL_STATE__ = {json.dumps(state, ensure_ascii=False)};"
    view = ("var p = window.__INITIAL_STATE__.profile; bind({name: p.user.screen_name, avatar: p.user.avatar_hd,"
            " subject: p.detail.subject, licence: p.detail.licence});")
    body = ('<div class="ProfileHeader"><div class="ProfileHeader_avatar"><img data-bind="avatar"></div>'
            '<h1 class="ProfileHeader_name" data-bind="name"></h1>'
            + _block({"subject": "ProfileHeader_subject", "licence": "LicenceCard", "field": "data-field"}) + "</div>")
    return script, view, body


def _wechat(a: Account) -> tuple[str, str, str]:
    script = (f'var __biz = "{a.account_id}"; var nickname = "{a.name}"; var round_head_img = "{a.avatar}";'
              f" var profile = {json.dumps({'subject': a.subject, 'licence': a.licence, 'label': a.label}, ensure_ascii=False)};")
    view = "bind({name: nickname, avatar: round_head_img, subject: profile.subject, licence: profile.licence, label: profile.label});"
    body = ('<div class="profile_info"><img class="profile_avatar" data-bind="avatar">'
            '<strong class="profile_nickname" data-bind="name"></strong>'
            '<p class="profile_verify" data-if="label"><span class="profile_verify_name" data-bind="label"></span>'
            '<span class="profile_verify_type">媒体</span></p>'
            '<p class="profile_desc"><span class="profile_desc_value">公众号简介</span></p>'
            + _block({"subject": "profile_subject", "licence": "licence_block", "field": "class"}) + "</div>")
    return script, view, body


def _douyin(a: Account) -> tuple[str, str, str]:
    user = {"uid": "1001", "secUid": a.account_id, "nickname": a.name, "avatar300Url": a.avatar,
            "desc": "记录美好生活", "customVerify": a.label or "", "verificationType": 1 if a.label else 0,
            "followerCount": 12345}
    data = quote(json.dumps({"app": {"user": {"user": user, "extra": {"subject": a.subject, "licence": a.licence}}}},
                            ensure_ascii=False))
    script = ""  # the state is the RENDER_DATA element below
    view = ("var d = JSON.parse(decodeURIComponent(document.getElementById('RENDER_DATA').textContent)).app.user;"
            " bind({name: d.user.nickname, avatar: d.user.avatar300Url, subject: d.extra.subject, licence: d.extra.licence});")
    body = (f'<script id="RENDER_DATA" type="application/json">{data}</script>'
            '<div data-e2e="user-info"><img data-bind="avatar"><h1 data-bind="name"></h1>'
            '<p data-e2e="user-subject" data-if="subject" data-bind="subject"></p>'
            '<div data-e2e="user-license" data-if="licence">互联网新闻信息服务许可证 <span class="holder" data-bind="licence.holder">'
            '</span> <span class="number" data-bind="licence.number"></span> <span class="category" '
            'data-bind="licence.category"></span></div></div>')
    return script, view, body


def _toutiao(a: Account) -> tuple[str, str, str]:
    info = {"name": a.name, "avatarUrl": a.avatar, "description": "头条号", "fansCount": 678,
            "userAuthInfo": {"auth_type": "0" if a.label else "", "auth_info": a.label or ""},
            "subject": a.subject, "licence": a.licence}
    script = f"window._SSR_HYDRATED_DATA = {json.dumps({'data': {'userInfo': info}}, ensure_ascii=False)};"
    view = ("var u = window._SSR_HYDRATED_DATA.data.userInfo;"
            " bind({name: u.name, avatar: u.avatarUrl, subject: u.subject, licence: u.licence});")
    body = ('<div class="user-info"><img class="avatar" data-bind="avatar"><span class="name" data-bind="name"></span>'
            + _block({"subject": "user-subject", "licence": "media-licence", "field": "class"}) + "</div>")
    return script, view, body


def _bilibili(a: Account) -> tuple[str, str, str]:
    info = {"mid": int(a.account_id), "name": a.name, "face": a.avatar, "sign": "",
            "official": {"role": 3 if a.label else 0, "title": a.label or "", "type": 1 if a.label else -1},
            "subject": a.subject, "licence": a.licence}
    script = (f"window.__INITIAL_STATE__={json.dumps({'space': {'info': info, 'fans': 4321}}, ensure_ascii=False)};"
              "(function(){var s;(s=document.currentScript||document.scripts[document.scripts.length-1]).parentNode.removeChild(s);}());")
    view = ("var i = window.__INITIAL_STATE__.space.info;"
            " bind({name: i.name, avatar: i.face, subject: i.subject, licence: i.licence});")
    body = ('<div class="h-inner"><img class="h-avatar" data-bind="avatar"><span id="h-name" data-bind="name"></span>'
            + _block({"subject": "h-subject", "licence": "h-licence", "field": "class"}) + "</div>")
    return script, view, body


def _kuaishou(a: Account) -> tuple[str, str, str]:
    cache = {"defaultClient": {
        f"VisionProfile:{a.account_id}": {"__typename": "VisionProfile", "result": 1},
        f"$VisionProfile:{a.account_id}.userProfile.profile": {
            "__typename": "VisionProfileUserInfo", "user_id": a.account_id, "user_name": a.name, "headurl": a.avatar,
            "user_text": "", "verifiedStatus": {"description": a.label or "", "type": 1 if a.label else 0},
            "subject": a.subject, "licence": a.licence},
        f"$VisionProfile:{a.account_id}.userProfile.ownerCount": {"__typename": "VisionProfileOwnerCount", "fan": "2.1万"},
    }}
    script = f"window.__APOLLO_STATE__ = {json.dumps(cache, ensure_ascii=False)};"
    view = ("var c = window.__APOLLO_STATE__.defaultClient; var u = Object.keys(c).map(function (k) { return c[k]; })"
            ".filter(function (e) { return e.__typename === 'VisionProfileUserInfo'; })[0];"
            " bind({name: u.user_name, avatar: u.headurl, subject: u.subject, licence: u.licence});")
    body = ('<div class="profile-user"><img class="profile-user-avatar" data-bind="avatar">'
            '<p class="profile-user-name-title" data-bind="name"></p>'
            + _block({"subject": "profile-subject", "licence": "profile-licence", "field": "class"}) + "</div>")
    return script, view, body


def _xiaohongshu(a: Account) -> tuple[str, str, str]:
    basic = {"nickname": a.name, "images": a.avatar, "desc": "", "redId": "95279527"}
    state = {"user": {"userPageData": {"basicInfo": basic, "verifyInfo": {"label": a.label},
                                       "subject": a.subject, "licence": a.licence}}}
    script = f"window.__INITIAL_STATE__ = {json.dumps(state, ensure_ascii=False)}"
    view = ("var d = window.__INITIAL_STATE__.user.userPageData;"
            " bind({name: d.basicInfo.nickname, avatar: d.basicInfo.images, subject: d.subject, licence: d.licence});")
    body = ('<div class="user-info"><img class="user-image" data-bind="avatar"><div class="user-name" data-bind="name"></div>'
            + _block({"subject": "user-subject", "licence": "user-licence", "field": "class"}) + "</div>")
    return script, view, body


PAGES = {"weibo": _weibo, "wechat": _wechat, "douyin": _douyin, "toutiao": _toutiao, "bilibili": _bilibili,
         "kuaishou": _kuaishou, "xiaohongshu": _xiaohongshu}


def page_html(a: Account) -> str:
    if a.case == "blocked":
        return f'<!doctype html><html><head><meta charset="utf-8"><title>登录</title></head><body>{BLOCKED[a.platform]}</body></html>'
    if a.case == "gone":
        return f'<!doctype html><html><head><meta charset="utf-8"><title>提示</title></head><body>{GONE[a.platform]}</body></html>'
    script, view, body = PAGES[a.platform](a)
    state = f"<script>{script}</script>" if script else ""
    return (f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title></title>{state}</head>'
            f'<body><div id="app">{body}</div><script>{BINDER}\n{view}</script></body></html>')


def _page_path(root: Path, a: Account) -> Path:
    """Where the sandbox serves the account's page from. WeChat's page is one path with
    the account in its query: a `_redirects` rule sends each account to its own file."""
    if a.platform == "wechat":
        folder = root / "mp.weixin.qq.com"
        folder.mkdir(parents=True, exist_ok=True)
        with (folder / "_redirects").open("a", encoding="utf-8") as rules:
            rules.write(f"/mp/profile_ext?action=home&__biz={a.account_id} 302 /accounts/{a.account_id.rstrip('=')}.html\n")
        return folder / "accounts" / f"{a.account_id.rstrip('=')}.html"
    path = a.url.split("://", 1)[1].split("?")[0].rstrip("/")
    if a.platform == "weibo":
        path = f"weibo.com/u/{a.account_id}"  # the canonical page, whichever URL the user gives
    return root / path / "index.html"


def build(root: Path) -> list[Account]:
    """Write every account page, its avatar and the test registry (`registry.yaml`) under
    `root`; return the accounts."""
    built = accounts()
    people_logo = logo(1, 256, "RM")
    save(people_logo, root / "registry" / "logos" / "people.png")
    people = {**PEOPLE, "accounts": {a.platform: [a.account_id] for a in built if a.case == "genuine"}}
    (root / "registry" / "registry.yaml").write_text(
        yaml.safe_dump({"organisations": [people]}, allow_unicode=True), encoding="utf-8")
    seeds = {"unlicensed": 5, "borrowed": 6}
    for a in built:
        path = _page_path(root / "web", a)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(page_html(a), encoding="utf-8")
        if a.avatar:
            image = people_logo if a.case in ("genuine", "impersonator") else logo(seeds[a.case], 256)
            if a.case == "impersonator":
                image = image.resize((180, 180))  # re-drawn, not the same file
            save(image.convert("RGB"), root / "web" / a.avatar.split("://", 1)[1], format="JPEG", quality=85)
    return built
