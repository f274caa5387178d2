"""Regenerate `lookalike_chars.tsv`, the table of look-alike Chinese characters used by
`detectors.lookalikes`. Kept for provenance; not imported at run time.

Build-time requirements (not runtime dependencies of Masthead):
  - Debian package `fonts-noto-cjk` (Noto Sans/Serif CJK SC, SIL OFL 1.1), rendered with Pillow;
  - `pip install --no-deps char-similar==0.0.2 tqdm` (yongzhuo/char-similar, MIT/Apache-2.0:
    per-character four-corner codes, radicals, stroke counts, components, structure, stroke
    order and frequency; its declared dependency `macropodus` is only for its word-vector mode);
  - numpy and scipy.

    .venv/bin/python detectors/data/build_lookalikes.py   # 2-4 minutes, ~2.5 GB of memory

How a pair gets in (see README.md for the reasoning and the measured precision):
 1. Universe: GB 2312 (6,763 characters) plus the GBK characters of the basic CJK block that
    char-similar's corpus frequency (natural log) puts at 7.0 or more (e.g. 夬).
 2. Every character is drawn in two typefaces (sans, serif). Between every two characters:
    - `M`: cosine of the blurred drawings (Gaussian sigma 2 px on 64 px, 32x32 grid);
    - `k10`, `k15`: chance-corrected ink coverage — the share of each glyph's ink lying within
      1-2 px (resp. 1.5-3 px) of the other's, corrected for how much of the box the other's
      dilated ink fills (dense glyphs cover anything), worst direction and worst typeface;
    - `kb`: `k15` after stretching both glyphs to the same box (日/曰 differ mostly in width);
    - `cs`: char-similar's `std_cal_sim(a, b, kind="shape")`, reproduced exactly in numpy.
 3. `z` = logistic score over (k15, k10, M, cs), its weights fitted on LABELS below: 240 pairs
    drawn stratified from the candidate space and judged by eye (1 = a reader skimming a name
    could take one for the other).
 4. A pair is kept if at least one of its characters is common (GB 2312 level 1: genuine
    outlet names are written with common characters; pairs of two rare characters were the
    noisiest and can never match a registry name), and (a) z >= Z_STRONG ("shape"), or (b) each character is among the other's
    three nearest by z and z >= Z_MUTUAL ("shape-mutual": a similarity that is weak in absolute
    terms but stands out for both characters), or (c) kb >= KB_STRONG ("shape-box"), or (d) it is
    an impostor swap documented in the project's domain reference ("observed").
"""

from __future__ import annotations

import importlib.util
import sys
import time
import types
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont
from scipy import ndimage
from scipy.optimize import minimize
from scipy.sparse import csr_matrix

OUT = Path(__file__).with_name("lookalike_chars.tsv")
FONTS = ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
         "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc")
