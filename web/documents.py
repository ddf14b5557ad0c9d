"""A form as a printable PDF: its answers, its signatures and their fingerprints.

Drawn with fpdf2 (pure Python) from the engine's `FormDocument`, which already holds
only what the viewer may read. Names and answers in any script need Unicode fonts: the
DejaVu fonts of Debian's fonts-dejavu-core (Latin, Greek, Cyrillic and more), and for
what DejaVu lacks (Chinese, Japanese, Korean) Droid Sans Fallback from
fonts-droid-fallback; `.ci/run` installs both. Without DejaVu the PDF still comes, in a
core font, with what it cannot draw replaced by "?".
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from pathlib import Path

from fontTools.ttLib import TTFont
from fpdf import FPDF

from mentorflow.engine.service.documents import (
    FINGERPRINT_SHOWN,
    DocumentEntry,
    FormDocument,
    SignedBy,
)

FONTS = Path("/usr/share/fonts/truetype/dejavu")
REGULAR, BOLD = FONTS / "DejaVuSans.ttf", FONTS / "DejaVuSans-Bold.ttf"
FALLBACK = Path("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf")
WHEN = "%Y-%m-%d %H:%M UTC"


@functools.cache
def _unicode_fonts() -> bool:
    return REGULAR.is_file() and BOLD.is_file()


@functools.cache
def _drawn_by_dejavu() -> frozenset[int]:
    """The characters DejaVu draws (read once: loading a font costs a tenth of a second,
    the fallback's more than a second, so it is loaded only for a text that needs it)."""
    with TTFont(REGULAR, lazy=True) as font:
        return frozenset(font["cmap"].getBestCmap())


def _texts(document: FormDocument) -> Iterator[str]:
    yield from (document.program_title, document.agency, document.form_title)
    yield from (document.person_name, document.role_label)
    for entry in document.entries:
        for shown in entry.shown:
            yield from (shown.label, shown.text)
        yield from (signed.name for signed in entry.signatures)


def _needs_fallback(document: FormDocument) -> bool:
    drawn = _drawn_by_dejavu()
    return any(ord(c) not in drawn for text in _texts(document) for c in text if c.isprintable())


class _Page(FPDF):
    def __init__(self, document: FormDocument):
        super().__init__(format="A4")
        self.document = document
        self.unicode = _unicode_fonts()
        if self.unicode:
            self.add_font("body", "", str(REGULAR))
            self.add_font("body", "B", str(BOLD))
            if FALLBACK.is_file() and _needs_fallback(document):
                self.add_font("fallback", "", str(FALLBACK))
                self.set_fallback_fonts(["fallback"], exact_match=False)
        self.set_margins(20, 20, 20)
        self.set_auto_page_break(auto=True, margin=20)
        self.set_title(f"{document.form_title}: {document.person_name}")
        self.set_creator("Mentorflow")

    def text_of(self, text: str) -> str:
        if self.unicode:
            return text
        return text.encode("latin-1", "replace").decode("latin-1")

    def style(self, size: float, bold: bool = False) -> None:
        self.set_font("body" if self.unicode else "helvetica", "B" if bold else "", size)

    def line_of(self, text: str, size: float = 10.5, bold: bool = False, gap: float = 0) -> None:
        self.style(size, bold)
        self.multi_cell(0, size * 0.5, self.text_of(text), new_x="LMARGIN", new_y="NEXT")
        if gap:
            self.ln(gap)

    def footer(self) -> None:
        self.set_y(-14)
        self.style(8)
        printed = self.document.printed_at.strftime(WHEN)
        self.cell(
            0, 5, self.text_of(f"Printed {printed} by Mentorflow · page {self.page_no()}/{{nb}}")
        )


def _signature_line(signed: SignedBy) -> str:
    who = signed.name or "(no name recorded)"
    how = " (typed)" if signed.typed else ""
    paper = ", on paper, recorded by a coordinator" if signed.on_paper else ""
    line = f"{signed.role.title()}: {who}{how}{paper}, {signed.signed_at.strftime(WHEN)}"
    if signed.text_sha256:
        line += f"; fingerprint of the text signed {signed.text_sha256[:FINGERPRINT_SHOWN]}…"
    return line


def _entry(pdf: _Page, entry: DocumentEntry, repeatable: bool) -> None:
    if repeatable:
        pdf.line_of(f"Entry of {entry.created_at.strftime('%Y-%m-%d')}", 11, bold=True, gap=1)
    for shown in entry.shown:
        pdf.line_of(shown.label, 10, bold=True)
        pdf.line_of(shown.text or "—", gap=2)
    pdf.ln(2)
    pdf.line_of("Signatures", 12, bold=True, gap=1)
    if not entry.signatures:
        pdf.line_of("Not signed.")
    for signed in entry.signatures:
        pdf.line_of(_signature_line(signed), gap=1)
        if signed.text_sha256 and signed.text_sha256 != entry.text_sha256:
            pdf.line_of("This signature was given to other answers than those printed here.")
    pdf.line_of(f"Fingerprint (SHA-256) of the text printed here: {entry.text_sha256}", 8, gap=4)


def form_pdf(document: FormDocument) -> bytes:
    """The document as PDF bytes."""
    pdf = _Page(document)
    pdf.add_page()
    pdf.line_of(f"{document.program_title} · {document.agency}", 9)
    pdf.ln(2)
    pdf.line_of(document.form_title, 18, bold=True, gap=2)
    pdf.line_of(f"{document.person_name} ({document.role_label})", 11, gap=6)
    for entry in document.entries:
        _entry(pdf, entry, document.repeatable)
    if document.missing_signatures:
        pdf.line_of("Still to sign: " + ", ".join(document.missing_signatures) + ".", bold=True)
    return bytes(pdf.output())
