"""Japanese people to fill forms with: names with their katakana readings, sex, birth date
and relation to the applicant. Old forms of kanji (髙, 﨑, 邊) appear at a low rate and are
kept as written in the truth."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

IDEOGRAPHIC_SPACE = "\u3000"

_SURNAMES = """
佐藤:サトウ 鈴木:スズキ 高橋:タカハシ 田中:タナカ 伊藤:イトウ 渡辺:ワタナベ 山本:ヤマモト
中村:ナカムラ 小林:コバヤシ 加藤:カトウ 吉田:ヨシダ 山田:ヤマダ 佐々木:ササキ 山口:ヤマグチ
松本:マツモト 井上:イノウエ 木村:キムラ 林:ハヤシ 斎藤:サイトウ 清水:シミズ 山崎:ヤマザキ
森:モリ 池田:イケダ 橋本:ハシモト 阿部:アベ 石川:イシカワ 山下:ヤマシタ 中島:ナカジマ
石井:イシイ 小川:オガワ 前田:マエダ 岡田:オカダ 長谷川:ハセガワ 藤田:フジタ 後藤:ゴトウ
近藤:コンドウ 村上:ムラカミ 遠藤:エンドウ 青木:アオキ 坂本:サカモト 斉藤:サイトウ 福田:フクダ
太田:オオタ 西村:ニシムラ 藤井:フジイ 金子:カネコ 岡本:オカモト 藤原:フジワラ 中野:ナカノ
三浦:ミウラ 原田:ハラダ 中川:ナカガワ 松田:マツダ 竹内:タケウチ 小野:オノ 田村:タムラ
中山:ナカヤマ 和田:ワダ 石田:イシダ 森田:モリタ 上田:ウエダ 原:ハラ 内田:ウチダ 柴田:シバタ
酒井:サカイ 宮崎:ミヤザキ 横山:ヨコヤマ 高木:タカギ 安藤:アンドウ 宮本:ミヤモト 大野:オオノ
小島:コジマ 谷口:タニグチ 今井:イマイ 工藤:クドウ 高田:タカダ 増田:マスダ 丸山:マルヤマ
杉山:スギヤマ 村田:ムラタ 大塚:オオツカ 小山:コヤマ 藤本:フジモト 平野:ヒラノ 新井:アライ
河野:コウノ 上野:ウエノ 武田:タケダ 野口:ノグチ 松井:マツイ 千葉:チバ 岩崎:イワサキ
菅原:スガワラ 木下:キノシタ 久保:クボ 佐野:サノ 野村:ノムラ 松尾:マツオ 市川:イチカワ
菊地:キクチ 杉本:スギモト 古川:フルカワ 大島:オオシマ 水野:ミズノ 桜井:サクライ 高野:タカノ
渡部:ワタナベ 吉川:ヨシカワ 山内:ヤマウチ 西田:ニシダ 飯田:イイダ 菊池:キクチ 西川:ニシカワ
小松:コマツ 北村:キタムラ 安田:ヤスダ 五十嵐:イガラシ 川口:カワグチ 平田:ヒラタ 関:セキ
中田:ナカタ 久保田:クボタ 服部:ハットリ 川崎:カワサキ 岩田:イワタ 土屋:ツチヤ 辻:ツジ
本田:ホンダ 樋口:ヒグチ 秋山:アキヤマ 田口:タグチ 永井:ナガイ 山中:ヤマナカ 中西:ナカニシ
吉村:ヨシムラ 川上:カワカミ 大橋:オオハシ 石原:イシハラ 松岡:マツオカ 浅野:アサノ 荒木:アラキ
大久保:オオクボ 熊谷:クマガイ 野田:ノダ 小池:コイケ 広瀬:ヒロセ 浜田:ハマダ 沢田:サワダ
島田:シマダ 星野:ホシノ 矢野:ヤノ 桑原:クワハラ 須藤:スドウ 大西:オオニシ 松下:マツシタ
小田:オダ 宮田:ミヤタ
"""

_MALE = """
太郎:タロウ 一郎:イチロウ 健太:ケンタ 翔太:ショウタ 大輔:ダイスケ 拓也:タクヤ 直樹:ナオキ
浩:ヒロシ 誠:マコト 隆:タカシ 健一:ケンイチ 和也:カズヤ 達也:タツヤ 剛:ツヨシ 修:オサム
茂:シゲル 進:ススム 博:ヒロシ 清:キヨシ 勇:イサム 明:アキラ 正:タダシ 悟:サトル 学:マナブ
亮:リョウ 翔:ショウ 蓮:レン 陽翔:ハルト 湊:ミナト 大翔:ヒロト 悠真:ユウマ 樹:イツキ 颯太:ソウタ
陽太:ヨウタ 悠人:ユウト 大和:ヤマト 翼:ツバサ 拓海:タクミ 海斗:カイト 大樹:ダイキ 雄一:ユウイチ
賢治:ケンジ 秀樹:ヒデキ 康弘:ヤスヒロ 和夫:カズオ 正雄:マサオ 勝:マサル 実:ミノル 武:タケシ
豊:ユタカ 光男:ミツオ 幸男:ユキオ 義雄:ヨシオ 信行:ノブユキ 俊介:シュンスケ 圭:ケイ 航:ワタル
隼人:ハヤト 智也:トモヤ 裕太:ユウタ 涼介:リョウスケ 駿:シュン 慎一:シンイチ 浩二:コウジ
幸一:コウイチ 哲也:テツヤ 克己:カツミ 真一:シンイチ 恭平:キョウヘイ 陸:リク 朝陽:アサヒ
結翔:ユイト 正人:マサト 昌平:ショウヘイ
"""

_FEMALE = """
花子:ハナコ 洋子:ヨウコ 恵子:ケイコ 幸子:サチコ 和子:カズコ 節子:セツコ 京子:キョウコ
美智子:ミチコ 久美子:クミコ 由美子:ユミコ 裕子:ユウコ 直子:ナオコ 明美:アケミ 真由美:マユミ
智子:トモコ 典子:ノリコ 陽子:ヨウコ 順子:ジュンコ 恵美:エミ 美香:ミカ 愛:アイ 彩:アヤ 舞:マイ
沙織:サオリ 香織:カオリ 由美:ユミ 美穂:ミホ 里美:サトミ 優子:ユウコ 陽菜:ヒナ 結衣:ユイ
葵:アオイ 凛:リン 紬:ツムギ 芽依:メイ 結菜:ユイナ 美咲:ミサキ 七海:ナナミ 彩花:アヤカ
明日香:アスカ 千尋:チヒロ 遥:ハルカ 莉子:リコ 杏:アン 心春:コハル 陽葵:ヒマリ 澪:ミオ 花:ハナ
菜々子:ナナコ 友美:トモミ 紀子:ノリコ 弘子:ヒロコ 文子:フミコ 孝子:タカコ 千代子:チヨコ
静子:シズコ 良子:ヨシコ 悦子:エツコ 美代子:ミヨコ 春香:ハルカ 真奈美:マナミ 瞳:ヒトミ 理恵:リエ
亜希子:アキコ 奈緒:ナオ 佳奈:カナ 楓:カエデ 真央:マオ 萌:モエ 詩織:シオリ 恵:メグミ
純子:ジュンコ 玲子:レイコ さくら:サクラ みどり:ミドリ ひかり:ヒカリ
"""

# Given names typical of people born since the 1990s, and of people born before the 1970s.
_MODERN_NAMES = """
蓮 陽翔 湊 大翔 悠真 樹 颯太 陽太 悠人 大和 翼 拓海 海斗 陸 朝陽 結翔 駿 隼人 陽菜 結衣 葵
凛 紬 芽依 結菜 美咲 七海 彩花 莉子 杏 心春 陽葵 澪 花 楓 萌 さくら ひかり
"""
_OLD_NAMES = """
浩 隆 修 茂 進 博 清 勇 明 正 実 武 豊 勝 和夫 正雄 光男 幸男 義雄 信行 克己 洋子 恵子
幸子 和子 節子 京子 美智子 久美子 由美子 典子 順子 紀子 弘子 文子 孝子 千代子 静子 良子 悦子 美代子
"""
MODERN_GIVEN = frozenset(_MODERN_NAMES.split())
OLD_GIVEN = frozenset(_OLD_NAMES.split())

# Common spellings and the old or variant forms people still write (kept as written).
VARIANTS: dict[str, tuple[str, ...]] = {
    "高橋": ("髙橋",),
    "山崎": ("山﨑",),
    "宮崎": ("宮﨑",),
    "岩崎": ("岩﨑",),
    "川崎": ("川﨑",),
    "渡辺": ("渡邊", "渡邉"),
    "斎藤": ("齋藤",),
    "斉藤": ("齊藤",),
    "浜田": ("濵田",),
    "桜井": ("櫻井",),
    "広瀬": ("廣瀬",),
    "沢田": ("澤田",),
    "吉田": ("𠮷田",),
}
VARIANT_CHARS = frozenset("髙﨑邊邉齋齊濵櫻廣澤𠮷")
VARIANT_RATE = 0.3  # of people whose surname has a variant (about 3 % of all people)


def _parse(block: str) -> tuple[tuple[str, str], ...]:
    return tuple((k, r) for k, r in (item.split(":") for item in block.split()))


SURNAMES = _parse(_SURNAMES)
MALE_NAMES = _parse(_MALE)
FEMALE_NAMES = _parse(_FEMALE)


@dataclass(frozen=True)
class Person:
    """One person. ``name`` and ``kana`` are in export form: surname, U+3000, given name."""

    surname: str
    given: str
    surname_kana: str
    given_kana: str
    sex: str  # "male" | "female"
    birth: date
    relation: str  # 本人, 世帯主, 妻, 夫, 子, 父, 母

    @property
    def name(self) -> str:
        return f"{self.surname}{IDEOGRAPHIC_SPACE}{self.given}"

    @property
    def kana(self) -> str:
        return f"{self.surname_kana}{IDEOGRAPHIC_SPACE}{self.given_kana}"

    @property
    def has_variant(self) -> bool:
        return any(ch in VARIANT_CHARS for ch in self.name)


def _pick(rng: np.random.Generator, items: tuple[tuple[str, str], ...]) -> tuple[str, str]:
    return items[int(rng.integers(len(items)))]


def random_day(rng: np.random.Generator, first: date, last: date) -> date:
    """A uniformly chosen day in ``[first, last]``."""
    return first + timedelta(days=int(rng.integers((last - first).days + 1)))


def _surname(rng: np.random.Generator) -> tuple[str, str]:
    kanji, kana = _pick(rng, SURNAMES)
    if kanji in VARIANTS and rng.random() < VARIANT_RATE:
        options = VARIANTS[kanji]
        kanji = options[int(rng.integers(len(options)))]
    return kanji, kana


def _person(
    rng: np.random.Generator, surname: tuple[str, str], sex: str, birth: date, relation: str
) -> Person:
    names = MALE_NAMES if sex == "male" else FEMALE_NAMES
    unlikely = (
        MODERN_GIVEN if birth.year < 1985 else OLD_GIVEN if birth.year >= 1990 else frozenset()
    )
    given, given_kana = _pick(rng, tuple(n for n in names if n[0] not in unlikely))
    return Person(surname[0], given, surname[1], given_kana, sex, birth, relation)


def household(rng: np.random.Generator, today: date, size: int) -> list[Person]:
    """An applicant (adult, born 1930–2004) and up to ``size - 1`` family members sharing
    the surname: a spouse, then children born when the applicant was 22–42."""
    surname = _surname(rng)
    sex = "male" if rng.random() < 0.5 else "female"
    birth = random_day(rng, date(1930, 1, 1), date(2004, 12, 31))
    head_relation = "世帯主" if rng.random() < 0.4 else "本人"
    people = [_person(rng, surname, sex, birth, head_relation)]
    if size > 1:
        other = "female" if sex == "male" else "male"
        last = min(birth + timedelta(days=2500), date(2006, 12, 31))
        spouse_birth = random_day(rng, birth - timedelta(days=2500), last)
        people.append(
            _person(rng, surname, other, spouse_birth, "妻" if other == "female" else "夫")
        )
    for _ in range(size - len(people)):
        first = date(birth.year + 22, 1, 1)
        last = min(today, date(birth.year + 42, 12, 31))
        child_birth = random_day(rng, min(first, last), last)
        child_sex = "male" if rng.random() < 0.5 else "female"
        people.append(_person(rng, surname, child_sex, child_birth, "子"))
    return people
