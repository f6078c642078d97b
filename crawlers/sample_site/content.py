"""The sample site's announcements: headlines and summaries written by us, in the style regulators use.

Plain data, no formats: :mod:`crawlers.sample_site.generate` renders each source in its real format. Entries
are (timestamp in JST "YYYY-MM-DD HH:MM", path or URL, title, summary). Some are what a back office must know
(年末調整, インボイス, 電子帳簿保存, 労働基準法, 社会保険, 個人情報保護法 …), many are not (採用, 調達, 会議,
統計, 大臣会見) — a tagger has to tell them apart.
"""

from __future__ import annotations

# 国税庁 トピックス (HTML, Shift_JIS, 和暦; grouped by 事務年度 which starts in July).
NTA_NEWS = [
    ("2026-11-20", "/taxes/shiraberu/shinkoku/tokushu/r08junbi/index.htm", "「令和８年分　確定申告特集（準備編）」を開設しました", ""),
    ("2026-11-18", "/users/gensen/nenmatsu/nencho.htm", "「令和８年分　年末調整控除申告書作成用ソフトウェア」をバージョンアップしました", ""),
    ("2026-11-13", "/taxes/shiraberu/zeimokubetsu/shohi/keigenzeiritsu/invoice_about.htm", "インボイス制度の経過措置（２割特例）の終了に向けた留意事項を掲載しました", ""),
    ("2026-11-11", "/about/organization/recruit/shokuin/index.htm", "令和９年度国税専門官採用試験の案内を掲載しました", ""),
    ("2026-11-06", "/law/joho-zeikaishaku/sonota/jirei/denshichobo_qa.htm#a08", "電子帳簿保存法一問一答（電子取引関係）を改訂しました", ""),
    ("2026-10-30", "/publication/statistics/kokuzeicho/sokuhou/index.htm", "令和７年度査察の概要を公表しました", ""),
    ("2026-10-23", "/taxes/tetsuzuki/mynumberinfo/kyuyogensenjoho-top.htm", "給与所得の源泉徴収票等の電子的提出（e-Tax・eLTAX）の案内を更新しました", ""),
    ("2026-10-16", "/users/gensen/nenmatsu/nencho.htm", "「令和８年分　年末調整控除申告書作成用ソフトウェア」をリリースしました", ""),
    ("2026-10-09", "/taxes/sake/boshujoho/hojojigyo.htm", "【酒類事業者向け】日本産酒類の海外展開支援事業の第２期公募を開始しました", ""),
    ("2026-10-01", "/taxes/shiraberu/taxanswer/gensen/2590.htm", "定額減税に係る年末調整での精算方法（タックスアンサー）を更新しました", ""),
    ("2026-09-25", "/users/gensen/nencho/index.htm", "「年末調整がよくわかるページ（令和８年分）」を掲載しました", ""),
    ("2026-09-25", "/taxes/tetsuzuki/shinsei/annai/gensen/mokuji.htm", "令和８年分年末調整のための各種様式を掲載しました", ""),
    ("2026-09-11", "/about/introduction/torikumi/week/index.htm", "「税を考える週間」（１１月１１日～１７日）の取組を紹介します", ""),
    ("2026-08-28", "/information/procurement/chotatsu/2026/0828.htm", "入札公告（税務署庁舎の清掃業務）を掲載しました", ""),
    ("2026-08-07", "/taxes/shiraberu/saigai/index.htm", "令和８年８月の大雨により被害を受けられた皆様へ（申告・納付等の期限延長）", ""),
    ("2026-07-31", "/publication/pamph/gensen/shikata_r08/01.htm", "①令和８年分　源泉徴収のしかた（パンフレット）を掲載しました", ""),
    ("2026-07-10", "/about/organization/tokyo/profile/director.htm", "東京国税局長に髙橋　一郎が就任しました", ""),
    ("2026-07-01", "/publication/statistics/kokuzeicho/rosenka/index.htm", "令和８年分の路線価等を公開しました", ""),
]
# Two rows of the previous 事務年度, dated with 元年-style edge cases in the HTML renderer.
NTA_NEWS_PREVIOUS = [
    ("2026-06-26", "/law/tsutatsu/kihon/hojin/kaisei/index.htm", "法人税基本通達の一部改正について（法令解釈通達）を掲載しました", ""),
    ("2026-06-12", "/taxes/shiraberu/zeimokubetsu/shohi/keigenzeiritsu/qa_01.htm", "消費税の仕入税額控除制度における適格請求書等保存方式に関するＱ＆Ａを改訂しました", ""),
    ("2026-05-29", "/publication/pamph/koho/kurashi/index.htm", "パンフレット「暮らしの税情報」（令和８年度版）を掲載しました", ""),
    ("2026-04-01", "/taxes/shiraberu/taxanswer/hojin/5930.htm", "令和８年度税制改正に伴う法人税関係のタックスアンサーを更新しました", ""),
]

