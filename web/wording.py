"""Labels and titles in running text: English for any label a definition gives.

A definition names its roles freely ("Mentee", "New bridge inspector (mentee)",
"District deputy"), so a page never makes a plural by adding "s" to a label
("…(mentee)s", "deputys"). Only a label that is the plain role's own name ("Mentee" for
the mentee role) is put in the plural, as "Mentees"; any other label is kept whole, in
a phrase that needs no plural: "People as New bridge inspector (mentee)", "3 people as
District deputy".
"""

from __future__ import annotations

# The plain roles' names and their plurals: the only labels the pages put in the plural.
PLURALS = {"mentee": "mentees", "mentor": "mentors"}


def _plain(label: str, role: str) -> bool:
    return label.strip().lower() == role and role in PLURALS


def _like(word: str, label: str) -> str:
    """`word` in the capitalisation of `label` ("Mentees" for "Mentee")."""
    label = label.strip()
    if label.isupper():
        return word.upper()
    return word[:1].upper() + word[1:] if label[:1].isupper() else word


def people_of(label: str, role: str) -> str:
    """A heading for the people of a role: "Mentees", or "People as <label>"."""
    if _plain(label, role):
        return _like(PLURALS[role], label)
    return f"People as {label}"


def count_of(count: int, label: str, role: str) -> str:
    """A count of people in a role: "1 mentee", "3 mentees", "3 people as <label>"."""
    if _plain(label, role):
        return f"{count} {role if count == 1 else PLURALS[role]}"
    return f"{count} {'person' if count == 1 else 'people'} as {label}"


# Words a title in Title Case leaves in lower case.
SMALL_WORDS = {
    "a",
    "an",
    "and",
    "as",
    "at",
    "by",
    "for",
    "in",
    "of",
    "on",
    "or",
    "the",
    "to",
    "with",
}


def _acronym(word: str) -> bool:
    return len(word) > 1 and any(c.isupper() for c in word[1:])


def in_sentence(text: str) -> str:
    """A definition's label or title inside a sentence ("Fill in the learning contract").

    A title in Title Case ("Mentee Application") is lowered word by word; otherwise only
    its first letter is, so the author's own capitals stay ("safety form for District 5").
    Acronyms and names in capitals ("PPE checklist", "iPad loan form") are kept either way,
    which a plain `lower` would not do."""
    words = text.split(" ")
    capitalised = [w for w in words if w[:1].isalpha() and w.lower() not in SMALL_WORDS]
    if len(words) > 1 and capitalised and all(w[:1].isupper() for w in capitalised):
        return " ".join(w if _acronym(w) else w.lower() for w in words)
    first = words[0]
    return text if _acronym(first) else text[:1].lower() + text[1:]
