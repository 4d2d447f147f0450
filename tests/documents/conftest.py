"""Fixtures for the documents tests: number series for every document type, links made directly."""

import io

import pytest
from pypdf import PdfReader

from contacts.models import ContactBusinessRelation
from documents.models import DocumentSetup
from tests import factories

SERIES = {
    "sales_quote_nos": ("S-QUO", "SQ0001"),
    "sales_order_nos": ("S-ORD", "SO0001"),
    "sales_blanket_order_nos": ("S-BLK", "SB0001"),
    "purchase_quote_nos": ("P-QUO", "PQ0001"),
    "purchase_order_nos": ("P-ORD", "PO0001"),
}


@pytest.fixture
def document_setup(db):
    """Document Setup with a number series for every document type."""
    setup = DocumentSetup.load()
    for field, (code, starting_no) in SERIES.items():
        setattr(setup, field, factories.NoSeriesFactory(code=code, starting_no=starting_no))
    setup.save()
    return setup


def link(contact, partner, *, primary_contact=None):
    """Link a contact with a customer or vendor as a link row (the sync engine is not needed for documents)."""
    code = factories.BusinessRelationFactory(code={"customer": "CUST", "vendor": "VEND"}[partner.kind])
    return ContactBusinessRelation.objects.create(
        contact=contact, business_relation=code, link_to_table=partner.kind, primary_contact=primary_contact,
        **{partner.kind: partner},
    )


@pytest.fixture
def customer_company(db):
    """A company contact linked to a customer: (contact, customer)."""
    company = factories.ContactFactory(name="Fabrikam Inc.", email="office@fabrikam.example")
    customer = factories.CustomerFactory(name="Fabrikam Inc.", contact="Anna Smith")
    link(company, customer)
    return company, customer


@pytest.fixture
def vendor_company(db):
    """A company contact linked to a vendor: (contact, vendor)."""
    company = factories.ContactFactory(name="Contoso Supplies", email="sales@contoso.example")
    vendor = factories.VendorFactory(name="Contoso Supplies")
    link(company, vendor)
    return company, vendor


def person_of(company, **kwargs):
    return factories.ContactFactory(person=True, company=company, company_name=company.name, **kwargs)


def pdf_text(data: bytes) -> str:
    """The text a reader gets out of a PDF (all pages), as pypdf extracts it through the fonts' Unicode maps."""
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