# 国税庁 報道発表 (same page structure).
NTA_RELEASE = [
    ("2026-11-19", "/information/release/kokuzeicho/2026/sasatsu/index.htm", "令和７年度における査察の概要", ""),
    ("2026-11-12", "/information/release/kokuzeicho/2026/hojin_chosa/index.htm", "令和７事務年度 法人税等の調査事績の概要", ""),
    ("2026-11-05", "/information/release/kokuzeicho/2026/gensen_chosa/index.htm", "令和７事務年度 源泉所得税等の調査事績の概要", ""),
    ("2026-10-29", "/information/release/kokuzeicho/2026/minkan_kyuyo/index.htm", "令和７年分 民間給与実態統計調査結果について", ""),
    ("2026-10-15", "/information/release/kokuzeicho/2026/e-tax_riyou/index.htm", "令和７年度におけるe-Taxの利用状況等について", ""),
    ("2026-09-30", "/information/release/kokuzeicho/2026/taino/index.htm", "令和７年度租税滞納状況について", ""),
    ("2026-09-16", "/information/release/kokuzeicho/2026/invoice_touroku/index.htm", "適格請求書発行事業者の登録件数等について（令和８年８月末現在）", ""),
    ("2026-08-26", "/information/release/kokuzeicho/2026/yosan/index.htm", "令和９年度 国税庁関係予算概算要求の概要", ""),
    ("2026-07-31", "/information/release/kokuzeicho/2026/jinji/index.htm", "国税庁幹部の人事異動について（令和８年７月３１日付）", ""),
    ("2026-07-01", "/information/release/kokuzeicho/2026/rosenka/index.htm", "令和８年分 路線価・評価倍率の公開について", ""),
    ("2026-06-24", "/information/release/kokuzeicho/2026/denshichobo/index.htm", "電子帳簿等保存制度の見直しに関する通達の改正について", ""),
    ("2026-05-27", "/information/release/kokuzeicho/2026/kakutei_shinkoku/index.htm", "令和７年分の所得税等、消費税及び贈与税の確定申告状況等について", ""),
]
# An archive section of the release page: 令和元年 rows (the 元年 form of the era year).
NTA_RELEASE_ARCHIVE = [
    ("2019-09-27", "/information/release/kokuzeicho/2019/minkan/index.htm", "平成30年分 民間給与実態統計調査結果について", ""),
    ("2019-07-01", "/information/release/kokuzeicho/2019/rosenka/index.htm", "令和元年分 路線価・評価倍率の公開について", ""),
]

MOF_NEWS = [
    ("2026-11-20 17:30", "/public_relations/conference/my20261120.html", "財務大臣閣議後記者会見の概要（令和８年１１月２０日）", ""),
    ("2026-11-19 14:00", "/tax_policy/tax_reform/outline/fy2027/index.html", "令和９年度税制改正の大綱に向けた検討状況について", "税制調査会における議論の状況を掲載しました。"),
    ("2026-11-18 10:00", "/jgbs/reference/appendix/issue_schedule.html", "国債発行予定額（令和８年１２月）", ""),
    ("2026-11-17 16:00", "/policy/budget/budger_workflow/budget/fy2026/hosei.html", "令和８年度補正予算（第１号）の概要", ""),
    ("2026-11-13 11:00", "/tax_policy/summary/consumption/invoice.html", "消費税のインボイス制度に関する財務省の解説資料を更新しました", "免税事業者からの仕入れに係る経過措置の段階的縮小について説明を追加しました。"),
    ("2026-11-12 15:00", "/about_mof/recruit/2027.html", "令和９年度採用（総合職・一般職）説明会のご案内", ""),
    ("2026-11-10 09:30", "/policy/international_policy/reference/balance_of_payments/index.html", "国際収支状況（令和８年９月分）", ""),
    ("2026-11-06 14:00", "/tax_policy/summary/international/global_minimum_tax.html", "グローバル・ミニマム課税（第２の柱）に関する情報申告制度の解説を掲載しました", "特定多国籍企業グループ等報告事項等の提供に関する手続の概要です。"),
    ("2026-11-04 10:00", "/about_mof/councils/fiscal_system_council/sub-of_fiscal_system/proceedings/index.html", "財政制度等審議会 財政制度分科会（令和８年１１月４日開催）資料", ""),
    ("2026-10-30 16:00", "/procurement/20261030.html", "一般競争入札公告（庁舎設備保守業務）", ""),
    ("2026-10-28 10:00", "/customs_tariff/trade/statistics/202609.html", "貿易統計（令和８年９月分 確報）", ""),
    ("2026-10-23 14:00", "/tax_policy/summary/income/teigakugenzei.html", "定額減税の年末調整における取扱いについて（事業者向け解説）", "令和８年分の年末調整で精算する際の留意点をまとめました。"),
    ("2026-10-16 11:00", "/policy/national_property/reference/sale/index.html", "国有財産の売払いに関する一般競争入札のお知らせ", ""),
    ("2026-10-09 17:00", "/public_relations/conference/my20261009.html", "財務大臣閣議後記者会見の概要（令和８年１０月９日）", ""),
]

