"""Why a source failed, in Japanese: the crawl's one-line reasons are written (and stored) in English; a person
whose language is ja reads them through :func:`failure_ja`.

The English text stays the stored form (``CrawlRun.error``, ``Source.last_error``): it is what the log, a bug
report and ``grep`` see, whatever the language of whoever ran the crawl. Each form the crawl writes has a pattern
here; the URLs, hosts, figures and the server's own words inside it are kept as they are. A reason no pattern
knows (a library's message, a future one) is shown in English rather than guessed at.
"""

from __future__ import annotations

import re
from typing import Callable, Union

_Template = Union[str, Callable[[re.Match], str]]

# The reasons a parser gives (ParseError): they appear after "unreadable response from URL: ".
_PARSE_REASONS: list[tuple[str, _Template]] = [
    (r"empty response body", "本文が空です"),
    (r"not a feed: the server sent an HTML page", "フィードではありません: サーバーは HTML ページを返しました"),
    (r"not a feed: no RSS or Atom root element", "フィードではありません: RSS や Atom のルート要素がありません"),
    (r"not a feed: (?P<why>.+)", "フィードではありません: {why}"),
    (r"feed has (?P<n>\d+) entries but none with a title and link",
     "フィードに {n} 件の項目がありますが、件名とリンクのそろったものがありません"),
    (r"law API answer is not XML: (?P<why>.+)", "法令APIの応答が XML ではありません: {why}"),
    (r"law API answer is not XML", "法令APIの応答が XML ではありません"),
    (r"law API answer has root <(?P<root>.*)>, expected <DataRoot>",
     "法令APIの応答のルート要素が <{root}> です（<DataRoot> のはずです）"),
    (r"law API error (?P<code>\S+): (?P<why>.+)", "法令APIのエラー {code}: {why}"),
    (r"law API answer has no ApplData", "法令APIの応答に ApplData がありません"),
    (r"no element matches select\.item (?P<sel>.+): the page layout may have changed",
     "select.item {sel} に合う要素がありません。ページの構成が変わったのかもしれません"),
    (r"(?P<n>\d+) elements match select\.item (?P<sel>.+) but none has a title and link",
     "select.item {sel} に合う要素が {n} 件ありますが、件名とリンクのそろったものがありません"),
    (r"not an HTML page: the server sent a feed \(should the source's kind be \"feed\"\?\)",
     "HTML ページではありません: サーバーはフィードを返しました（情報源の kind は \"feed\" ではありませんか）"),
    (r"not an HTML page: no markup found", "HTML ページではありません: マークアップがありません"),
    (r"not an HTML page: the body is binary or undecodable",
     "HTML ページではありません: 本文がバイナリか、文字コードを判別できません"),
    (r"unknown source kind (?P<kind>.+)", "情報源の種類 {kind} は扱えません"),
]


def _parse_reason(match: re.Match) -> str:
    return f"{match['url']} の応答を読めません: {_translate(match['why'], _PARSE)}"


def _http(match: re.Match) -> str:
    text = f"{match['url']} が HTTP {match['status']} を返しました"
    if match["target"]:
        text += f"（{match['target']} へのリダイレクトはたどりません）"
    return text


def _too_large(match: re.Match) -> str:
    limit = match["limit"]
    if not limit:
        return f"応答が大きすぎます: {match['url']}"
    return f"応答が大きすぎます（{'展開すると' if match['inflated'] else ''}{limit} バイト超）: {match['url']}"