SIZE, CANVAS = 56, 64
MIN_FREQUENCY = 7.0
Z_STRONG, Z_MUTUAL, MUTUAL_K, KB_STRONG = -1.0, -4.0, 3, 0.8
# Swaps seen in counterfeit outlet names (docs: DOMAIN.md section 3 and the detector brief).
OBSERVED = ("人入", "日曰", "社杜", "网冈", "中申")
LABELS = (
    "俄催0 休怵0 徂怛0 侄佢0 掮撙0 撺镩0 栖棂0 慊搛0 垣桓0 憔樵0 耖轸0 古台0 丌开1 拿掌0 茺莞0 蝓蝗0 腆腴0 忽急0 殂殓0 授撰0 "
    "姘拼0 苘茼1 愉谕0 怏挟0 婢捭0 吁旰0 幛幢1 贫赀0 捎榜0 偬惚0 炒纱0 迳逄0 猜猬0 棱棹0 板棱0 拶损0 侄俭0 惯愤1 旅旆1 擒檎1 "
    "汔讫0 请谪0 篦蓖1 鸺鹅0 挖控1 倩情1 嗫噁0 朐脂0 狻隻0 筋箭0 崃栋0 仵许0 誓嘗0 荣荥1 怄怛0 桂桩0 舯舻0 谚谛0 蠓蠖0 榕棬0 "
    "看肴0 偌诺0 巢集0 具臭0 悻倖1 桃祧1 柒梁0 倏倐1 悱排0 僚擦0 管菅1 桌臬1 似拟0 舵鲂0 纹绞0 钠钫0 网闲0 综馀0 沭淙0 浩诰0 "
    "碜碣0 悼棹0 叟男0 樯穑1 哌唣0 掩揸0 爨簧0 逾遍0 嵋蛔0 揎植0 抱拾0 阄阋0 杜社1 柯相0 镰镳0 倜偶0 熘熠0 陆陛0 闫闰1 得锝0 "
    "蹭躇0 蜗蝗0 责贫0 挑珧0 喁喟0 忻折0 恢诙0 讵佢0 痛痼0 呕咄0 窑肓0 掾橡1 瘟盛0 茇菱0 遮遵0 衽袄0 揍榛1 复夏1 佘余1 湄溏0 "
    "搴攀0 徊掴0 楦祷0 婴要0 份伤0 迂迈1 委娄1 拽掖0 侯诶0 甍薨1 毂榖1 杓构1 福裼0 叟更0 嗵嘎0 铠镅0 杷柢0 佯俘0 技按0 妹姝1 "
    "柞栓0 嗳暧1 喏嗜0 啧嗖0 潆漈0 绫续0 蒽蕙0 喔嗟0 佥合0 钒银0 镜镫0 害宵0 岗岚0 逝遥0 住往1 遨迺0 讪诎0 痞痹0 赉赍1 掉掩0 "
    "邡邢0 岂岜1 甭绗0 瑗瑷1 恽悻0 炬矩0 听昕1 绍诏0 晁晃1 秧秩0 楣楯0 傺徕0 畲畬1 汨汩1 没设1 相稆0 嘹噫0 怜拎0 仁伫0 微徽1 "
    "捋挼0 揭摁0 妪枢0 缥缫0 效敛0 决冼0 作怍1 玉王1 儿凡0 腭腿0 氧氣0 笃箕0 蚰蜕0 货贷1 檩檬0 喔喱0 浍淦0 廪麇0 枫棵0 担拒0 "
    "蚤蛋1 狯铨0 倨据0 暹遭0 岿当0 忾饩0 桶梢0 英荚1 堋棚0 廊廓1 肢鼓0 哺嗟0 脐鲚0 札礼1 唾噬0 嵝蝼0 惜愔0 助肋0 赡雕0 冒胄1 "
    "铗铵0 肾胄0 腮腺0 诘诰1 瑶璎0 唪喋0 娟绢0 荻获1 冂门1 咭眩0 童篁0 锬锭0 塌榻0 讪训1 蜊螗0 笙苠0 下于0 痿瘿0 窘窟0 遇遏1"
)


def char_similar():
    """char-similar's modules without its package __init__, which imports optional
    multiprocessing helpers that are not needed here."""
    spec = importlib.util.find_spec("char_similar")
    package = types.ModuleType("char_similar")
    package.__path__ = list(spec.submodule_search_locations)
    sys.modules["char_similar"] = package
    from char_similar import const_dict
    from char_similar.char_similarity_std import std_cal_sim
    return const_dict, std_cal_sim


def encodes(char: str, codec: str) -> bool:
    try:
        char.encode(codec)
        return True
    except UnicodeEncodeError:
        return False


def common(char: str) -> bool:
    """GB 2312 level 1: the 3,755 most used characters (rows 16-55)."""
    return encodes(char, "gb2312") and 0xB0 <= char.encode("gb2312")[0] <= 0xD7


def universe(D) -> list[str]:
    block = [chr(c) for c in range(0x4E00, 0xA000)]
    return [c for c in block if encodes(c, "gb2312")
            or (encodes(c, "gbk") and D.dict_char_frequency.get(c, 0) >= MIN_FREQUENCY)]


def render(chars: list[str], path: str) -> np.ndarray:
    font = next(f for i in range(10)
                if "SC" in (f := ImageFont.truetype(path, SIZE, index=i)).getname()[0])
    out = np.zeros((len(chars), CANVAS, CANVAS), np.uint8)
    for i, char in enumerate(chars):
        image = Image.new("L", (CANVAS, CANVAS), 0)
        ImageDraw.Draw(image).text((CANVAS / 2, CANVAS / 2), char, font=font, fill=255, anchor="mm")
        out[i] = np.asarray(image)
    return out