MHLW_NEWS = [
    ("2026-11-20 16:00", "/stf/newpage_58210.html", "「令和８年就労条件総合調査」の結果を公表します", ""),
    ("2026-11-20 14:00", "/stf/seisakunitsuite/bunya/koyou_roudou/roudoukijun/zigyonushi/kaisei2027.html", "労働基準法施行規則の一部を改正する省令案について（労働条件明示事項の追加）", "令和９年４月１日施行予定の改正内容と、就業規則・労働条件通知書の見直しのポイントを掲載しました。"),
    ("2026-11-19 17:00", "/stf/newpage_58177.html", "第２１０回労働政策審議会労働条件分科会の開催について", ""),
    ("2026-11-19 10:00", "/stf/seisakunitsuite/bunya/nenkin/nenkin/tekiyoukakudai.html", "社会保険の適用拡大（従業員数５１人以上の企業から段階的に拡大）に関する事業主向けリーフレットを更新しました", "短時間労働者の被用者保険加入要件の見直しについて、令和９年１０月施行分を含めて解説しています。"),
    ("2026-11-18 15:00", "/stf/newpage_58120.html", "新型コロナウイルス感染症の発生状況等について（令和８年１１月１８日）", ""),
    ("2026-11-17 14:30", "/stf/seisakunitsuite/bunya/koyou_roudou/koyou/saiteichingin/index.html", "令和８年度地域別最低賃金の全国一覧（全都道府県で発効）", "全国加重平均額は１，１２１円となりました。給与計算における時間額の確認をお願いします。"),
    ("2026-11-16 10:00", "/stf/newpage_58065.html", "厚生労働省職員（係長級）の中途採用選考について", ""),
    ("2026-11-13 16:00", "/stf/seisakunitsuite/bunya/koyou_roudou/koyoukintou/ikuji_kaigo/kaisei2026.html", "育児・介護休業法の改正（令和８年１０月施行分）に関するＱ＆Ａを更新しました", "柔軟な働き方を実現するための措置等に関する事業主の義務について、よくある質問を追加しました。"),
    ("2026-11-12 11:00", "/stf/newpage_58001.html", "毎月勤労統計調査 令和８年９月分結果確報", ""),
    ("2026-11-11 14:00", "/stf/seisakunitsuite/bunya/koyou_roudou/roudoukijun/jikan/index.html", "時間外労働の上限規制に関する特設サイトを更新しました（３６協定届の記載例）", ""),
    ("2026-11-10 10:00", "/stf/newpage_57950.html", "「過労死等防止対策白書」（令和８年版）を公表します", ""),
    ("2026-11-06 17:00", "/stf/seisakunitsuite/bunya/kenkou_iryou/iryouhoken/hokenshou.html", "健康保険証の経過措置終了と資格確認書の取扱いについて（事業主・保険者向け）", ""),
    ("2026-11-05 14:00", "/stf/newpage_57891.html", "厚生労働大臣会見概要（令和８年１１月５日）", ""),
    ("2026-11-02 10:00", "/stf/seisakunitsuite/bunya/koyou_roudou/koyou/jigyounushi/stresscheck.html", "ストレスチェック制度の全事業場への義務化に向けた実施マニュアル（改訂版）を公表します", "従業員５０人未満の事業場も含めた実施体制の整備について解説しています。"),
    ("2026-10-30 15:00", "/stf/newpage_57810.html", "令和８年度 医療経済実態調査の実施について", ""),
    ("2026-10-28 14:00", "/stf/seisakunitsuite/bunya/koyou_roudou/roudoukijun/anzen/kaisei_netsu.html", "職場における熱中症対策の強化（労働安全衛生規則の改正）に関するリーフレット", ""),
    ("2026-10-23 10:00", "/stf/newpage_57702.html", "雇用保険の基本手当日額の変更について", "令和８年１０月１日から基本手当日額の上限額・下限額が変更されました。"),
]

