"""Whether a browser can compile a text field's `pattern`.

Browsers compile the `pattern` attribute as a JavaScript regular expression with the
`v` flag (HTML: `new RegExp(pattern, "v")`, then `^(?:pattern)$`); when that fails they
silently drop the check, so the page accepts what the server will refuse. The `v` flag
is stricter than Python's `re`: no lone `{`, `}` or `]`, no escapes outside the short
list the grammar names, complete quantifier braces only, and inside `[...]` the
characters `( ) [ { } / - |` and doubled punctuators such as `&&` or `..` are syntax.

This is a syntax checker of the ECMAScript `v`-mode grammar (ECMA-262 22.2.1), written
as a recursive-descent walk that tracks escapes, classes, groups and quantifier braces;
the engine never shells out to a JavaScript engine at load time. A test cross-checks it
against Node on fixed and generated patterns. Unicode property names (`\\p{...}`) are
not validated: Python's `re` refuses `\\p` before this check is reached.
"""

from __future__ import annotations

from dataclasses import dataclass

_SYNTAX = set("^$\\.*+?()[]{}|")
_CLASS_SYNTAX = set("()[]{}/-\\|")
_CLASS_PUNCTUATORS = set("&-!#%,:;<=>@`~")
_DOUBLE_PUNCTUATORS = {c * 2 for c in "&!#$%*+,.:;<=>?@^`~"}
_CONTROL = {"f": 0x0C, "n": 0x0A, "r": 0x0D, "t": 0x09, "v": 0x0B}
_HEX = set("0123456789abcdefABCDEF")
_DIGITS = set("0123456789")
_ZWNJ_ZWJ = {"\u200c", "\u200d"}


@dataclass(frozen=True)
class PatternProblem:
    index: int  # 0-based position in the pattern
    message: str

    def __str__(self) -> str:
        return f"at character {self.index + 1}: {self.message}"


class _Refused(Exception):
    def __init__(self, index: int, message: str):
        self.problem = PatternProblem(index, message)


def browser_pattern_problem(pattern: str) -> PatternProblem | None:
    """Why browsers cannot compile `pattern` (None when they can)."""
    try:
        _Parser(pattern).parse()
    except _Refused as refused:
        return refused.problem
    return None


def set_notation_problem(pattern: str) -> PatternProblem | None:
    """Where a pattern browsers compile uses `v`-mode set notation (a class nested in a
    class, `&&`, `--`), which Python's `re` reads as plain characters: the page and the
    server would then accept different answers."""
    parser = _Parser(pattern)
    try:
        parser.parse()
    except _Refused:
        return None
    if parser.set_notation is None:
        return None
    at, what = parser.set_notation
    return PatternProblem(
        at,
        f"{what} means set notation in the browser but plain characters on the server: "
        "escape it with a backslash",
    )


# Class operands: a code point, or a set (nested class, \d, \q{...}) that may hold
# strings of more than one character.
@dataclass(frozen=True)
class _Operand:
    char: int | None
    strings: bool = False


