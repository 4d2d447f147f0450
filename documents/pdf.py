"""The printed form of a sales or purchase document, drawn with fpdf2 (no system fonts needed)."""

from fpdf import FPDF

# The PDF core fonts speak Latin-1; typographic characters outside it get plain look-alikes.
_PLAIN = str.maketrans({"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'", "–": "-", "—": "-", "…": "...",
                        "€": "EUR", "→": "->", "•": "*"})


def _text(value) -> str:
    return str(value if value is not None else "").translate(_PLAIN).encode("latin-1", "replace").decode("latin-1")


def _money(value) -> str:
    return f"{value:,.2f}"


def _address_lines(document) -> list[str]:
    place = " ".join(part for part in (document.post_code, document.city) if part)
    lines = [document.name, document.name_2, document.address, document.address_2, place, document.country_code]
    if document.contact_name and document.contact_name != document.name:
        lines.insert(1, f"Attn. {document.contact_name}")
    return [line for line in lines if line]


def document_pdf(document) -> bytes:
    """Render the document (header, addressee, lines, total) to PDF bytes. Reads the lines once."""
    lines = list(document.lines.all())
    pdf = FPDF(format="A4")
    pdf.set_title(_text(document.title))
    pdf.set_creator("CRM")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()

    pdf.set_font("Helvetica", "B", 16)
    pdf.cell(0, 10, _text(document.title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=10)
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
    pdf.set_font("Helvetica", "B", 10)
    for width, heading, align in zip(widths, ("Description", "Quantity", "Unit price", "Disc. %", "Amount"),
                                     "LRRRR", strict=True):
        pdf.cell(width, 7, heading, border="B", align=align)
    pdf.ln()
    pdf.set_font("Helvetica", size=10)
    total = 0
    for line in lines:
        values = (line.description, f"{line.quantity.normalize():f}", _money(line.unit_price),
                  f"{line.line_discount_pct.normalize():f}", _money(line.amount))
        for width, value, align in zip(widths, values, "LRRRR", strict=True):
            pdf.cell(width, 6, _text(value)[:60], align=align)
        pdf.ln()
        total += line.amount
    pdf.set_font("Helvetica", "B", 10)
    pdf.cell(sum(widths[:-1]), 8, "Total" + (f" {document.currency_code}" if document.currency_code else ""),
             border="T", align="R")
    pdf.cell(widths[-1], 8, _money(total), border="T", align="R")
    return bytes(pdf.output())