FSA_NEWS = [
    ("2026-11-20 17:00", "/news/r8/sonota/20261120/20261120.html", "「企業内容等の開示に関する内閣府令」等の一部改正（案）の公表について", "有価証券報告書におけるサステナビリティ情報の開示に関する改正案について、意見を募集します。"),
    ("2026-11-19 17:00", "/news/r8/shouken/20261119.html", "金融商品取引業者に対する行政処分について", ""),
    ("2026-11-18 17:00", "/common/about/recruit/r9/index.html", "令和９年度 金融庁総合職・一般職採用情報を掲載しました", ""),
    ("2026-11-17 17:00", "/news/r8/sonota/20261117_ssbj.html", "サステナビリティ開示基準（ＳＳＢＪ基準）の適用及び保証制度に関するワーキング・グループ報告の公表", ""),
    ("2026-11-14 17:00", "/news/r8/ginkou/20261114.html", "マネー・ローンダリング及びテロ資金供与対策に関するガイドラインの改正について", ""),
    ("2026-11-13 17:00", "/news/r8/sonota/20261113-2.html", "四半期開示の見直しに伴う半期報告書の記載事項に関するＱ＆Ａの公表", ""),
    ("2026-11-12 17:00", "/news/r8/sonota/20261112_hanrei.html", "「金融庁の１年」（令和７事務年度版）の公表について", ""),
    ("2026-11-11 17:00", "/news/r8/sonota/20261111/kaigi.html", "企業会計審議会 監査部会（第６５回）議事次第", ""),
    ("2026-11-07 17:00", "/news/r8/sonota/20261107_naibutousei.html", "財務報告に係る内部統制の評価及び監査の基準に関するＱ＆Ａの改訂について", "内部統制報告制度の実務上の取扱いについて、開示すべき重要な不備の判断例を追加しました。"),
    ("2026-11-05 17:00", "/news/r8/hoken/20261105.html", "保険会社向けの総合的な監督指針の一部改正（案）の公表について", ""),
    ("2026-10-31 17:00", "/news/r8/sonota/20261031_cyber.html", "金融分野におけるサイバーセキュリティに関するガイドラインの公表", ""),
    ("2026-10-29 17:00", "/news/r8/sonota/20261029_choutatsu.html", "調達情報（金融庁ウェブサイト運用保守業務）", ""),
    ("2026-10-24 17:00", "/news/r8/sonota/20261024/edinet.html", "ＥＤＩＮＥＴの機能改修に伴う提出書類様式の変更について", ""),
]

EGOV_PUBCOM = [
    # (dc:date as e-Gov writes it — the malformed "T15:00:Z" form —, 案件番号, title, カテゴリー, 受付開始, 受付締切日時, 所管)
    ("2026-11-19T15:00:Z", "495260311", "労働基準法施行規則の一部を改正する省令案に関する意見募集について", "労働・雇用", "2026/11/20", "2026/12/19 23:59", "厚生労働省"),
    ("2026-11-18T15:00:Z", "410260215", "所得税法施行規則の一部を改正する省令案（給与所得者の扶養控除等申告書の記載事項の簡素化）に関する意見公募", "財政・税制", "2026/11/19", "2026/12/18 23:59", "財務省"),
    ("2026-11-17T15:00:Z", "240000118", "個人情報の保護に関する法律施行規則の一部を改正する規則案に関する意見募集について", "情報通信", "2026/11/18", "2026/12/17 23:59", "個人情報保護委員会"),
    ("2026-11-16T15:00:Z", "235060441", "企業内容等の開示に関する内閣府令等の一部を改正する内閣府令案等の公表について", "金融・証券", "2026/11/17", "2026/12/16 23:59", "金融庁"),
    ("2026-11-13T15:00:Z", "495260298", "健康保険法施行規則及び厚生年金保険法施行規則の一部を改正する省令案について", "社会保障", "2026/11/14", "2026/12/04 23:59", "厚生労働省"),
    ("2026-11-12T15:00:Z", "550003376", "道路交通法施行規則の一部を改正する内閣府令案に対する意見の募集について", "交通・運輸", "2026/11/13", "2026/12/12 23:59", "警察庁"),
    ("2026-11-11T15:00:Z", "595226012", "電子署名及び認証業務に関する法律施行規則の一部を改正する省令案に関する意見募集", "情報通信", "2026/11/12", "2026/12/11 23:59", "デジタル庁"),
    ("2026-11-10T15:00:Z", "185000942", "水産資源保護法施行規則の一部を改正する省令案についての意見・情報の募集について", "農林水産", "2026/11/11", "2026/12/10 23:59", "農林水産省"),
    ("2026-11-09T15:00:Z", "300130577", "商業登記規則等の一部を改正する省令案に関する意見募集", "法務", "2026/11/10", "2026/12/09 23:59", "法務省"),
    ("2026-11-06T15:00:Z", "495260270", "育児休業、介護休業等育児又は家族介護を行う労働者の福祉に関する法律施行規則の一部を改正する省令案について", "労働・雇用", "2026/11/07", "2026/12/06 23:59", "厚生労働省"),
    ("2026-11-05T15:00:Z", "620226101", "大気汚染防止法施行令の一部を改正する政令案に対する意見の募集について", "環境", "2026/11/06", "2026/12/05 23:59", "環境省"),
    ("2026-11-04T15:00:Z", "410260201", "消費税法施行令の一部を改正する政令案（適格請求書等保存方式に係る経過措置の見直し）に関する意見公募", "財政・税制", "2026/11/05", "2026/12/04 23:59", "財務省"),
]