def box_normalised(glyphs: np.ndarray) -> np.ndarray:
    out = np.zeros_like(glyphs)
    for i, glyph in enumerate(glyphs):
        ys, xs = np.nonzero(glyph > 128)
        crop = Image.fromarray(glyph[ys.min():ys.max() + 1, xs.min():xs.max() + 1])
        out[i, 4:60, 4:60] = np.asarray(crop.resize((56, 56), Image.BILINEAR))
    return out


def blur_cosine(glyphs: np.ndarray, sigma: float = 2.0) -> np.ndarray:
    n = len(glyphs)
    x = ndimage.gaussian_filter(glyphs.astype(np.float32) / 255, (0, sigma, sigma))
    x = x.reshape(n, 32, 2, 32, 2).mean((2, 4)).reshape(n, -1)
    x -= x.mean(1, keepdims=True)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    return x @ x.T


def coverage_kappa(glyphs: np.ndarray, near: float, far: float) -> np.ndarray:
    """[a, b] = share of a's ink within `near`..`far` px (linear fall-off) of b's ink, minus what
    b's dilated ink would cover by chance, rescaled to 1; symmetric by the worse direction."""
    n = len(glyphs)
    ink = glyphs > 128
    share = ink.reshape(n, -1).astype(np.float32)
    share /= np.maximum(share.sum(1, keepdims=True), 1)
    distance = np.stack([ndimage.distance_transform_edt(~g) for g in ink])
    reach = np.clip((far - distance) / (far - near), 0, 1).astype(np.float32)
    chance = reach[:, 6:58, 6:58].mean((1, 2))
    with np.errstate(divide="ignore", invalid="ignore"):
        kappa = (share @ reach.reshape(n, -1).T - chance[None, :]) / (1 - chance[None, :])
    kappa = np.nan_to_num(kappa, nan=0.0, posinf=0.0, neginf=0.0)
    return np.minimum(kappa, kappa.T)


def shape_similarity(chars: list[str], D) -> np.ndarray:
    """char-similar's `cal_sim_by_shape` (weights: four-corner 7, radical 2, frequency 5,
    stroke count 6, components 4, structure 8, stroke kinds 3) for every pair at once."""
    n = len(chars)
    corner = np.array([[ord(d) for d in D.dict_char_fourangle.get(c, "")[:4]]
                       + [-1] * (4 - len(D.dict_char_fourangle.get(c, "")[:4])) for c in chars])
    corner_ok = np.array([bool(D.dict_char_fourangle.get(c)) for c in chars])

    def ids(table: dict) -> np.ndarray:
        seen: dict[str, int] = {}
        return np.array([seen.setdefault(table[c], len(seen)) if table.get(c) else -1 for c in chars])
    radical, struct = ids(D.dict_char_component), ids(D.dict_char_struct)
    freq = np.array([D.dict_char_frequency.get(c, 1) for c in chars], float)
    strokes = np.array([D.dict_char_number.get(c, 0) for c in chars], float)
    bits = np.array([bin(v).count("1") for v in range(64)])
    order = np.array([sum(1 << int(d) for d in set(D.dict_char_order.get(c, ""))) for c in chars])
    parts: dict[str, int] = {}
    cells = [(i, parts.setdefault(p, len(parts))) for i, c in enumerate(chars)
             for p in set(D.dict_char_stroke.get(c, []))]
    incidence = csr_matrix((np.ones(len(cells)), tuple(zip(*cells))), shape=(n, len(parts)))
    n_parts = np.asarray(incidence.sum(1)).ravel()
    shared = (incidence @ incidence.T).toarray()
    out = np.zeros((n, n), np.float32)
    with np.errstate(divide="ignore", invalid="ignore"):
        for i in range(n):
            fc = ((corner == corner[i]) & (corner >= 0)).sum(1) / 4 * (corner_ok & corner_ok[i])
            fr = np.where((freq != 0) & (freq[i] != 0), 1 - np.abs(freq[i] - freq) / np.maximum(freq[i], freq), 0)
            nu = np.where((strokes != 0) & (strokes[i] != 0), 1 - np.abs(strokes[i] - strokes) / np.maximum(strokes[i], strokes), 0)
            sk = np.where((n_parts > 0) & (n_parts[i] > 0), shared[i] / (n_parts[i] + n_parts - shared[i]), 0)
            od = np.where((order > 0) & (order[i] > 0), bits[order & order[i]] / np.maximum(bits[order | order[i]], 1), 1.0)
            out[i] = (fc * 7 + ((radical == radical[i]) & (radical >= 0)) * 2 + fr * 5 + nu * 6 + sk * 4
                      + ((struct == struct[i]) & (struct >= 0)) * 8 + od * 3) / 35
    return out


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = 0.01) -> np.ndarray:
    xb = np.c_[x, np.ones(len(x))]

    def loss(w: np.ndarray) -> float:
        z = xb @ w
        return float(np.sum(np.logaddexp(0, z) - y * z) + l2 * np.sum(w[:-1] ** 2))
    return minimize(loss, np.zeros(xb.shape[1])).x


