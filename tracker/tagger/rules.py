"""The rule layer: phrase lexicons whose hits give a label and are recorded as the reason for it.

Each phrase names a law, procedure or term that by itself says which topic (and so which departments) an
announcement concerns. The lexicons are deliberately precise: a hit is evidence the TUI shows a person ("rule:
年末調整"), and whether it is enough to assign the label is decided with the model's score and the thresholds tuned
on the dev split (tracker.tagger.thresholds).
"""

from __future__ import annotations

from dataclasses import dataclass

from tracker.tagger.labels import TOPIC_DEPARTMENTS

# topic → phrases (Japanese). Matched on Sudachi tokens, so a phrase hits inside longer compounds as long as the
# tokenizer splits it the same way (short-unit mode keeps that stable).
TOPIC_PHRASES_JA: dict[str, list[str]] = {
    "corporate_tax": ["法人税", "地方法人税", "法人事業税", "法人住民税", "印紙税", "償却資産", "グループ通算",
                      "租税特別措置", "移転価格", "外形標準課税", "中間申告", "法人番号の指定"],
    "consumption_tax_invoice": ["消費税", "インボイス", "適格請求書", "仕入税額控除", "軽減税率",
                                "登録番号", "簡易課税", "2割特例"],
    "withholding_year_end": ["年末調整", "源泉徴収", "源泉所得税", "源泉徴収票", "扶養控除等申告書", "法定調書",
                             "給与所得者", "定額減税", "納期の特例", "支払調書"],
    "e_bookkeeping": ["電子帳簿保存法", "電子帳簿", "電子取引", "スキャナ保存", "タイムスタンプ",
                      "優良な電子帳簿"],
    "accounting_standards": ["企業会計基準", "適用指針", "実務対応報告", "会計基準", "公開草案", "リース会計",
                             "収益認識", "企業会計審議会"],
    "disclosure": ["有価証券報告書", "開示府令", "四半期報告", "半期報告書", "サステナビリティ開示",
                   "内部統制報告", "コーポレートガバナンス・コード", "適時開示", "SSBJ"],
    "labor_standards": ["労働基準法", "時間外労働", "36協定", "労働時間", "労働条件通知書", "就業規則",
                        "裁量労働制", "労働契約", "上限規制", "労働条件の明示"],
    "social_insurance": ["厚生年金保険", "健康保険", "社会保険", "算定基礎届", "月額変更届", "被保険者",
                         "適用拡大", "標準報酬"],
    "employment_insurance": ["雇用保険", "労働保険", "年度更新", "労災保険", "雇用保険料率"],
    "safety_health": ["労働安全衛生", "安全衛生", "ストレスチェック", "健康診断", "化学物質", "熱中症",
                      "産業医", "労働災害"],
    "harassment": ["ハラスメント", "パワハラ", "セクハラ", "カスタマーハラスメント", "カスハラ"],
    "leave": ["育児休業", "介護休業", "育児・介護休業法", "年次有給休暇", "育休", "産後パパ育休", "看護休暇"],
    "wages": ["最低賃金", "賃金支払", "同一労働同一賃金", "賃上げ", "割増賃金", "賃金のデジタル払い"],
    "privacy": ["個人情報保護法", "個人情報", "個人データ", "漏えい等", "マイナンバー", "特定個人情報",
                "仮名加工情報", "匿名加工情報", "越境移転"],
    "cybersecurity": ["サイバーセキュリティ", "情報セキュリティ", "脆弱性", "ランサムウェア", "不正アクセス",
                      "サイバー攻撃", "標的型", "セキュリティ対策"],
    "e_government": ["電子申請", "e-Gov", "gBizID", "GビズID", "オンライン申請", "電子署名", "電子証明書"],
    "corporate_law": ["会社法", "株主総会", "商業登記", "取締役", "定款", "民法", "電子提供制度", "登記事項"],
    "fair_trade": ["独占禁止法", "下請法", "下請代金", "景品表示法", "ステルスマーケティング", "優越的地位",
                   "フリーランス", "取適法", "不当表示", "価格転嫁"],
    "disaster": ["事業継続", "BCP", "申告期限の延長", "納税の猶予", "災害による申告", "被災事業者"],
    "environment": ["省エネ法", "フロン", "産業廃棄物", "プラスチック資源循環", "温室効果ガス", "定期報告書"],
}