EGOV_NEWS = [
    ("2026-11-20", "/news/2026/1120_maintenance.html", "e-Gov電子申請システムの計画停止のお知らせ（令和８年１２月５日）", ""),
    ("2026-11-17", "/news/2026/1117_api.html", "e-Gov電子申請APIの仕様書（第４版）を公開しました", "社会保険・労働保険関係手続のAPI仕様を更新しました。"),
    ("2026-11-12", "/news/2026/1112_shakaihoken.html", "社会保険関係手続の電子申請における添付書類の省略について", ""),
    ("2026-11-06", "/news/2026/1106_browser.html", "e-Gov電子申請アプリケーションの動作環境の変更について", ""),
    ("2026-10-30", "/news/2026/1030_gbiz.html", "GビズIDによるログイン手順の変更について", ""),
    ("2026-10-23", "/news/2026/1023_houreisearch.html", "e-Gov法令検索の新機能（改正履歴の比較表示）を公開しました", ""),
    ("2026-10-15", "/news/2026/1015_survey.html", "e-Govの利用者アンケートへのご協力のお願い", ""),
    ("2026-10-01", "/news/2026/1001_nenmatsu.html", "年末調整時期の源泉徴収票電子提出に関するお知らせ", ""),
    ("2026-09-24", "/news/2026/0924_maintenance.html", "e-Govポータルのメンテナンスに伴うサービス停止について", ""),
    ("2026-09-10", "/news/2026/0910_koyou.html", "雇用保険手続の電子申請義務化対象法人の皆様へ", ""),
]

PPC_NEWS = [
    ("2026-11-20", "/news/press/2026/20261120_kisoku/", "個人情報の保護に関する法律施行規則の一部を改正する規則案に関する意見募集について", ""),
    ("2026-11-18", "/news/press/2026/20261118_leak/", "個人データの漏えい等事案に関する事業者への指導について", ""),
    ("2026-11-13", "/personalinfo/legal/guidelines_tsusoku/", "「個人情報の保護に関する法律についてのガイドライン（通則編）」の一部改正について", ""),
    ("2026-11-11", "/news/kaiken/2026/1111/", "委員長記者会見の概要（令和８年１１月１１日）", ""),
    ("2026-11-06", "../news/anzen/2026/ransomware/", "ランサムウェア被害による個人データ漏えい等の報告にあたっての留意点", ""),
    ("2026-10-30", "/aboutus/minutes/2026/20261030/", "第３１０回個人情報保護委員会（議事概要）", ""),
    ("2026-10-23", "/personalinfo/faq/APPI_QA/", "「個人情報の保護に関する法律についてのガイドライン」に関するＱ＆Ａの更新", ""),
    ("2026-10-16", "/news/press/2026/20261016_mynumber/", "特定個人情報（マイナンバー）の取扱いに関する立入検査の結果について", ""),
    ("2026-10-09", "/aboutus/recruit/2026/", "任期付職員（情報セキュリティ）の募集について", ""),
    ("2026-10-02", "/news/careful_information/2026/1002_cookie/", "Cookie等の端末識別子と個人関連情報の第三者提供に関する注意喚起", ""),
    ("2026-09-25", "/news/event/2026/seminar/", "中小企業向け個人情報保護法セミナー（オンライン）の開催について", ""),
]

DIGITAL_NEWS = [
    ("2026-11-20 18:00", "/news/1f2c7a90-mynumber-card-kenpo", "マイナ保険証への移行状況（令和８年１０月末時点）を公表しました", "", "マイナンバーカード"),
    ("2026-11-19 15:00", "/news/2b7e4d10-e-invoice", "デジタルインボイス（Peppol）の標準仕様「JP PINT」の改訂版を公開しました", "", "電子インボイス"),
    ("2026-11-18 11:00", "/news/3c9f1a22-recruit", "デジタル庁 民間専門人材の募集（プロダクトマネージャー）", "", "採用"),
    ("2026-11-14 17:00", "/news/4d0a2b33-gbiz", "GビズIDの二要素認証の必須化について", "", "GビズID"),
    ("2026-11-12 10:00", "/news/5e1b3c44-cloud", "ガバメントクラウドの利用状況に関する報告書を公表しました", "", "ガバメントクラウド"),
    ("2026-11-07 14:00", "/news/6f2c4d55-denshichobo", "電子帳簿保存・電子取引データの保存に関する事業者向けガイドを公開しました", "中小企業のための電子取引データ保存の手順を、会計ソフトの設定例とともに解説しています。", "電子帳簿保存"),
    ("2026-11-05 16:00", "/news/7a3d5e66-minister", "デジタル大臣記者会見（令和８年１１月５日）", "", "会見"),
    ("2026-10-30 10:00", "/news/8b4e6f77-securiy-guideline", "政府機関等のサイバーセキュリティ対策のための統一基準群の改定について", "", "セキュリティ"),
    ("2026-10-24 09:00", "/news/9c5f7a88-procurement", "調達情報：ベース・レジストリ整備に係る調査研究の請負", "", "調達"),
    ("2026-10-17 15:00", "/news/0d6a8b99-base-registry", "法人ベース・レジストリの公開範囲の拡大について", "", "ベース・レジストリ"),
    ("2026-10-10 11:00", "/news/1e7b9caa-signature", "電子署名法に基づく認定認証業務の審査基準を改定しました", "", "電子署名"),
]

