"""Word lists and weights from which ``storage.seed`` builds benchmark records.

Weights are relative, for ``random.Random.choices``. The lists are invented for this
project: company and person names are made up, and every email address and web site is
under ``example.com``.
"""

from __future__ import annotations

from partners_api.domain.enums import CustomerState, PartnerState

# Country code (ISO 3166-1 alpha-2, lower case), relative weight, language and time zone
# of the members who live there.
COUNTRIES: tuple[tuple[str, int, str, str], ...] = (
    ("us", 30, "en", "America/New_York"),
    ("ca", 6, "en", "America/Toronto"),
    ("gb", 8, "en", "Europe/London"),
    ("de", 7, "de", "Europe/Berlin"),
    ("fr", 6, "fr", "Europe/Paris"),
    ("es", 5, "es", "Europe/Madrid"),
    ("it", 4, "it", "Europe/Rome"),
    ("nl", 3, "nl", "Europe/Amsterdam"),
    ("se", 2, "sv", "Europe/Stockholm"),
    ("pl", 2, "pl", "Europe/Warsaw"),
    ("br", 5, "pt", "America/Sao_Paulo"),
    ("mx", 4, "es", "America/Mexico_City"),
    ("ar", 2, "es", "America/Argentina/Buenos_Aires"),
    ("au", 4, "en", "Australia/Sydney"),
    ("in", 5, "en", "Asia/Kolkata"),
    ("jp", 3, "ja", "Asia/Tokyo"),
    ("za", 2, "en", "Africa/Johannesburg"),
    ("ie", 1, "en", "Europe/Dublin"),
)

# How many countries an account serves: 1, 2 or 3.
ACCOUNT_COUNTRY_COUNT_WEIGHTS = (75, 18, 7)

ACCOUNT_STATE_WEIGHTS: tuple[tuple[PartnerState, int], ...] = (
    (PartnerState.ACTIVE, 85),
    (PartnerState.PENDING, 8),
    (PartnerState.SUSPENDED, 7),
)

CUSTOMER_STATE_WEIGHTS: tuple[tuple[CustomerState, int], ...] = (
    (CustomerState.TRIALING, 22),
    (CustomerState.ACTIVE, 63),
    (CustomerState.PAST_DUE, 5),
    (CustomerState.SUSPENDED, 4),
    (CustomerState.CANCELED, 6),
)

# Plans of customers past their trial; Trialing customers have the configured trial plan.
PAID_PLAN_WEIGHTS: tuple[tuple[str, int], ...] = (
    ("ent-4sc-m", 30),
    ("ent-4sc-y", 20),
    ("pro-2sc-m", 25),
    ("pro-2sc-y", 10),
    ("basic-1sc-m", 15),
)

# Weight of the default partner level. Each other configured level weighs half as much
# as the one before it, starting from half of this.
DEFAULT_LEVEL_WEIGHT = 70

# The share of partners with no distributor, and of customers owned by a distributor
# directly instead of by one of its partners.
STANDALONE_PARTNER_SHARE = 0.05
DISTRIBUTOR_CUSTOMER_SHARE = 0.10

# Accented and non-Latin words make name_key() do real case folding and normalisation.
COMPANY_FIRST_WORDS = (
    "Acme", "Apex", "Blue", "Bright", "Cedar", "Clear", "Coastal", "Crown", "Delta",
    "Eagle", "Echo", "Élan", "First", "Global", "Golden", "Granite", "Harbor", "Horizon",
    "Iron", "Keystone", "Liberty", "Lumen", "Maple", "Meridian", "Müller", "Nordic",
    "North", "Nova", "Oak", "Orbit", "Pacific", "Peak", "Pine", "Pioneer", "Prime",
    "Quantum", "River", "Royal", "Sierra", "Silver", "Solar", "Summit", "Swift", "Terra",
    "Tri-State", "Union", "Vector", "Vista", "West", "Zenith", "Ōkami", "Søndre",
)  # fmt: skip

COMPANY_SECOND_WORDS = (
    "Analytics", "Cloud", "Communications", "Connect", "Consulting", "Data", "Digital",
    "Dynamics", "Networks", "Outsourcing", "Partners", "Services", "Solutions",
    "Systems", "Tech", "Telecom", "Voice", "Works",
)  # fmt: skip

COMPANY_SUFFIXES = ("", "", "", " Inc.", " LLC", " Ltd", " GmbH", " S.A.", " B.V.", " AG")

DISTRIBUTOR_SECOND_WORDS = ("Distribution", "Channel", "Wholesale", "Supply", "Telecom Group")

FIRST_NAMES = (
    "Ada", "Alex", "Amir", "Ana", "Ben", "Carla", "Chen", "Dana", "David", "Elena",
    "Emma", "Farah", "Felix", "Grace", "Hana", "Ivan", "Jonas", "Julia", "Kai", "Laura",
    "Leo", "Lina", "Marco", "Maya", "Nadia", "Noah", "Omar", "Priya", "Rafael", "Rosa",
    "Sam", "Sara", "Tom", "Yuki", "Zoe",
)  # fmt: skip

LAST_NAMES = (
    "Alvarez", "Baker", "Brown", "Costa", "Dubois", "Evans", "Fischer", "Garcia", "Hansen",
    "Ito", "Jensen", "Khan", "Kowalski", "Lee", "Martin", "Meyer", "Novak", "Okafor",
    "Patel", "Reed", "Rossi", "Santos", "Schmidt", "Silva", "Smith", "Tanaka", "Taylor",
    "Walker", "Wang", "Young",
)  # fmt: skip
