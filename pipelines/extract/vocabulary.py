"""The few words the HTML cleanup rules know, in the languages newsflow meets most.

Most rules in ``cleanup.py`` judge a line by its shape and links alone, which holds in any
language. These patterns are what is left to words: calls to action at the end of a page,
social networks, and the date and byline lines above an article. English, German, French,
Spanish, Portuguese, Italian, Dutch and Russian words, and Japanese and Chinese ones
matched anywhere (those scripts put no spaces between words).
"""

from __future__ import annotations

import re

#: Calls to action, subscriptions, social links and comment prompts at the end of a page,
#: in the languages newsflow meets most (a few words each: subscribe, newsletter, sign up,
#: click here, comments, share, follow us, download the app).
_CALL_TO_ACTION_WORDS = (
    # English
    r"subscribe\w*|subscribing|newsletters?|sign(?:ing)? up|click here|tell us|comments?"
    r"|share (?:this|it)\b|like this (?:story|article)|download (?:our|the) app"
    r"|follow (?:us|him|her|them|@)|on (?:twitter|facebook|instagram|linkedin)\b"
    # German, French, Spanish, Portuguese, Italian, Dutch
    r"|abonnier\w*|anmelden|kommentar\w*|teilen\b|folgen sie uns|folge uns|hier klicken"
    r"|abonnez|s'abonner|abonne-toi|inscrivez-vous|commentaires?\b|commenter\b|partager"
    r"|suivez-nous|cliquez ici"
    r"|suscr[ií]b\w*|comentarios?\b|comentar\b|compart[ei]\w*|s[ií]guenos|haz clic"
    r"|assine\b|inscreva-se|coment[aá]rios?\b|partilh\w*|siga-nos|clique aqui"
    r"|iscriviti|abbonati|commenti\b|commenta\b|condividi|seguici|clicca qui"
    r"|abonneer|schrijf je in|reacties|reageer|deel dit|volg ons|klik hier"
    # Russian
    r"|подпис\w*|комментар\w*|поделит\w*"
)
#: The same in scripts written without spaces (Japanese, Chinese), matched anywhere.
_CALL_TO_ACTION_CJK = (
    "コメント|シェア|フォロー|購読|ニュースレター|评论|評論|分享|关注我们|訂閱|订阅"
)
CALL_TO_ACTION = re.compile(rf"\b(?:{_CALL_TO_ACTION_WORDS})|{_CALL_TO_ACTION_CJK}", re.IGNORECASE)

#: Social networks, named the same in every language: a short line naming one, and ending
#: no sentence, at the end of a page is a "follow us" or share line.
SOCIAL_NETWORK = re.compile(
    r"\b(?:twitter|facebook|instagram|linkedin|whatsapp|telegram|youtube|tiktok|pinterest"
    r"|mastodon|bluesky|weibo|wechat|vkontakte)\b|微博|微信",
    re.IGNORECASE,
)

#: A time of day, a numeric date, a date written out (day, month, year in any language:
#: "14. März 2021", "3 de janeiro de 2018"; CJK "2021年3月14日"), a reading time,
#: "updated"/"published" in the languages of CALL_TO_ACTION: the date and byline lines
#: above an article.
DATELINE = re.compile(
    r"\b(\d{1,2}:\d{2}|\d{1,4}[/.-]\d{1,2}[/.-]\d{2,4}|\d+\s*min(?:ute|uto)?s?\b"
    r"|\d{1,2}\.?\s+(?:de\s+)?[^\W\d_]{3,}\.?,?\s+(?:de\s+)?\d{4}\b"
    r"|updated|published|aktualisiert|veröffentlicht|mis à jour|publié|actualizado"
    r"|publicado|atualizado|aggiornato|pubblicato|bijgewerkt|gepubliceerd|обновлено"
    r"|опубликовано)|\d{4}年\d{1,2}月|更新|公開|发布|發布",
    re.IGNORECASE,
)

#: A word of an element's id or class that names its readers' comment thread, in the
#: languages of CALL_TO_ACTION and a few more: "comentarios_lectores", "bloc-commentaires",
#: "kommentare". (trafilatura removes the threads named in English, "comments".)
COMMENT_THREAD = re.compile(
    r"(?:^|[-_\s])(?:comentarios|commentaires|kommentare|kommentarer|kommentit|commenti"
    r"|coment[aá]rios|reacties|komentarze|komentare|yorumlar|kommentarii)(?:$|[-_\s])",
    re.IGNORECASE,
)
