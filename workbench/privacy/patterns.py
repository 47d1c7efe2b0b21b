"""Where a name stands as a name: the patterns of mentions and of profile and post URLs.

The replacer (:mod:`workbench.privacy.text`) rewrites what these patterns capture; the scan
(:mod:`workbench.privacy.scan`) looks for a known name in the same places. They apply to text
already prepared by :func:`workbench.privacy.names.prepare` (percent-escapes decoded, NFKC).

>>> MENTION.search("cc @<span>alice</span>!").group("name")
'alice'
>>> URL.search("https://twitter.com/search?q=from:x") is None  # a search page names nobody
True
"""

from __future__ import annotations

import re

__all__ = ["PSEUDONYM", "URL", "URL_HINT", "URL_KINDS", "NAME_GROUPS", "CHAT_MENTION", "MENTION", "REDDIT", "SEARCH",
           "DID", "strip_tail"]

#: A pseudonym as written in a page: ``u_`` (account), ``p_`` (post), ``l_`` (link), ``f_`` (file),
#: optionally after a platform (``twitter:u_3f9a0c...``).
PSEUDONYM = re.compile(r"(?:[\w.-]+:)?[uplf]_[0-9a-f]{12}")

_HOSTS = r"(?<![\w.-])(?:https?://)?(?:www\.|mobile\.|m\.)?"
_FEDI_NAME = r"\w[\w.-]*(?:@[\w-]+(?:\.[\w-]+)+)?"
_DOMAIN = r"(?<![\w.-])(?:https?://)?[\w-]+(?:\.[\w-]+)+"
# Alternatives from the most specific to the most general; each names its handle and post groups.
URL = re.compile(
    _HOSTS + r"(?P<tw_i>(?:twitter|x)\.com/i/(?:web/)?status/)(?P<tw_i_post>\d+)"
    r"|" + _HOSTS + r"(?P<tw>(?:twitter|x)\.com/)(?!(?:i|home|search|hashtag|intent|share|explore|settings|"
    r"notifications|messages|tos|privacy|login|signup|compose)\b)(?P<tw_name>\w{1,50})"
    r"(?:(?P<tw_sep>/status(?:es)?/)(?P<tw_post>\d+))?"
    r"|" + _HOSTS + r"(?P<rd>(?:old\.|new\.|np\.)?reddit\.com/(?:u|user)/)(?P<rd_name>[\w-]{1,50})"
    r"|" + _HOSTS + r"(?P<bs>bsky\.app/profile/)(?P<bs_name>[\w.:-]{1,253})(?:(?P<bs_sep>/post/)(?P<bs_post>\w+))?"
    r"|(?P<fd>" + _DOMAIN + r"/@)(?P<fd_name>" + _FEDI_NAME + r")(?:(?P<fd_sep>/)(?P<fd_post>\d+))?"
    r"|(?P<ap>" + _DOMAIN + r"/users/)(?P<ap_name>\w{1,50})(?:(?P<ap_sep>/statuses/)(?P<ap_post>\d+))?"
    r"|(?P<gu>" + _DOMAIN + r"/u/)(?P<gu_name>\w[\w.-]{0,99})"
    r"|(?P<sh>(?<![\w.-])(?:https?://)?(?:t\.co|pic\.twitter\.com|pic\.x\.com)/)(?P<sh_link>\w+)",
    re.IGNORECASE,
)
# Text without one of these holds no URL that names an account (a cheap test before URL).
URL_HINT = re.compile(r"\.com/|\.app/|/@|/users/|/u/|t\.co/", re.IGNORECASE)
# (prefix group, handle group, separator group, post group, platform of the post id)
URL_KINDS = (("tw_i", None, None, "tw_i_post", "twitter"), ("tw", "tw_name", "tw_sep", "tw_post", "twitter"),
              ("rd", "rd_name", None, None, "reddit"), ("bs", "bs_name", "bs_sep", "bs_post", "bluesky"),
              ("fd", "fd_name", "fd_sep", "fd_post", "mastodon"), ("ap", "ap_name", "ap_sep", "ap_post", "mastodon"),
              ("gu", "gu_name", None, None, "mastodon"))
# <@U024BE7LH>, <@U024BE7LH|bob> (Slack), <@!1234> (Discord).
CHAT_MENTION = re.compile(r"<@!?(?P<name>\w+)(?:\|(?P<label>[^<>|]{0,100}))?>")
# @name, @user@host, @jane.smith.bsky.social, ＠name, and @<span>name</span> (Mastodon's HTML).
MENTION = re.compile(r"(?<![\w@＠/])[@＠](?P<tags>(?:<[^<>]{0,200}>)*)(?P<name>" + _FEDI_NAME + ")")
REDDIT = re.compile(r"(?<![\w/])(?P<prefix>/?u/)(?P<name>[\w-]{2,50})")
SEARCH = re.compile(r"(?<![\w])(?P<prefix>(?:from|to):@?)(?P<name>\w[\w.-]*)", re.IGNORECASE)
DID = re.compile(r"did:(?:plc|web):[\w.:-]+", re.IGNORECASE)


def strip_tail(name: str) -> tuple[str, str]:
    """``alice.`` -> (``alice``, ``.``): a sentence's full stop is not part of a handle."""
    stripped = name.rstrip(".-")
    return stripped, name[len(stripped):]

#: The groups of :data:`URL` that capture a handle.
NAME_GROUPS = tuple(name for _, name, _, _, _ in URL_KINDS if name is not None)