TOPIC_PHRASES_EN: dict[str, list[str]] = {
    "corporate_tax": ["corporation tax", "corporate tax", "capital allowances", "transfer pricing",
                      "minimum tax", "pillar two"],
    "consumption_tax_invoice": ["vat", "value added tax", "e-invoicing", "invoice", "making tax digital for vat",
                                "consumption tax"],
    "withholding_year_end": ["paye", "payroll", "p60", "p11d", "real time information", "withholding"],
    "e_bookkeeping": ["digital records", "making tax digital", "electronic records", "record keeping"],
    "accounting_standards": ["accounting standard", "financial reporting standard", "ifrs", "frs 102",
                             "exposure draft"],
    "disclosure": ["annual report", "disclosure", "sustainability reporting", "corporate governance code"],
    "labor_standards": ["working time", "employment rights", "employment law", "zero hours", "fire and rehire",
                        "employment contract"],
    "social_insurance": ["national insurance", "pension auto-enrolment", "auto-enrolment", "workplace pension"],
    "employment_insurance": ["statutory sick pay", "employers' liability"],
    "safety_health": ["health and safety", "workplace safety", "occupational health", "riddor"],
    "harassment": ["harassment", "sexual harassment"],
    "leave": ["parental leave", "paternity leave", "maternity leave", "holiday pay", "carer's leave",
              "annual leave"],
    "wages": ["national minimum wage", "national living wage", "minimum wage", "pay transparency",
              "gender pay gap"],
    "privacy": ["data protection", "personal data", "gdpr", "ico", "privacy", "data breach"],
    "cybersecurity": ["cyber security", "cybersecurity", "ransomware", "vulnerability", "cyber attack", "phishing"],
    "e_government": ["online service", "government gateway", "e-filing", "digital identity"],
    "corporate_law": ["companies house", "companies act", "company law", "directors' duties", "annual general meeting"],
    "fair_trade": ["competition law", "cartel", "consumer protection", "fake reviews", "subcontract",
                   "prompt payment"],
    "disaster": ["business continuity", "flood support for businesses", "emergency relief for businesses"],
    "environment": ["packaging waste", "extended producer responsibility", "energy savings opportunity",
                    "emissions reporting", "f-gas"],
}

# Words that say which department's work a text is about, whatever the topic. They are broad on purpose: whether
# a text concerns the back office at all is the model's "relevant" gate, applied before any department is given;
# these words only decide *which* departments a relevant text goes to (and say why).
DEPARTMENT_PHRASES_JA: dict[str, list[str]] = {
    "accounting": ["税", "課税", "納税", "税額", "税務", "税務署", "国税", "地方税", "延滞税", "還付", "会計", "決算",
                   "財務諸表", "監査", "帳簿", "請求書", "減価償却", "損金", "益金", "引当金", "経理", "有価証券",
                   "財務報告", "仕入", "売上", "納付書", "振替納税", "確定申告書", "税制", "控除"],
    "hr": ["労働", "労働者", "従業員", "雇用", "賃金", "給与", "休暇", "休業", "育児", "介護休業", "人事", "労務",
           "保険料", "労災", "健康診断", "就業", "残業", "時間外", "賞与", "退職", "障害者雇用", "高年齢者",
           "外国人労働者", "技能実習", "育成就労", "特定技能", "派遣", "助成金", "働き方", "テレワーク", "副業",
           "兼業", "採用選考", "被保険者", "社会保険", "雇用管理", "人材"],
    "legal": ["法務", "契約", "契約書", "取引", "下請", "独占禁止", "景品表示", "会社法", "取締役", "株主", "定款",
              "訴訟", "公益通報", "内部通報", "コンプライアンス", "規約", "著作権", "輸出管理", "反社会的勢力",
              "消費者契約", "課徴金", "措置命令", "排除措置", "優越的地位", "支配者", "外為法", "民法",
              "商取引", "準則", "競争", "個人情報", "約款", "法令遵守"],
    "general_affairs": ["総務", "防災", "災害", "備蓄", "BCP", "事業継続", "消防", "防火", "社用車", "安全運転",
                        "安全運転管理者", "アルコールチェック", "郵便", "廃棄物", "リサイクル", "省エネ", "フロン",
                        "温室効果ガス", "株主総会", "登記", "印鑑", "オフィス", "事務所", "固定電話", "電子申請",
                        "行政手続", "文書管理", "庶務", "施設", "帰宅困難者", "公金受取口座", "GビズID", "gBizID"],
    "it": ["システム", "情報システム", "クラウド", "セキュリティ", "サイバー", "ソフトウェア", "IT", "AI", "生成AI",
           "IoT", "脆弱性", "ネットワーク", "サーバ", "サーバー", "電子メール", "API", "DX", "情報処理", "不正アクセス",
           "マルウェア", "ランサムウェア", "パスワード", "多要素認証", "暗号", "電子署名", "電子証明書",
           "タイムスタンプ", "SBOM", "VPN", "ウイルス", "アプリ", "アプリケーション", "デジタル"],
}
DEPARTMENT_PHRASES_EN: dict[str, list[str]] = {
    "accounting": ["hmrc", "tax", "taxes", "tax return", "bookkeeping", "accounts", "accounting", "audit", "invoice",
                   "invoices", "vat", "financial statements", "financial reporting", "relief", "allowances"],
    "hr": ["employer", "employers", "employee", "employees", "worker", "workers", "workplace", "employment", "pay",
           "wage", "wages", "payroll", "leave", "staff", "right to work", "pension", "sick pay", "recruitment checks"],
    "legal": ["compliance", "enforcement action", "contract", "contracts", "competition", "consumer protection",
              "directors", "companies act", "data protection", "cartel", "fines", "legislation", "bill", "act"],
    "general_affairs": ["office premises", "business continuity", "flooding", "waste", "recycling", "energy",
                        "emissions", "fire safety", "company filing", "registered office", "facilities"],
    "it": ["software", "cloud services", "it systems", "cyber", "cyber security", "ransomware", "vulnerability",
           "phishing", "online service", "digital", "ai", "passwords", "systems"],
}


