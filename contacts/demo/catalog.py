"""What the demo data is drawn from: countries, territories, banks, business relations, number series,
templates, interaction templates, job titles and payment terms. Plain data, no queries."""

from dataclasses import dataclass
from decimal import Decimal

from partners.models import ContactType

HOME_COUNTRY = "US"  # our own company's country: customers here are "domestic"


@dataclass(frozen=True)
class Country:
    locale: str
    currency: str
    language: str
    phone_prefix: str
    tld: str
    territories: tuple[str, ...]
    vat_prefix: str  # "" where companies are not given a VAT registration no.
    weight: int


COUNTRIES = {
    "US": Country("en_US", "USD", "en-US", "+1", "com", ("US-EAST", "US-WEST", "US-MID"), "", 40),
    "GB": Country("en_GB", "GBP", "en-GB", "+44", "co.uk", ("UK",), "GB", 12),
    "DE": Country("de_DE", "EUR", "de-DE", "+49", "de", ("DE-NORTH", "DE-SOUTH"), "DE", 18),
    "AT": Country("de_AT", "EUR", "de-AT", "+43", "at", ("ALPS",), "ATU", 5),
    "FR": Country("fr_FR", "EUR", "fr-FR", "+33", "fr", ("FR",), "FR", 10),
    "NL": Country("nl_NL", "EUR", "nl-NL", "+31", "nl", ("BENELUX",), "NL", 8),
    "DK": Country("da_DK", "DKK", "da-DK", "+45", "dk", ("NORDIC",), "DK", 7),
}
EU = {"DE", "AT", "FR", "NL", "DK"}

TERRITORIES = {
    "US-EAST": "US East Coast", "US-WEST": "US West Coast", "US-MID": "US Midwest", "UK": "United Kingdom",
    "DE-NORTH": "Germany North", "DE-SOUTH": "Germany South", "ALPS": "Austria", "FR": "France",
    "BENELUX": "Benelux", "NORDIC": "Nordic countries",
}

# Banks whose IBAN/BIC schwifty knows (country, national bank code, BIC, name); US banks have no IBAN.
BANKS = [
    ("DE", "37040044", "COBADEFFXXX", "Commerzbank"),
    ("DE", "10070000", "DEUTDEBBXXX", "Deutsche Bank"),
    ("DE", "50010517", "INGDDEFFXXX", "ING-DiBa"),
    ("DE", "20050550", "HASPDEHHXXX", "Hamburger Sparkasse"),
    ("GB", "BARC200000", "BARCGB22XXX", "Barclays Bank"),
    ("GB", "HBUK400515", "HBUKGB4BXXX", "HSBC UK Bank"),
    ("GB", "NWBK601613", "NWBKGB2LXXX", "NatWest"),
    ("FR", "1010700001", "BREDFRPPXXX", "BRED Banque Populaire"),
    ("FR", "3000600001", "AGRIFRPPXXX", "Crédit Agricole"),
    ("NL", "INGB", "INGBNL2AXXX", "ING Bank"),
    ("NL", "RABO", "RABONL2UXXX", "Rabobank"),
    ("NL", "ABNA", "ABNANL2AXXX", "ABN AMRO Bank"),
    ("DK", "3000", "DABADKKKXXX", "Danske Bank"),
    ("AT", "20111", "GIBAATWWXXX", "Erste Bank"),
    ("US", "", "CHASUS33XXX", "JPMorgan Chase Bank"),
    ("US", "", "BOFAUS3NXXX", "Bank of America"),
    ("US", "", "WFBIUS6SXXX", "Wells Fargo Bank"),
]

BUSINESS_RELATIONS = {
    "CUST": "Customer",
    "VEND": "Vendor",
    "BANK": "Bank",
    "PROSPECT": "Prospect",
    "PRESS": "Press",
    "PARTNER": "Business partner",
}

NUMBER_SERIES = {  # code: (description, starting no.)
    "CONT": ("Contacts", "CT000001"),
    "CUST": ("Customers", "C00001"),
    "VEND": ("Vendors", "V00001"),
    "BANK": ("Bank accounts", "B0001"),
}

# What synchronization is switched on with, where the setup has nothing yet: the business relation
# (Marketing Setup) and the number series (Partner Setup) of each partner kind, and Contact Nos.
SETUP_RELATIONS = {"customer": "CUST", "vendor": "VEND", "bank_account": "BANK"}
SETUP_SERIES = {"customer": "CUST", "vendor": "VEND", "bank_account": "BANK"}
CONTACT_SERIES = "CONT"