METI_NEWS = [
    ("2026-11-20 14:00", "/press/2026/11/20261120001/20261120001.html", "下請代金支払遅延等防止法の運用基準改正に伴う価格転嫁の取組状況調査の結果を公表します", ""),
    ("2026-11-19 10:00", "/press/2026/11/20261119002/20261119002.html", "鉱工業生産指数（令和８年１０月速報）", ""),
    ("2026-11-18 16:30", "/press/2026/11/20261118003/20261118003.html", "電子帳簿保存・デジタル化支援のためのIT導入補助金（インボイス枠）の公募要領を公表します", ""),
    ("2026-11-17 11:00", "/press/2026/11/20261117001/20261117001.html", "経済産業大臣の海外出張について", ""),
    ("2026-11-14 15:00", "/press/2026/11/20261114004/20261114004.html", "サイバーセキュリティ経営ガイドラインの改訂版（Ver4.0）を公表しました", ""),
    ("2026-11-13 10:00", "/press/2026/11/20261113002/20261113002.html", "「健康経営優良法人２０２７」の申請受付を開始します", ""),
    ("2026-11-11 14:00", "/press/2026/11/20261111005/20261111005.html", "商業動態統計（令和８年９月分確報）", ""),
    ("2026-11-07 17:00", "/press/2026/11/20261107001/20261107001.html", "取引適正化に向けた約束手形の利用廃止に関する行動計画の改定について", ""),
    ("2026-11-05 10:00", "/press/2026/11/20261105003/20261105003.html", "ものづくり補助金（第２０次公募）の採択結果を公表します", ""),
    ("2026-10-31 16:00", "/press/2026/10/20261031002/20261031002.html", "経済産業省 任期付職員（法務専門官）の公募について", ""),
    ("2026-10-29 14:00", "/press/2026/10/20261029001/20261029001.html", "グリーントランスフォーメーション（GX）推進に向けた排出量取引制度の開始について", ""),
    ("2026-10-24 10:00", "/press/2026/10/20261024004/20261024004.html", "産業構造審議会 経済産業政策新機軸部会（第２５回）を開催します", ""),
]

MOJ_NEWS = [
    ("2026-11-20 17:00", "/MINJI/minji06_00201.html", "商業登記規則等の一部を改正する省令案に関する意見募集を開始しました", "株式会社の代表者住所の非表示措置に関する改正案です。"),
    ("2026-11-19 15:00", "/hisho/kouhou/hisho08_01422.html", "法務大臣閣議後記者会見の概要", ""),
    ("2026-11-18 10:00", "/MINJI/minji07_00366.html", "相続登記の申請義務化に関するリーフレット（事業者向け）を更新しました", ""),
    ("2026-11-13 14:00", "/isa/publications/press/2026_1113.html", "特定技能制度の運用状況（令和８年９月末）", "外国人材を雇用する事業者向けに、受入れ機関の届出義務についても案内しています。"),
    ("2026-11-11 10:00", "/keiji1/keiji14_00133.html", "法制審議会刑事法部会第１２回会議の開催について", ""),
    ("2026-11-06 16:00", "/MINJI/minji06_00198.html", "電子定款の認証手続のオンライン化（テレビ電話方式）の拡大について", ""),
    ("2026-10-30 11:00", "/kanbou/saiyou/2027_shokuin.html", "法務省職員採用試験（令和９年度）の実施について", ""),
    ("2026-10-28 10:00", "/MINJI/minji05_00612.html", "民法（親子法制）等の改正に関するＱ＆Ａを掲載しました", ""),
    ("2026-10-23 14:00", "/housei/toukei/toukei_ichiran_touki.html", "登記統計（令和８年９月分）", ""),
    ("2026-10-16 17:00", "/JINKEN/jinken04_00215.html", "ビジネスと人権に関する行動計画の改定に向けた意見交換会の開催", ""),
    ("2026-10-09 10:00", "/MINJI/minji06_00195.html", "会社法施行規則の一部改正（株主総会資料の電子提供制度）について", ""),
]

CHUSHO_NEWS = [
    ("2026-11-20 15:00", "/keiei/torihiki/2026/261120kakakutenka.html", "価格交渉促進月間（令和８年９月）のフォローアップ調査結果を公表します", ""),
    ("2026-11-18 10:00", "/zaimu/zeisei/2026/261118invoice.html", "インボイス制度の経過措置終了に向けた小規模事業者向けＱ＆Ａを掲載しました", ""),
    ("2026-11-13 14:00", "/keiei/sapoin/2026/261113it.html", "IT導入補助金２０２７の事業概要について", ""),
    ("2026-11-11 11:00", "/koukai/kenkyukai/2026/261111kenkyukai.html", "中小企業政策審議会 基本問題小委員会（第１０回）の開催について", ""),
    ("2026-11-06 10:00", "/zaimu/shoukei/2026/261106jigyoushoukei.html", "事業承継税制の特例承継計画の提出期限に関する注意喚起", "特例承継計画の提出期限と、提出後の手続の流れを説明しています。"),
    ("2026-10-30 15:00", "/keiei/torihiki/2026/261030shitauke.html", "中小受託取引適正化法（改正下請法）の施行に関する説明会の開催について", ""),
    ("2026-10-23 10:00", "/pamflet/hakusyo/2026/index.html", "２０２６年版 中小企業白書・小規模企業白書（概要版英語訳）を公表しました", ""),
    ("2026-10-16 14:00", "/keiei/koyou/2026/261016chingin.html", "最低賃金引上げに対応する中小企業向け業務改善助成金の拡充について", ""),
    ("2026-10-09 10:00", "/shogyo/chiiki/2026/261009shoutengai.html", "商店街活性化事業の採択結果について", ""),
    ("2026-10-02 11:00", "/kinyu/2026/261002shikin.html", "年末の資金繰り支援に関する金融機関への要請について", ""),
]

