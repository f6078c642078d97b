"""The tagging scheme: department labels, the topic taxonomy, and which departments each topic concerns.

The decision rules behind these labels are written down in docs/tagging.md; the corpus generator and the rule
lexicons follow them.
"""

from __future__ import annotations

# The five default departments the shipped model knows (tracker.config.DEFAULT_DEPARTMENTS).
DEPARTMENTS: tuple[str, ...] = ("accounting", "hr", "legal", "general_affairs", "it")

# topic → one line of what it covers (the TUI and docs show these).
TOPICS: dict[str, str] = {
    "corporate_tax": "法人税・地方法人課税・印紙税・償却資産など法人に課される税",
    "consumption_tax_invoice": "消費税・インボイス制度（適格請求書等保存方式）",
    "withholding_year_end": "源泉徴収・年末調整・給与所得の源泉票・法定調書",
    "e_bookkeeping": "電子帳簿保存法・電子取引データの保存・スキャナ保存",
    "accounting_standards": "企業会計基準・適用指針・会計処理（ASBJ、企業会計審議会の基準）",
    "disclosure": "有価証券報告書・開示府令・サステナビリティ開示・内部統制報告",
    "labor_standards": "労働基準法・労働時間・36協定・労働契約・雇用ルール",
    "social_insurance": "健康保険・厚生年金保険・社会保険の適用拡大と保険料",
    "employment_insurance": "雇用保険・労働保険の年度更新・労災保険",
    "safety_health": "労働安全衛生・ストレスチェック・健康診断・化学物質管理",
    "harassment": "パワハラ・セクハラ・カスハラ等ハラスメント防止措置",
    "leave": "育児・介護休業・年次有給休暇・休暇制度",
    "wages": "最低賃金・賃金支払・同一労働同一賃金・賃上げ",
    "privacy": "個人情報保護法・マイナンバーの取扱い・漏えい等報告",
    "cybersecurity": "情報セキュリティ・サイバー攻撃・脆弱性・ガイドライン",
    "e_government": "電子申請・e-Gov・gBizID・行政手続のオンライン化",
    "corporate_law": "会社法・株主総会・商業登記・契約と民事法",
    "fair_trade": "独占禁止法・下請法（取適法）・景品表示法・フリーランス法",
    "disaster": "事業者向けの災害対応・BCP・災害時の申告期限延長や納税猶予",
    "environment": "事業者の環境義務：省エネ法定期報告・廃棄物・フロン・プラスチック",
}

# Which departments a topic normally concerns. The corpus generator starts from this and a subject may add or drop
# departments (e.g. e_bookkeeping system requirements also concern it); docs/tagging.md has the reasons.
TOPIC_DEPARTMENTS: dict[str, tuple[str, ...]] = {
    "corporate_tax": ("accounting",),
    "consumption_tax_invoice": ("accounting",),
    "withholding_year_end": ("accounting", "hr"),
    "e_bookkeeping": ("accounting",),
    "accounting_standards": ("accounting",),
    "disclosure": ("accounting",),
    "labor_standards": ("hr",),
    "social_insurance": ("hr",),
    "employment_insurance": ("hr",),
    "safety_health": ("hr",),
    "harassment": ("hr",),
    "leave": ("hr",),
    "wages": ("hr",),
    "privacy": ("legal",),
    "cybersecurity": ("it",),
    "e_government": ("general_affairs", "it"),
    "corporate_law": ("legal",),
    "fair_trade": ("legal",),
    "disaster": ("general_affairs",),
    "environment": ("general_affairs",),
}

# topic → (日本語, English) short names, for lists and the TUI.
TOPIC_NAMES: dict[str, tuple[str, str]] = {
    "corporate_tax": ("法人税", "Corporate tax"),
    "consumption_tax_invoice": ("消費税・インボイス", "Consumption tax / invoices"),
    "withholding_year_end": ("源泉徴収・年末調整", "Withholding / year-end adjustment"),
    "e_bookkeeping": ("電子帳簿保存", "Electronic bookkeeping"),
    "accounting_standards": ("会計基準", "Accounting standards"),
    "disclosure": ("開示", "Disclosure"),
    "labor_standards": ("労働基準", "Labour standards"),
    "social_insurance": ("社会保険", "Social insurance"),
    "employment_insurance": ("雇用保険・労災", "Employment insurance"),
    "safety_health": ("安全衛生", "Safety and health"),
    "harassment": ("ハラスメント", "Harassment"),
    "leave": ("休業・休暇", "Leave"),
    "wages": ("賃金", "Wages"),
    "privacy": ("個人情報保護", "Privacy"),
    "cybersecurity": ("サイバーセキュリティ", "Cybersecurity"),
    "e_government": ("電子行政", "e-Government"),
    "corporate_law": ("会社法・登記", "Corporate law"),
    "fair_trade": ("公正取引", "Fair trade"),
    "disaster": ("災害対応", "Disaster response"),
    "environment": ("環境", "Environment"),
}


def topic_name(label: str, lang: str) -> str:
    """A topic's short name in ``lang`` (ja or en); an unknown label as it is."""
    names = TOPIC_NAMES.get(label)
    if names is None:
        return label
    return names[0] if lang == "ja" else names[1]


DEPARTMENT_NAMES_JA = {
    "accounting": "経理", "hr": "人事", "legal": "法務", "general_affairs": "総務", "it": "情報システム",
}


def label_kind(label: str) -> str:
    """'department' or 'topic' for a known label."""
    if label in DEPARTMENTS:
        return "department"
    if label in TOPICS:
        return "topic"
    raise KeyError(f"unknown label {label!r}")