class _Parser:
    def __init__(self, text: str):
        self.s = text
        self.i = 0
        self.groups = 0
        self.names: set[str] = set()
        self.backrefs: list[tuple[int, int]] = []
        self.name_refs: list[tuple[int, str]] = []
        self.set_notation: tuple[int, str] | None = None

    def note_set_notation(self, what: str) -> None:
        if self.set_notation is None:
            self.set_notation = (self.i, what)

    # ------------------------------------------------------------ helpers

    def peek(self, k: int = 0) -> str:
        j = self.i + k
        return self.s[j] if j < len(self.s) else ""

    def refuse(self, message: str, at: int | None = None) -> _Refused:
        return _Refused(self.i if at is None else at, message)

    # ------------------------------------------------------------ the pattern

    def parse(self) -> None:
        self.disjunction()
        if self.i < len(self.s):
            assert self.peek() == ")"
            raise self.refuse("')' closes no group: escape it as '\\)'")
        for at, number in self.backrefs:
            if number > self.groups:
                raise self.refuse(
                    f"'\\{number}' refers to group {number} but the pattern has "
                    f"{self.groups} groups (octal escapes do not exist in the browser; "
                    "write '\\xHH' for a character)",
                    at,
                )
        for at, name in self.name_refs:
            if name not in self.names:
                raise self.refuse(f"'\\k<{name}>' refers to no group named '{name}'", at)

    def disjunction(self) -> None:
        self.alternative()
        while self.peek() == "|":
            self.i += 1
            self.alternative()

    def alternative(self) -> None:
        while self.i < len(self.s) and self.peek() not in "|)":
            self.term()

    def term(self) -> None:
        start = self.i
        c = self.peek()
        quantifiable = True
        if c in "^$":
            self.i += 1
            quantifiable = False
        elif c == "\\" and self.peek(1) in ("b", "B"):
            self.i += 2
            quantifiable = False
        elif c == "\\":
            self.atom_escape()
        elif c == "(":
            quantifiable = self.group()
        elif c == "[":
            self.character_class()
        elif c in "*+?":
            raise self.refuse(f"'{c}' repeats nothing: escape it as '\\{c}'")
        elif c == "{":
            raise self.refuse("a lone '{' is not allowed in the browser: escape it as '\\{'")
        elif c in "}]":
            raise self.refuse(f"a lone '{c}' is not allowed in the browser: escape it as '\\{c}'")
        else:
            self.i += 1  # '.' and every other character stand for themselves
        if self.quantifier(start) and not quantifiable:
            raise self.refuse(
                f"'{self.s[start : self.i]}' repeats an assertion, which the browser refuses",
                start,
            )

    def quantifier(self, atom_start: int) -> bool:
        c = self.peek()
        if c in ("*", "+", "?"):
            self.i += 1
        elif c == "{":
            self.braces()
        else:
            return False
        if self.peek() == "?":
            self.i += 1  # lazy
        after = self.peek()
        if after in ("*", "+", "?", "{"):
            hint = (
                "possessive quantifiers are Python's only"
                if after in "+"
                else "a quantifier cannot repeat a quantifier"
            )
            raise self.refuse(f"'{after}' after a quantifier: {hint}; escape it as '\\{after}'")
        return True

    def braces(self) -> None:
        start = self.i
        j = self.i + 1
        low = self._digits(j)
        j += len(low)
        high: str | None = low
        if low and j < len(self.s) and self.s[j] == ",":
            j += 1
            high = self._digits(j)
            j += len(high)
        if not low or j >= len(self.s) or self.s[j] != "}":
            end = self.s.find("}", start)
            shown = self.s[start : end + 1] if end != -1 else "{"
            raise self.refuse(
                f"'{shown}' is not a repeat count in the browser (write '{{n}}', "
                "'{n,}' or '{n,m}'; '{,m}' needs a 0): escape a literal brace as '\\{'",
                start,
            )
        self.i = j + 1
        if high and int(high) < int(low):
            raise self.refuse(f"'{self.s[start : self.i]}' counts down", start)

    def _digits(self, j: int) -> str:
        k = j
        while k < len(self.s) and self.s[k] in _DIGITS:
            k += 1
        return self.s[j:k]

    def group(self) -> bool:
        """Parse `(...)`; return whether a quantifier may follow (not after lookarounds)."""
        start = self.i
        self.i += 1
        quantifiable = True
        if self.peek() == "?":
            two = self.s[self.i : self.i + 3]
            if two[:2] in ("?:",):
                self.i += 2
            elif two[:2] in ("?=", "?!"):
                self.i += 2
                quantifiable = False
            elif two in ("?<=", "?<!"):
                self.i += 3
                quantifiable = False
            elif two[:2] == "?<":
                self.i += 2
                self.group_name(start)
                self.groups += 1
            elif two[:2] == "?P":
                raise self.refuse(
                    "'(?P...' is Python's only: write a plain group '(...)' and refer "
                    "to it by number ('\\1')",
                    start,
                )
            elif two[:2] == "?>":
                raise self.refuse("atomic groups '(?>...)' are Python's only", start)
            elif two[:2] == "?#":
                raise self.refuse("comments '(?#...)' are Python's only", start)
            else:
                raise self.refuse("inline flags and other '(?...' groups are Python's only", start)
        else:
            self.groups += 1
        self.disjunction()
        if self.peek() != ")":
            raise self.refuse("'(' is never closed: escape it as '\\('", start)
        self.i += 1
        return quantifiable

    def group_name(self, start: int) -> None:
        end = self.s.find(">", self.i)
        name = self.s[self.i : end] if end != -1 else ""
        ok = bool(name) and all(
            c in "$_" or c in _ZWNJ_ZWJ and k or (c if k == 0 else "a" + c).isidentifier()
            for k, c in enumerate(name)
        )
        if not ok:
            raise self.refuse("a group name must be an identifier: '(?<name>...)'", start)
        if name in self.names:
            raise self.refuse(f"two groups are named '{name}'", start)
        self.names.add(name)
        self.i = end + 1

    # ------------------------------------------------------------ escapes

    def atom_escape(self) -> None:
        start = self.i
        self.i += 1
        c = self.peek()
        if c == "":
            raise self.refuse("the pattern ends with a lone '\\'", start)
        if c in "123456789":
            digits = self._digits(self.i)
            self.i += len(digits)
            self.backrefs.append((start, int(digits)))
            return
        if c in "dDsSwW":
            self.i += 1
            return
        if c in "pP":
            self.property(start)
            return
        if c == "k":
            self.i += 1
            end = self.s.find(">", self.i)
            if self.peek() != "<" or end == -1:
                raise self.refuse("'\\k' must name a group: '\\k<name>'", start)
            self.name_refs.append((start, self.s[self.i + 1 : end]))
            self.i = end + 1
            return
        self.character_escape(start, in_class=False)

    def property(self, start: int) -> None:
        self.i += 1
        end = self.s.find("}", self.i)
        body = self.s[self.i + 1 : end] if self.peek() == "{" and end != -1 else ""
        if not body or not all(ch.isalnum() or ch in "_=" for ch in body):
            raise self.refuse("'\\p' and '\\P' need a property: '\\p{Name}'", start)
        self.i = end + 1

    def character_escape(self, start: int, *, in_class: bool) -> int:
        """Parse the escape after `\\` at self.i; return its code point."""
        c = self.peek()
        if c in _CONTROL:
            self.i += 1
            return _CONTROL[c]
        if c == "c":
            letter = self.peek(1)
            if not ("a" <= letter <= "z" or "A" <= letter <= "Z"):
                raise self.refuse("'\\c' must be followed by a letter A to Z", start)
            self.i += 2
            return ord(letter) % 32
        if c == "0":
            if self.peek(1) in _DIGITS and self.peek(1):
                raise self.refuse("octal escapes do not exist in the browser: write '\\xHH'", start)
            self.i += 1
            return 0
        if c == "x":
            code = self.s[self.i + 1 : self.i + 3]
            if len(code) != 2 or not set(code) <= _HEX:
                raise self.refuse("'\\x' needs two hex digits", start)
            self.i += 3
            return int(code, 16)
        if c == "u":
            return self.unicode_escape(start)
        if c in _SYNTAX or c == "/" or in_class and (c in _CLASS_PUNCTUATORS or c == "b"):
            self.i += 1
            return 8 if c == "b" else ord(c)
        hint = {
            "Z": "write '$' for the end",
            "z": "write '$' for the end",
            "A": "write '^' for the start",
        }.get(c, "write it without the backslash" if not c.isalnum() else "it has no meaning")
        where = "inside [...]" if in_class else "outside [...]"
        raise self.refuse(f"'\\{c}' is not an escape the browser knows {where}: {hint}", start)

    def unicode_escape(self, start: int) -> int:
        if self.peek(1) == "{":
            end = self.s.find("}", self.i)
            code = self.s[self.i + 2 : end] if end != -1 else ""
            if not code or not set(code) <= _HEX or int(code, 16) > 0x10FFFF:
                raise self.refuse("'\\u{...}' needs a hex code point up to 10FFFF", start)
            self.i = end + 1
            return int(code, 16)
        code = self.s[self.i + 1 : self.i + 5]
        if len(code) != 4 or not set(code) <= _HEX:
            raise self.refuse("'\\u' needs four hex digits", start)
        self.i += 5
        value = int(code, 16)
        low = self.s[self.i : self.i + 6]
        if 0xD800 <= value <= 0xDBFF and low[:2] == "\\u" and set(low[2:]) <= _HEX:
            trail = int(low[2:], 16) if len(low) == 6 else 0
            if 0xDC00 <= trail <= 0xDFFF:
                self.i += 6
                return 0x10000 + ((value - 0xD800) << 10) + (trail - 0xDC00)
        return value

    # ------------------------------------------------------------ classes (v mode)

    def character_class(self) -> _Operand:
        start = self.i
        self.i += 1
        negated = self.peek() == "^"
        if negated:
            self.i += 1
        strings = self.class_contents(start)
        if negated and strings:
            raise self.refuse("a negated class cannot hold strings", start)
        return _Operand(None, strings)

    def class_contents(self, start: int) -> bool:
        """Parse up to and including the closing `]`; return whether strings may match."""
        if self.peek() == "]":
            self.i += 1
            return False
        first = self.class_operand(start)
        op = self.s[self.i : self.i + 2]
        if op in ("&&", "--"):
            operands = [first]
            while self.s[self.i : self.i + 2] == op:
                self.note_set_notation(f"'{op}' inside [...]")
                self.i += 2
                if op == "&&" and self.peek() == "&":
                    raise self.refuse("'&&&' in a class: escape the third '&' as '\\&'")
                operands.append(self.class_operand(start))
            self.close_class(start)
            if op == "&&":
                return all(o.strings for o in operands)
            return first.strings
        strings = False
        item = first
        while True:
            if item.char is not None and self.peek() == "-":
                dash = self.i
                self.i += 1
                if self.peek() in ("]", "-", ""):
                    raise self.refuse(
                        "'-' in a class must be escaped as '\\-' unless it makes a range",
                        dash,
                    )
                high = self.class_operand(start)
                if high.char is None:
                    raise self.refuse("a range must end at a character", dash)
                if high.char < item.char:
                    raise self.refuse("the range runs backwards", dash)
            strings = strings or item.strings
            if self.peek() == "]":
                self.i += 1
                return strings
            if self.s[self.i : self.i + 2] in ("&&", "--"):
                raise self.refuse(
                    f"'{self.s[self.i : self.i + 2]}' needs a single operand on each side "
                    "(no ranges, no lists): nest them in '[...]' or escape it"
                )
            item = self.class_operand(start)

    def close_class(self, start: int) -> None:
        if self.peek() != "]":
            if self.i >= len(self.s):
                raise self.refuse("'[' is never closed: escape it as '\\['", start)
            raise self.refuse(
                "'&&' and '--' cannot be mixed with other class items: nest them in '[...]'"
            )
        self.i += 1

    def class_operand(self, start: int) -> _Operand:
        c = self.peek()
        if c == "":
            raise self.refuse("'[' is never closed: escape it as '\\['", start)
        if c == "[":
            self.note_set_notation("'[' inside [...]")
            return self.character_class()
        if c == "\\":
            at = self.i
            self.i += 1
            n = self.peek()
            if n in ("d", "D", "s", "S", "w", "W"):
                self.i += 1
                return _Operand(None)
            if n in ("p", "P"):
                self.property(at)
                return _Operand(None)
            if n == "q":
                return self.class_strings(at)
            if n == "":
                raise self.refuse("the pattern ends with a lone '\\'", at)
            return _Operand(self.character_escape(at, in_class=True))
        return _Operand(self.class_character())

    def class_character(self) -> int:
        c = self.peek()
        pair = self.s[self.i : self.i + 2]
        if pair in _DOUBLE_PUNCTUATORS:
            raise self.refuse(
                f"'{pair}' is reserved inside [...] in the browser: escape one as '\\{c}'"
            )
        if c in _CLASS_SYNTAX or c == "]":
            raise self.refuse(f"'{c}' inside [...] must be escaped as '\\{c}' in the browser")
        self.i += 1
        return ord(c)

    def class_strings(self, at: int) -> _Operand:
        """`\\q{abc|d}`: a set of strings, inside a class only."""
        self.i += 1
        if self.peek() != "{":
            raise self.refuse("'\\q' must be followed by '{'", at)
        self.i += 1
        strings = False
        length = 0
        while self.peek() != "}":
            c = self.peek()
            if c == "":
                raise self.refuse("'\\q{' is never closed", at)
            if c == "|":
                strings = strings or length != 1
                length = 0
                self.i += 1
                continue
            if c == "\\":
                esc = self.i
                self.i += 1
                if self.peek() == "":
                    raise self.refuse("the pattern ends with a lone '\\'", esc)
                self.character_escape(esc, in_class=True)
            else:
                self.class_character()
            length += 1
        self.i += 1
        return _Operand(None, strings or length != 1)