ASBJ_NEWS = [
    ("2026-11-19", "/jp/accounting_standards/exposure_draft/y2026/2026-1119.html", "企業会計基準公開草案第８５号「リースに関する会計基準（案）」等の一部改正の公表"),
    ("2026-11-12", "/jp/accounting_standards/accounting_standards/y2026/2026-1112.html", "実務対応報告第４７号「グローバル・ミニマム課税制度に係る税効果会計の適用に関する取扱い」の公表"),
    ("2026-11-06", "/jp/fasf-asbj/minutes/y2026/2026-1106.html", "第５６０回企業会計基準委員会の概要"),
    ("2026-10-29", "/jp/accounting_standards/implementation_guidance/y2026/2026-1029.html", "企業会計基準適用指針第３３号「リースに関する会計基準の適用指針」の設例の追加"),
    ("2026-10-22", "/jp/fasf-asbj/minutes/y2026/2026-1022.html", "第５５９回企業会計基準委員会の概要"),
    ("2026-10-15", "/jp/information/y2026/2026-1015-seminar.html", "新リース会計基準に関する解説セミナーの開催について"),
    ("2026-10-08", "/jp/accounting_standards/comments/y2026/2026-1008.html", "IASBの公開草案「無形資産」に対するコメントレターの提出"),
    ("2026-09-30", "/jp/information/y2026/2026-0930-recruit.html", "研究員（常勤）の募集について"),
    ("2026-09-17", "/jp/accounting_standards/exposure_draft/y2026/2026-0917.html", "企業会計基準公開草案第８４号「収益認識に関する会計基準（案）」の一部改正の公表"),
    ("2026-09-03", "/jp/fasf-asbj/minutes/y2026/2026-0903.html", "第５５６回企業会計基準委員会の概要"),
]

HMRC_NEWS = [
    ("2026-11-20 09:30", "/government/news/making-tax-digital-for-income-tax-what-sole-traders-need-to-do-before-april", "Making Tax Digital for Income Tax: what sole traders need to do before April",
     "Self-employed people and landlords with qualifying income above the threshold must keep digital records and send quarterly updates."),
    ("2026-11-19 14:00", "/government/publications/employer-bulletin-november-2026", "Employer bulletin: November 2026",
     "The latest information for employers on PAYE, payrolling of benefits in kind and National Insurance."),
    ("2026-11-18 11:15", "/government/news/hmrc-warns-of-tax-refund-scam-texts", "HMRC warns customers about tax refund scam texts", "Customers are reminded that HMRC never asks for bank details by text message."),
    ("2026-11-17 16:45", "/government/statistics/hmrc-tax-receipts-and-national-insurance-contributions", "HMRC tax receipts and National Insurance contributions for the UK (monthly bulletin)", "Monthly statistics on tax receipts."),
    ("2026-11-14 10:00", "/guidance/payrolling-employees-taxable-benefits-and-expenses", "Payrolling benefits in kind becomes mandatory: updated guidance for employers",
     "Employers must report and pay Income Tax on most benefits through payroll software from April."),
    ("2026-11-12 12:00", "/government/consultations/simplifying-the-vat-partial-exemption-regime", "Consultation: simplifying the VAT partial exemption regime", "The consultation closes on 3 February 2027."),
    ("2026-11-10 09:00", "/government/news/self-assessment-deadline-countdown", "Self Assessment: 80 days to go until the 31 January deadline", ""),
    ("2026-11-06 15:30", "/government/publications/hmrc-annual-report-and-accounts", "HMRC annual report and accounts: corrected figures", ""),
    ("2026-11-04 10:30", "/government/news/new-digital-service-for-corporation-tax-payments", "New digital service for Corporation Tax payments launches", ""),
    ("2026-10-30 11:00", "/government/statistics/personal-incomes-statistics", "Personal incomes statistics: tax year 2024 to 2025", ""),
    ("2026-10-28 14:20", "/guidance/national-minimum-wage-rates", "National Minimum Wage and National Living Wage rates from April", ""),
]