def main() -> None:
    started = time.time()
    D, std_cal_sim = char_similar()
    chars = universe(D)
    index = {c: i for i, c in enumerate(chars)}
    n = len(chars)
    print(f"{n} characters", file=sys.stderr)
    glyphs = [render(chars, path) for path in FONTS]
    cs = shape_similarity(chars, D)
    rng = np.random.default_rng(0)
    for a, b in rng.integers(0, n, (2000, 2)):
        assert a == b or abs(std_cal_sim(chars[a], chars[b]) - cs[a, b]) < 1e-3, (chars[a], chars[b])
    features = {
        "k15": np.minimum(*[coverage_kappa(g, 1.5, 3.0) for g in glyphs]),
        "k10": np.minimum(*[coverage_kappa(g, 1.0, 2.0) for g in glyphs]),
        "M": np.minimum(*[blur_cosine(g) for g in glyphs]),
        "cs": cs,
    }
    kb = np.minimum(*[coverage_kappa(box_normalised(g), 1.5, 3.0) for g in glyphs])
    print(f"features in {time.time() - started:.0f}s", file=sys.stderr)

    labelled = [(index[t[0]], index[t[1]], int(t[2])) for t in LABELS.split()]
    x = np.array([[f[a, b] for f in features.values()] for a, b, _ in labelled])
    w = fit_logistic(x, np.array([y for *_, y in labelled], float))
    print("weights", {k: round(float(v), 2) for k, v in zip([*features, "bias"], w)}, file=sys.stderr)
    z = sum(wi * f for wi, f in zip(w, features.values())) + w[-1]
    del features
    np.fill_diagonal(z, -np.inf)
    nearest = np.argsort(-z, axis=1)[:, :MUTUAL_K]
    is_near = np.zeros((n, n), bool)
    np.put_along_axis(is_near, nearest, True, axis=1)

    rows: dict[tuple[str, str], tuple[float, str]] = {}
    a_idx, b_idx = np.triu_indices(n, 1)
    zz, kk = z[a_idx, b_idx], kb[a_idx, b_idx]
    mutual = is_near[a_idx, b_idx] & is_near[b_idx, a_idx] & (zz >= Z_MUTUAL)
    touches_common = np.array([common(c) for c in chars])
    touches_common = touches_common[a_idx] | touches_common[b_idx]
    for rule, keep in (("shape", zz >= Z_STRONG), ("shape-mutual", mutual), ("shape-box", kk >= KB_STRONG)):
        for k in np.nonzero(keep & touches_common)[0]:
            pair = (chars[a_idx[k]], chars[b_idx[k]])
            rows.setdefault(pair, (float(1 / (1 + np.exp(-zz[k]))), rule))
    for a, b in OBSERVED:
        pair = tuple(sorted((a, b)))
        rows.setdefault(pair, (float(1 / (1 + np.exp(-z[index[a], index[b]]))), "observed"))

    with OUT.open("w", encoding="utf-8", newline="\n") as out:
        out.write("# char_a\tchar_b\tscore\tsource — look-alike Chinese characters, symmetric; "
                  "generated by build_lookalikes.py (see README.md)\n")
        for (a, b), (score, rule) in sorted(rows.items()):
            out.write(f"{a}\t{b}\t{score:.3f}\t{rule}\n")
    counts = {r: sum(1 for _, s in rows.values() if s == r) for r in ("shape", "shape-mutual", "shape-box", "observed")}
    print(f"{len(rows)} pairs {counts} -> {OUT} in {time.time() - started:.0f}s", file=sys.stderr)


if __name__ == "__main__":
    main()
