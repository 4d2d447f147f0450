"""The printed form of a sales or purchase document, drawn with fpdf2.

What it shows comes from ``document.printout()`` (documents/models.py), which the HTML preview shows too:
our company (Company Information) at the top right and in the footer, the addressee, the facts (customer or
vendor no., their VAT registration no., contact, salesperson, date, validity of a quote, reference, currency),
the lines and the total in the currency's decimals.

The fonts come with the project (``documents/fonts``, see its README): DejaVu Sans for Latin, Greek and
Cyrillic, WenQuanYi Micro Hei as the fallback for Chinese, Japanese and Korean. fpdf2 embeds the glyphs a
document uses with their Unicode mapping, so the text copied or extracted from the PDF is the text typed.
"""

from pathlib import Path

from fpdf import FPDF

FONTS = Path(__file__).resolve().parent / "fonts"
FONT = "DejaVuSans"
CJK_FONT = "WenQuanYiMicroHei"

COLUMNS = (  # heading, width (mm), alignment, attribute of PrintedLine
    ("Description", 85, "LEFT", "description"),
    ("Quantity", 20, "RIGHT", "quantity"),
    ("Unit price", 27, "RIGHT", "unit_price"),
    ("Disc. %", 16, "RIGHT", "discount"),
    ("Amount", 32, "RIGHT", "amount"),
)
LINE = 4.5  # height of a line of small text, mm


class _DocumentPDF(FPDF):
    """A4 with the project's fonts; every page ends with our company's name, address and bank, and its number."""

    def __init__(self, footer_text: str, texts: list[str]):
        super().__init__(format="A4")
        self.footer_text = footer_text
        self.add_font(FONT, "", FONTS / "DejaVuSans.ttf")
        self.add_font(FONT, "B", FONTS / "DejaVuSans-Bold.ttf")
        # The CJK font is large (reading and subsetting it takes most of a second): only when a text needs it.
        covered = self.fonts[FONT.lower()].cmap
        if any(ord(char) not in covered for text in texts for char in text if not char.isspace()):
            self.add_font(CJK_FONT, "", FONTS / "wqy-microhei.ttc", collection_font_number=0)
            # exact_match=False: bold CJK text (our name, headings) takes the fallback's only (regular) weight.
            self.set_fallback_fonts([CJK_FONT], exact_match=False)
        self.set_margins(15, 15, 15)
        self.set_auto_page_break(auto=True, margin=20)

    def _render_styled_text_line(self, text_line, *args, **kwargs):
        # fpdf2 2.8.9 defers a set_font() to the page's next text. When that text begins with a character of the
        # fallback font (a Japanese name), it sets the deferred font inside the line's own q…Q block, so the
        # lines after it are drawn with the font before (wrong glyphs: "Attn." came out as "TTDR"). Set the
        # deferred font on the page first, as fpdf2 does when a line begins with a character of the main font.
        # (fpdf2 issue #1772; tests/documents/test_pdf.py checks the lines after a CJK-only line.)
        fragments = text_line.fragments
        if (fragments and not self.current_font_is_set_on_page and self.current_font is not None
                and fragments[0].font.fontkey in self._fallback_font_ids
                and self.current_font.fontkey not in self._fallback_font_ids):
            self._out(self._set_font_for_page(self.current_font, self.font_size_pt))
        return super()._render_styled_text_line(text_line, *args, **kwargs)

    def footer(self):
        self.set_y(-15)
        self.set_font(FONT, size=7.5)
        self.set_text_color(90)
        if self.footer_text:
            self.multi_cell(self.epw - 20, 3.5, self.footer_text, align="L", new_x="RIGHT", new_y="TOP")
        self.set_xy(self.w - self.r_margin - 20, -15)
        self.cell(20, 3.5, f"Page {self.page_no()}/{{nb}}", align="R")
        self.set_text_color(0)


def _lines(pdf: FPDF, lines: list[str], width: float, align: str = "L") -> None:
    """``lines`` below each other from the current position, each wrapped within ``width``."""
    x = pdf.get_x()
    for line in lines:
        pdf.set_x(x)
        pdf.multi_cell(width, LINE, line, align=align, new_x="LEFT", new_y="NEXT")


def document_pdf(document) -> bytes:
    """Render the document to PDF bytes. Reads Company Information and the lines once each."""
    printout = document.printout()
    company = printout.company
    pdf = _DocumentPDF(printout.footer, printout.texts())
    pdf.set_title(printout.title)
    pdf.set_author(company.name)
    pdf.set_creator("CRM")
    pdf.add_page()
    top = pdf.get_y()

    # Our company, top right.
    pdf.set_xy(pdf.w - pdf.r_margin - 75, top)
    if company.name:
        pdf.set_font(FONT, "B", 11)
        _lines(pdf, [company.name], 75, "R")
    pdf.set_font(FONT, size=8.5)
    _lines(pdf, company.postal_lines + company.contact_lines, 75, "R")
    company_bottom = pdf.get_y()

    # Title and addressee, left.
    pdf.set_xy(pdf.l_margin, top)
    pdf.set_font(FONT, "B", 16)
    pdf.multi_cell(100, 8, printout.title, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font(FONT, size=10)
    _lines(pdf, printout.addressee, 100)
    pdf.set_y(max(pdf.get_y(), company_bottom) + 8)

    # The facts: label, value.
    for label, value in printout.facts:
        pdf.set_font(FONT, size=9)
        pdf.cell(45, 5, label)
        pdf.set_font(FONT, size=10)
        pdf.multi_cell(0, 5, value, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)

    # The lines and the total.
    widths = [width for _, width, _, _ in COLUMNS]
    pdf.set_font(FONT, size=9.5)
    with pdf.table(col_widths=widths, text_align=[align for _, _, align, _ in COLUMNS], width=sum(widths),
                   align="LEFT", borders_layout="HORIZONTAL_LINES", line_height=5.5, padding=(1, 1)) as table:
        table.row([heading for heading, _, _, _ in COLUMNS])
        for line in printout.lines:
            table.row([getattr(line, attribute) for _, _, _, attribute in COLUMNS])
    pdf.ln(1)
    pdf.set_font(FONT, "B", 10)
    pdf.cell(sum(widths[:-1]), 8, printout.total_label, align="R")
    pdf.cell(widths[-1], 8, printout.total, align="R", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
