"""The approval document's title, computed from the persons it lists.

「关于批准吴杰等48名同志具备工程师任职资格的通知」: the first person's name and the count come from
the list at issuing time, so a draft from which a person was removed can never be issued saying
49 while listing 48. An editor's own wording is kept: only the name and the count inside a title
of this form are brought up to date; a title without them is printed as written.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

# 关于[批准]<first>[同志]等<n>名同志 … or 关于[批准]<name>同志 … (one person).
_MANY = re.compile(
    r"^关于(?P<verb>批准)?(?P<first>[^，。、\s]+?)(?:同志)?等(?P<count>[0-9０-９]+)名同志"
)
_ONE = re.compile(r"^关于(?P<verb>批准)?(?P<first>[^，。、\s等]+?)同志(?!等)")


def qualification_phrase(persons: Sequence) -> str:
    """What the persons obtained: one qualification name (工程师), else one level
    (中级专业技术职务), else 相应专业技术职务."""
    qualifications = {_get(p, "qualification") for p in persons} - {""}
    if len(qualifications) == 1:
        return qualifications.pop()
    levels = {_get(p, "level") for p in persons} - {""}
    if len(levels) == 1:
        return f"{levels.pop()}专业技术职务"
    return "相应专业技术职务"


def default_title(persons: Sequence) -> str:
    """关于批准吴杰等48名同志具备工程师任职资格的通知 (one person: 关于批准吴杰同志具备…)."""
    if not persons:
        return "关于批准取得专业技术职务任职资格的通知"
    phrase = qualification_phrase(persons)
    return f"关于批准{_subject(persons)}具备{phrase}任职资格的通知"


def issued_title(title: str, persons: Sequence) -> str:
    """``title`` with the first name and the count brought up to date with ``persons``;
    a blank title becomes the default one, a title of another form stays as written."""
    title = (title or "").strip()
    if not title:
        return default_title(persons)
    if not persons:
        return title
    match = _MANY.match(title) or _ONE.match(title)
    if not match:
        return title
    verb = match.group("verb") or ""
    return f"关于{verb}{_subject(persons)}{title[match.end() :]}"


def _subject(persons: Sequence) -> str:
    first = _get(persons[0], "name")
    return f"{first}同志" if len(persons) == 1 else f"{first}等{len(persons)}名同志"


def _get(person, key: str) -> str:
    value = person.get(key) if isinstance(person, dict) else getattr(person, key, "")
    return str(value or "")