# The reasons a source's run can carry (describe_failure, the spider, the store, the dead-host and robots.txt
# middlewares); most specific first.
_REASONS: list[tuple[str, _Template]] = [
    (r"HTTP (?P<status>\d{3}(?: [^()]*?)?) from (?P<url>\S+)(?: \(a redirect to (?P<target>.+), not followed\))?",
     _http),
    (r"response too large(?: \(over (?P<limit>\d+) bytes(?P<inflated> once decompressed)?\))?: (?P<url>.+)",
     _too_large),
    (r"too many redirects \(a loop\?\) from (?P<url>\S+): more than (?P<limit>\d+)",
     "リダイレクトが多すぎます（ループしていませんか。{limit} 回を超えました）: {url}"),
    (r"too many redirects \(a loop\?\) from (?P<url>\S+)", "リダイレクトが多すぎます（ループしていませんか）: {url}"),
    (r"robots\.txt unreachable \(HTTP (?P<status>\d{3})\): the site is not crawled until it answers "
     r"\(RFC 9309\): (?P<url>.+)",
     "robots.txt が HTTP {status} を返したため、このサイトは応答するようになるまで取得しません（RFC 9309）: {url}"),
    (r"forbidden by robots\.txt: (?P<url>.+)", "robots.txt で取得を禁止されています: {url}"),
    (r"request dropped: (?P<why>.+): (?P<url>\S+)", "リクエストを取りやめました（{why}）: {url}"),
    (r"timed out after (?P<secs>[\d.e+-]+) s: (?P<url>.+)", "{secs} 秒待っても応答がありません: {url}"),
    (r"timed out: (?P<url>.+)", "時間内に応答がありません: {url}"),
    (r"host not found: (?P<host>.+)", "ホスト名が見つかりません: {host}"),
    (r"connection refused: (?P<host>.+)", "接続を拒否されました: {host}"),
    (r"connection timed out: (?P<host>.+)", "接続が時間切れになりました: {host}"),
    (r"response cut short: (?P<url>.+)", "応答が途中で切れました: {url}"),
    (r"the server closed the connection without a whole HTTP answer: (?P<url>.+)",
     "サーバーが HTTP の応答を返し終える前に接続を切りました: {url}"),
    (r"not an HTTP answer: (?P<url>.+)", "HTTP の応答ではありません: {url}"),
    (r"cannot decompress the answer \(its Content-Encoding is wrong\): (?P<url>.+)",
     "応答を展開できません（Content-Encoding が誤っています）: {url}"),
    (r"cannot follow a redirect to (?P<target>.+): (?P<url>\S+)",
     "{target} へのリダイレクトはたどれません: {url}"),
    (r"cannot ask for (?P<url>\S+): (?P<why>.+)", "{url} は要求できない URL です: {why}"),
    (r"answered 304 Not Modified to a request that was not conditional: (?P<url>.+)",
     "条件付きでないリクエストに 304 Not Modified が返りました: {url}"),
    (r"unreadable response from (?P<url>\S+): (?P<why>.+)", _parse_reason),
    (r"cannot read (?P<url>\S+): (?P<why>.+)", "{url} の応答を読む途中で失敗しました: {why}"),
    (r"every day answered 404: wrong URL\? \((?P<url>.+)\)", "どの日も 404 でした。URL が誤っていませんか（{url}）"),
    (r"crawl stopping: not sent \(waited for its host to answer a first request\): (?P<url>.+)",
     "取得を止めるところだったため送りませんでした（ホストの最初の応答を待っていました）: {url}"),
    (r"interrupted: the crawl was stopped before this source finished \(killed; closed by the next crawl\)",
     "中断: この情報源が終わる前に取得が止められました（強制終了。次の取得で閉じました）"),
    (r"interrupted: the crawl was stopped before this source finished",
     "中断: この情報源が終わる前に取得が止められました"),
    (r"database error: not stored", "データベースのエラー: 保存していません"),
    (r"database error: (?P<why>.+)", "データベースのエラー: {why}"),
]


def _compile(table: list[tuple[str, _Template]]) -> list[tuple[re.Pattern, _Template]]:
    return [(re.compile(pattern, re.S), template) for pattern, template in table]


_PARSE = _compile(_PARSE_REASONS)
_ALL = _compile(_REASONS)


def _translate(text: str, table: list[tuple[re.Pattern, _Template]]) -> str:
    for pattern, template in table:
        match = pattern.fullmatch(text)
        if match:
            if callable(template):
                return template(match)
            return template.format(**{k: v or "" for k, v in match.groupdict().items()})
    return text


def failure_ja(message: str) -> str:
    """``message`` (one or more crawl reasons joined by "; ") in Japanese; reasons no pattern knows stay as they
    are."""
    if not message:
        return message
    parts = message.split("; ")  # how a source's several reasons are joined
    translated = [_translate(part, _ALL) for part in parts]
    if len(parts) > 1 and any(t == p for t, p in zip(translated, parts)):
        whole = _translate(message, _ALL)  # one reason holding "; " itself (the killed-crawl one does)
        if whole != message:
            return whole
    return "；".join(translated)


def failure_text(message: str | None, lang: str) -> str:
    """``message`` in ``lang`` (ja or en); empty for none."""
    if not message:
        return ""
    return failure_ja(message) if lang == "ja" else message
