"""The printed document (documents/pdf.py): its text, extracted from the PDF as a reader would, is the text typed,
in any script; the fonts it embeds come with the project."""

import io
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader

from documents import pdf
from documents.services import (
    document_line_add,
    purchase_document_from_contact,
    render_pdf,
    sales_document_from_contact,
)
from tests import factories
from tests.documents.conftest import link, pdf_text

pytestmark = pytest.mark.django_db

PROJECT = Path(__file__).resolve().parents[2]

# (company name, contact person, address, post code, city) in Greek, Polish, Japanese and Cyrillic.
PARTIES = {
    "greek": ("Ελληνική Εταιρεία Α.Ε.", "Γιώργος Παπαδόπουλος", "Οδός Ερμού 25", "105 63", "Αθήνα"),
    "polish": ("Zakład Stolarski Łódź Sp. z o.o.", "Paweł Żółciński", "ul. Piotrkowska 104", "90-926", "Łódź"),
    "japanese": ("株式会社山田商事", "山田太郎", "千代田区丸の内1-1", "100-0005", "東京"),
    "cyrillic": ("ООО «Ромашка»", "Иван Петрович Сидоров", "ул. Тверская, д. 7", "125009", "Москва"),
}
LINES = ("Consulting – phase 1 (€ 1,200 fixed)", "Schreibtisch „Ergo“ – Eiche", "Доставка – Łódź → Αθήνα")


def _party_contact(kind, script):
    """A company contact linked to a customer or vendor whose name, contact person and address are in ``script``."""
    name, person, address, post_code, city = PARTIES[script]
    where = {"address": address, "post_code": post_code, "city": city}
    company = factories.ContactFactory(name=name, **where)
    partner_factory = factories.CustomerFactory if kind == "customer" else factories.VendorFactory
    link(company, partner_factory(name=name, contact=person, **where))
    return company


def _with_lines(document):
    for description in LINES:
        document_line_add(document, description=description, quantity=Decimal("2"), unit_price=Decimal("1234.50"))
    return document


@pytest.mark.parametrize("script", PARTIES)
def test_a_sales_quote_for_a_customer_named_in_any_script_prints_every_name_as_typed(document_setup, script):
    quote = _with_lines(sales_document_from_contact(_party_contact("customer", script), "quote"))
    text = pdf_text(render_pdf(quote, user=None, log=False))
    for typed in (*PARTIES[script], *LINES):
        assert typed in text
    assert "?" not in text


@pytest.mark.parametrize("script", PARTIES)
def test_a_purchase_order_to_a_vendor_named_in_any_script_prints_every_name_as_typed(document_setup, script):
    order = _with_lines(purchase_document_from_contact(_party_contact("vendor", script), "order"))
    text = pdf_text(render_pdf(order, user=None, log=False))
    for typed in (*PARTIES[script], *LINES):
        assert typed in text
    assert "?" not in text


@pytest.mark.parametrize("kind", ["customer", "vendor"])
def test_each_line_of_the_address_comes_out_whole_also_after_a_line_all_in_cjk(document_setup, kind):
    # A line drawn only with the CJK fallback font (the company name) used to leave the next line drawn with the
    # wrong font: "Attn. 山田太郎" came out as "TTDR 山田太郎".
    contact = _party_contact(kind, "japanese")
    document = (sales_document_from_contact(contact, "quote") if kind == "customer"
                else purchase_document_from_contact(contact, "quote"))
    lines = pdf_text(render_pdf(document, user=None, log=False)).splitlines()
    for line in ("株式会社山田商事", "Attn. 山田太郎", "千代田区丸の内1-1", "100-0005 東京"):
        assert line in lines


def _fonts(data: bytes) -> list:
    return [font.get_object() for page in PdfReader(io.BytesIO(data)).pages
            for font in page["/Resources"]["/Font"].values()]


def test_the_pdf_embeds_the_projects_fonts_and_no_standard_font(document_setup):
    quote = _with_lines(sales_document_from_contact(_party_contact("customer", "japanese"), "quote"))
    fonts = _fonts(render_pdf(quote, user=None, log=False))
    assert {str(font["/BaseFont"]).split("+")[-1] for font in fonts} == {
        "DejaVuSansBook", "DejaVuSansBold", "WenQuanYiMicroHei"}
    assert all(font["/Subtype"] == "/Type0" for font in fonts)  # embedded Unicode (CID) fonts, subset


@pytest.mark.parametrize("script", ["greek", "polish", "cyrillic"])
def test_a_document_without_cjk_text_does_not_embed_the_cjk_font(document_setup, script):
    quote = _with_lines(sales_document_from_contact(_party_contact("customer", script), "quote"))
    fonts = _fonts(render_pdf(quote, user=None, log=False))
    assert {str(font["/BaseFont"]).split("+")[-1] for font in fonts} == {"DejaVuSansBook", "DejaVuSansBold"}


def test_the_fonts_are_files_of_the_project_each_with_its_licence_beside_it():
    assert pdf.FONTS.is_relative_to(PROJECT)
    files = {path.name for path in pdf.FONTS.iterdir()}
    assert {"DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "LICENSE-DejaVu.txt", "wqy-microhei.ttc",
            "LICENSE-Apache-2.0.txt", "README.md"} <= files
    readme = (pdf.FONTS / "README.md").read_text()
    assert "DejaVu Sans 2.37" in readme and "WenQuanYi Micro Hei 0.2.0-beta" in readme


def test_a_long_description_wraps_in_its_column_instead_of_being_cut(document_setup, customer_company):
    quote = sales_document_from_contact(customer_company[0], "quote")
    description = ("Ergonomic office chair with adjustable lumbar support, armrests and headrest – "
                   "colour anthracite (EN 1335)")
    document_line_add(quote, description=description[:100], unit_price=Decimal("1"))
    assert " ".join(description[:100].split()) in " ".join(pdf_text(render_pdf(quote, user=None, log=False)).split())


def test_a_document_with_many_lines_runs_over_pages_numbered_with_every_line_once(document_setup,
                                                                                   customer_company):
    quote = sales_document_from_contact(customer_company[0], "quote")
    for number in range(1, 81):
        document_line_add(quote, description=f"Part № {number:03d} – Ελληνικά", unit_price=Decimal("1"))
    reader = PdfReader(io.BytesIO(render_pdf(quote, user=None, log=False)))
    pages = [page.extract_text() for page in reader.pages]
    assert len(pages) >= 2
    text = "\n".join(pages)
    assert all(text.count(f"Part № {number:03d} – Ελληνικά") == 1 for number in range(1, 81))
    assert [f"Page {n}/{len(pages)}" in page for n, page in enumerate(pages, start=1)] == [True] * len(pages)
    assert all("Description" in page for page in pages)  # the column headings repeat on every page
    assert "Total 80.00" in pages[-1]