INTERACTION_TEMPLATES = {  # InteractionTemplateSetup field: (code, description)
    "sales_quotes": ("SQUOTE", "Sales quote"),
    "sales_blanket_orders": ("SBLANKET", "Sales blanket order"),
    "sales_order_confirmations": ("SORDER", "Sales order confirmation"),
    "purchase_quotes": ("PQUOTE", "Purchase quote"),
    "purchase_orders": ("PORDER", "Purchase order"),
    "emails": ("EMAIL", "E-mail"),
}

# (code, description, contact type, payment terms, posting group, VAT bus. posting group, country, currency,
#  credit limit)
CUSTOMER_TEMPLATES = [
    ("CUST-DOM", "Domestic companies", ContactType.COMPANY, "30D", "DOMESTIC", "DOMESTIC", "US", "USD", "10000"),
    ("CUST-EU", "EU companies", ContactType.COMPANY, "30D", "EU", "EU", "", "EUR", "5000"),
    ("CUST-EXP", "Export companies (outside the EU)", ContactType.COMPANY, "14D", "FOREIGN", "EXPORT", "", "",
     "5000"),
    ("CUST-PRIV", "Private persons, domestic", ContactType.PERSON, "COD", "DOMESTIC", "DOMESTIC", "US", "USD", "0"),
    ("CUST-PRIV-EU", "Private persons, EU", ContactType.PERSON, "COD", "EU", "EU", "", "EUR", "0"),
]
VENDOR_TEMPLATES = [
    ("VEND-DOM", "Domestic suppliers", ContactType.COMPANY, "30D", "DOMESTIC", "DOMESTIC", "US", "USD"),
    ("VEND-EU", "EU suppliers", ContactType.COMPANY, "30D", "EU", "EU", "", "EUR"),
    ("VEND-EXP", "Suppliers outside the EU", ContactType.COMPANY, "14D", "FOREIGN", "EXPORT", "", ""),
    ("VEND-FREEL", "Freelancers", ContactType.PERSON, "14D", "DOMESTIC", "DOMESTIC", "US", "USD"),
]

JOB_TITLES = [
    "Managing Director", "CEO", "CFO", "Purchasing Manager", "Buyer", "Sales Manager", "Accountant",
    "Office Manager", "Head of IT", "Marketing Manager", "Project Manager", "Logistics Coordinator",
    "Assistant", "Controller", "Engineer", "Consultant", "Customer Service", "Head of Operations",
]
PAYMENT_TERMS = ["14D", "30D", "30D", "30D", "60D", "COD", "1M(8D)"]
CREDIT_LIMITS = [Decimal(v) for v in ("0", "5000", "10000", "10000", "25000", "50000", "100000")]
# What a firm does, put into a name Faker has given another firm already ("Santiago LLC" → "Santiago Freight
# LLC"): Faker's names repeat, real firms' names seldom do.
TRADES = [
    "Logistics", "Consulting", "Engineering", "Foods", "Textiles", "Software", "Medical", "Print", "Metalworks",
    "Plastics", "Freight", "Bakery", "Pharma", "Energy", "Solar", "Marine", "Tools", "Systems", "Labs", "Design",
    "Media", "Trading", "Imports", "Furniture", "Optics", "Motors", "Electric", "Garden", "Paper", "Packaging",
    "Chemicals", "Security", "Travel", "Interiors", "Audio", "Sports", "Dental", "Builders", "Roofing", "Flooring",
    "Glass", "Steel", "Timber", "Catering", "Coffee", "Wines", "Dairy", "Seeds", "Robotics", "Automation",
    "Hydraulics", "Pumps", "Valves", "Lighting", "Ceramics", "Cosmetics", "Fashion", "Footwear", "Jewellery",
    "Toys", "Books", "Music", "Studios", "Analytics", "Data", "Networks", "Telecom", "Cables", "Batteries",
    "Aerospace", "Rail", "Shipping", "Storage", "Cleaning", "Facilities", "Recruitment", "Training", "Insurance",
    "Finance", "Properties", "Construction", "Concrete", "Stone", "Paints", "Coatings", "Filters", "Sensors",
    "Instruments", "Diagnostics", "Veterinary", "Organics", "Brewing", "Distillers", "Seafood", "Meats", "Produce",
    "Florists", "Nurseries", "Outdoor", "Cycles",
]