# e-Gov 法令API v1 updatelawlists: one list per day; a day not listed is a 404.
EGOV_LAWS = {
    "20261118": [
        dict(LawTypeName="法律", LawNo="昭和二十二年法律第四十九号", LawName="労働基準法", LawNameKana="ろうどうきじゅんほう",
             PromulgationDate="19470407", AmendName="労働基準法等の一部を改正する法律", AmendNo="令和八年法律第三十二号",
             AmendPromulgationDate="20260605", EnforcementDate="20270401", EnforcementComment="",
             LawId="322AC0000000049"),
        dict(LawTypeName="省令", LawNo="昭和二十二年厚生省令第二十三号", LawName="労働基準法施行規則", LawNameKana="ろうどうきじゅんほうしこうきそく",
             PromulgationDate="19470831", AmendName="労働基準法施行規則の一部を改正する省令", AmendNo="令和八年厚生労働省令第百十二号",
             AmendPromulgationDate="20261118", EnforcementDate="20270401", EnforcementComment="",
             LawId="322M40000100023"),
    ],
    "20261113": [
        dict(LawTypeName="政令", LawNo="昭和六十三年政令第三百六十号", LawName="消費税法施行令", LawNameKana="しょうひぜいほうしこうれい",
             PromulgationDate="19881230", AmendName="消費税法施行令の一部を改正する政令", AmendNo="令和八年政令第三百五号",
             AmendPromulgationDate="20261113", EnforcementDate="20261001", EnforcementComment="一部の規定は令和九年十月一日から施行",
             LawId="363CO0000000360"),
        dict(LawTypeName="法律", LawNo="平成十五年法律第五十七号", LawName="個人情報の保護に関する法律", LawNameKana="こじんじょうほうのほごにかんするほうりつ",
             PromulgationDate="20030530", AmendName="個人情報の保護に関する法律の一部を改正する法律", AmendNo="令和八年法律第四十四号",
             AmendPromulgationDate="20260612", EnforcementDate="20270601", EnforcementComment="",
             LawId="415AC0000000057"),
        dict(LawTypeName="規則", LawNo="昭和五十九年漁業調整規則第一号", LawName="漁業調整規則", LawNameKana="ぎょぎょうちょうせいきそく",
             PromulgationDate="19840401", AmendName="漁業調整規則の一部を改正する規則", AmendNo="令和八年規則第三号",
             AmendPromulgationDate="20261112", EnforcementDate="20261201", EnforcementComment="", LawId=""),
    ],
    "20261106": [
        dict(LawTypeName="法律", LawNo="昭和四十年法律第三十三号", LawName="所得税法", LawNameKana="しょとくぜいほう",
             PromulgationDate="19650331", AmendName="所得税法等の一部を改正する法律", AmendNo="令和八年法律第十三号",
             AmendPromulgationDate="20260331", EnforcementDate="20270101", EnforcementComment="",
             LawId="340AC0000000033"),
        dict(LawTypeName="法律", LawNo="平成十年法律第二十五号", LawName="電子計算機を使用して作成する国税関係帳簿書類の保存方法等の特例に関する法律",
             LawNameKana="でんしけいさんきをしようしてさくせいするこくぜいかんけいちょうぼしょるいのほぞんほうほうとうのとくれいにかんするほうりつ",
             PromulgationDate="19980331", AmendName="所得税法等の一部を改正する法律", AmendNo="令和八年法律第十三号",
             AmendPromulgationDate="20260331", EnforcementDate="20270101", EnforcementComment="",
             LawId="410AC0000000025"),
    ],
}

# Not a built-in: the page behind README's example of a user-defined html source ("tokyo-roudou"), served in
# EUC-JP with the charset in its meta tag only, to show a sources file reading an old-style local page.
TOKYO_ROUDOU = [
    ("2026-11-19", "/tokyo-roudoukyoku/news_topics/2026/1119_nenmatsu.html", "年末年始における労働相談窓口の開設日時についてお知らせします"),
    ("2026-11-16", "/tokyo-roudoukyoku/news_topics/2026/1116_36kyotei.html", "３６協定届の電子申請に関する説明会（事業主向け）を開催します"),
    ("2026-11-10", "/tokyo-roudoukyoku/news_topics/2026/1110_chingin.html", "東京都最低賃金の改正に伴う給与計算の確認のお願い"),
    ("2026-11-02", "/tokyo-roudoukyoku/news_topics/2026/1102_anzen.html", "年末年始の労働災害防止運動を実施します"),
    ("2026-10-27", "/tokyo-roudoukyoku/news_topics/2026/1027_saiyou.html", "期間業務職員（相談員）を募集します"),
    ("2026-10-20", "/tokyo-roudoukyoku/news_topics/2026/1020_harassment.html", "職場のハラスメント対策に関するオンラインセミナーのご案内"),
    ("2026-10-09", "/tokyo-roudoukyoku/news_topics/2026/1009_kantoku.html", "長時間労働が疑われる事業場に対する監督指導結果を公表します"),
    ("2026-10-01", "/tokyo-roudoukyoku/news_topics/2026/1001_kaigi.html", "東京地方労働審議会（第５０回）を開催します"),
]
