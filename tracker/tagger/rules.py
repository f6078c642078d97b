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
                      "租税特別措置", "移転価格", "外形標準課税", "中間申告", "法人番号の指定",
                    "法人課税", "損金算入", "益金不算入", "欠損金", "減価償却資産", "耐用年数", "事業承継税制", "賃上げ促進税制", "研究開発税制", "外国子会社合算税制", "交際費", "留保金課税", "防衛特別法人税", "法人税率"],
    "consumption_tax_invoice": ["消費税", "インボイス", "適格請求書", "仕入税額控除", "軽減税率",
                                "登録番号", "簡易課税", "2割特例",
                    "適格簡易請求書", "免税事業者", "課税事業者", "輸出免税", "返還インボイス", "少額特例", "課税仕入れ"],
    "withholding_year_end": ["年末調整", "源泉徴収", "源泉所得税", "源泉徴収票", "扶養控除等申告書", "法定調書",
                             "給与所得者", "定額減税", "納期の特例", "支払調書",
                    "源泉徴収税額表", "給与支払報告書", "源泉徴収簿", "退職所得", "保険料控除申告書", "特定親族特別控除"],
    "e_bookkeeping": ["電子帳簿保存法", "電子帳簿", "電子取引", "スキャナ保存", "タイムスタンプ",
                      "優良な電子帳簿",
                    "電子取引データ", "訂正削除", "検索要件", "JIIMA", "国税関係帳簿"],
    "accounting_standards": ["企業会計基準", "適用指針", "実務対応報告", "会計基準", "公開草案", "リース会計",
                             "収益認識", "企業会計審議会",
                    "会計処理", "企業会計基準委員会", "ASBJ", "財務諸表等規則", "連結財務諸表", "税効果会計", "減損"],
    "disclosure": ["有価証券報告書", "開示府令", "四半期報告", "半期報告書", "サステナビリティ開示",
                   "内部統制報告", "コーポレートガバナンス・コード", "適時開示", "SSBJ",
                    "有価証券届出書", "臨時報告書", "大量保有報告", "EDINET", "決算短信", "サステナビリティ情報", "記述情報"],
    "labor_standards": ["労働基準法", "時間外労働", "36協定", "労働時間", "労働条件通知書", "就業規則",
                        "裁量労働制", "労働契約", "上限規制", "労働条件の明示",
                    "労働基準", "労働条件", "無期転換", "雇止め", "フレックスタイム", "みなし労働時間", "高度プロフェッショナル", "労働者派遣", "障害者雇用", "高年齢者雇用", "勤務間インターバル", "管理監督者", "労働者名簿", "賃金台帳"],
    "social_insurance": ["厚生年金保険", "健康保険", "社会保険", "算定基礎届", "月額変更届", "被保険者",
                         "適用拡大", "標準報酬",
                    "厚生年金", "協会けんぽ", "保険料率", "資格取得届", "賞与支払届", "傷病手当金", "年収の壁"],
    "employment_insurance": ["雇用保険", "労働保険", "年度更新", "労災保険", "雇用保険料率",
                    "雇用保険被保険者", "労災保険率", "離職証明書", "基本手当", "雇用調整助成金", "教育訓練休暇"],
    "safety_health": ["労働安全衛生", "安全衛生", "ストレスチェック", "健康診断", "化学物質", "熱中症",
                      "産業医", "労働災害",
                    "受動喫煙", "メンタルヘルス", "面接指導", "リスクアセスメント", "衛生委員会", "安全衛生推進者", "腰痛", "転倒災害", "作業環境測定", "特殊健康診断"],
    "harassment": ["ハラスメント", "パワハラ", "セクハラ", "カスタマーハラスメント", "カスハラ",
                    "ハラスメント防止", "就活ハラスメント", "マタハラ"],
    "leave": ["育児休業", "介護休業", "育児・介護休業法", "年次有給休暇", "育休", "産後パパ育休", "看護休暇",
                    "子の看護等休暇", "出生時育児休業", "所定外労働の制限", "両立支援", "介護離職", "有給休暇"],
    "wages": ["最低賃金", "賃金支払", "同一労働同一賃金", "賃上げ", "割増賃金", "賃金のデジタル払い",
                    "賃金不払", "業務改善助成金", "男女間賃金差異", "固定残業代", "賃金請求権"],
    "privacy": ["個人情報保護法", "個人情報", "個人データ", "漏えい等", "マイナンバー", "特定個人情報",
                "仮名加工情報", "匿名加工情報", "越境移転",
                    "保有個人データ", "個人関連情報", "要配慮個人情報", "安全管理措置", "外国にある第三者", "第三者提供", "顔識別"],
    "cybersecurity": ["サイバーセキュリティ", "情報セキュリティ", "脆弱性", "ランサムウェア", "不正アクセス",
                      "サイバー攻撃", "標的型", "セキュリティ対策",
                    "多要素認証", "ビジネスメール詐欺", "サポート詐欺", "SECURITY ACTION", "SBOM", "情報セキュリティ対策", "マルウェア", "フィッシング", "DMARC"],
    "e_government": ["電子申請", "e-Gov", "gBizID", "GビズID", "オンライン申請", "電子署名", "電子証明書",
                    "e-Tax", "eLTAX", "電子委任状", "ベース・レジストリ", "jGrants", "行政手続のオンライン化", "電子申告"],
    "corporate_law": ["会社法", "株主総会", "商業登記", "取締役", "定款", "民法", "電子提供制度", "登記事項",
                    "会社法施行規則", "会社計算規則", "社外取締役", "株主提案", "ストックオプション", "実質的支配者", "本店移転", "組織再編", "公益通報", "内部通報", "電子公告"],
    "fair_trade": ["独占禁止法", "下請法", "下請代金", "景品表示法", "ステルスマーケティング", "優越的地位",
                   "フリーランス", "取適法", "不当表示", "価格転嫁",
                    "取引適正化", "価格交渉", "排除措置命令", "措置命令", "課徴金納付命令", "確約手続", "約束手形", "カルテル", "スマホソフトウェア競争促進法", "企業結合"],
    "disaster": ["事業継続", "BCP", "申告期限の延長", "納税の猶予", "災害による申告", "被災事業者",
                    "帰宅困難者", "事業継続力強化計画", "被災", "大雨", "地震", "備蓄"],
    "environment": ["省エネ法", "フロン", "産業廃棄物", "プラスチック資源循環", "温室効果ガス", "定期報告書",
                    "省エネ", "温室効果ガス排出量", "PCB廃棄物", "マニフェスト", "リサイクル法", "PRTR", "排出量取引", "食品リサイクル", "容器包装"],
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
           "タイムスタンプ", "SBOM", "VPN", "コンピュータウイルス", "コンピューターウイルス", "ウイルス対策", "アプリ", "アプリケーション", "デジタル"],
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
