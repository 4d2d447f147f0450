"""The printed form of a sales or purchase document, drawn with fpdf2.

The fonts come with the project (``documents/fonts``, see its README): DejaVu Sans for Latin, Greek and
Cyrillic, WenQuanYi Micro Hei as the fallback for Chinese, Japanese and Korean. fpdf2 embeds the glyphs a
document uses with their Unicode mapping, so the text copied or extracted from the PDF is the text typed.
"""

from pathlib import Path

from fpdf import FPDF

FONTS = Path(__file__).resolve().parent / "fonts"
FONT = "DejaVuSans"
CJK_FONT = "WenQuanYiMicroHei"


def _text(value) -> str:
    return str(value if value is not None else "")


def _money(value) -> str:
    return f"{value:,.2f}"


def _address_lines(document) -> list[str]:
    place = " ".join(part for part in (document.post_code, document.city) if part)
    lines = [document.name, document.name_2, document.address, document.address_2, place, document.country_code]
    if document.contact_name and document.contact_name != document.name:
        lines.insert(1, f"Attn. {document.contact_name}")
    return [line for line in lines if line]


def _new_pdf() -> FPDF:
    """An A4 page set up with the project's fonts: DejaVu Sans, falling back to WenQuanYi Micro Hei."""
    pdf = FPDF(format="A4")
    pdf.add_font(FONT, "", FONTS / "DejaVuSans.ttf")
    pdf.add_font(FONT, "B", FONTS / "DejaVuSans-Bold.ttf")
    pdf.add_font(CJK_FONT, "", FONTS / "wqy-microhei.ttc", collection_font_number=0)
    # exact_match=False: bold CJK text (the title, headings) takes the fallback's only (regular) weight.
    pdf.set_fallback_fonts([CJK_FONT], exact_match=False)
    return pdf


def document_pdf(document) -> bytes:
    """Render the document (header, addressee, lines, total) to PDF bytes. Reads the lines once."""
    lines = list(document.lines.all())
    pdf = _new_pdf()
    pdf.set_title(_text(document.title))
    pdf.set_creator("CRM")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()

    pdf.set_font(FONT, "B", 16)
    pdf.cell(0, 10, _text(document.title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, size=10)
    for line in _address_lines(document):
        pdf.cell(0, 5, _text(line), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    party = getattr(document, "sell_to_customer", None) or getattr(document, "buy_from_vendor", None)
    facts = [("Date", document.order_date.isoformat()), ("Status", document.get_status_display())]
    if party is not None:
        facts.insert(0, (party._meta.verbose_name.capitalize() + " no.", party.no))
    if document.external_document_no:
        facts.append(("Your reference", document.external_document_no))
    for label, value in facts:
        pdf.cell(40, 5, _text(label))
        pdf.cell(0, 5, _text(value), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)

    widths = (95, 20, 25, 20, 30)
    aligns = ("LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT")
    total = 0
    with pdf.table(col_widths=widths, text_align=aligns, width=sum(widths), align="LEFT",
                   borders_layout="HORIZONTAL_LINES", line_height=6) as table:
        table.row(("Description", "Quantity", "Unit price", "Disc. %", "Amount"))
        for line in lines:
            table.row((_text(line.description), f"{line.quantity.normalize():f}", _money(line.unit_price),
                       f"{line.line_discount_pct.normalize():f}", _money(line.amount)))
            total += line.amount
    pdf.set_font(FONT, "B", 10)
    pdf.cell(sum(widths[:-1]), 8, "Total" + (f" {document.currency_code}" if document.currency_code else ""),
             align="R")
    pdf.cell(widths[-1], 8, _money(total), align="R")
    return bytes(pdf.output())