@dataclass(frozen=True)
class RuleHit:
    """One lexicon phrase found in a text, and the labels it speaks for."""

    phrase: str
    labels: tuple[str, ...]


WEAK = "~"  # prefix of a department label given by a broad department word rather than a topic's law or term


def lexicon(lang: str) -> dict[str, tuple[str, ...]]:
    """phrase → the labels it speaks for. A topic phrase also speaks for the topic's departments; a broad department
    word speaks for ``~department`` — weaker evidence, with a threshold of its own."""
    topics = TOPIC_PHRASES_JA if lang == "ja" else TOPIC_PHRASES_EN
    departments = DEPARTMENT_PHRASES_JA if lang == "ja" else DEPARTMENT_PHRASES_EN
    result: dict[str, set[str]] = {}
    for topic, phrases in topics.items():
        for phrase in phrases:
            result.setdefault(phrase, set()).update((topic, *TOPIC_DEPARTMENTS[topic]))
    for dep, phrases in departments.items():
        for phrase in phrases:
            labels = result.setdefault(phrase, set())
            if dep not in labels:
                labels.add(WEAK + dep)
    return {phrase: tuple(sorted(labels)) for phrase, labels in result.items()}


def build_matcher(nlp, lang: str):
    """A spaCy PhraseMatcher over ``nlp``'s vocab with one match id per phrase (case-insensitive in English)."""
    from spacy.matcher import PhraseMatcher

    from tracker.tagger.pipeline import model_text

    matcher = PhraseMatcher(nlp.vocab, attr="LOWER" if lang == "en" else "ORTH")
    table = lexicon(lang)
    for phrase in table:
        # Patterns are read the way texts are (tracker.tagger.pipeline.model_text: NFKC, digits as 0).
        pattern = nlp.make_doc(model_text(phrase.lower() if lang == "en" else phrase))
        matcher.add(phrase, [pattern])
    return matcher, table


def rule_hits(doc, matcher, table: dict[str, tuple[str, ...]]) -> list[RuleHit]:
    """The lexicon phrases found in ``doc``, each once, in text order."""
    seen: dict[str, RuleHit] = {}
    for match_id, _start, _end in matcher(doc):
        phrase = doc.vocab.strings[match_id]
        if phrase not in seen:
            seen[phrase] = RuleHit(phrase=phrase, labels=table[phrase])
    return list(seen.values())
