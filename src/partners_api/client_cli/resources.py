"""Descriptions of the API's collections for the commands: client methods, request
model, table columns and the options that set body fields."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from partners_api.client import Created, PartnersClient
from partners_api.client.models import APIModel
from partners_api.client_cli.tables import CUSTOMER_COLUMNS, PARTNER_COLUMNS, Column
from partners_api.domain.schemas import CustomerCreate, PartnerCreate


@dataclass(frozen=True)
class FieldOption:
    """A ``create`` option that sets one body field."""

    option: str
    field: str  # dotted path in the body, such as contactData.web
    help: str
    multiple: bool = False
    integer: bool = False

    @property
    def parameter(self) -> str:
        return self.option.removeprefix("--").replace("-", "_")


ListMethod = Callable[..., Iterator[APIModel]]


@dataclass(frozen=True)
class Resource:
    """One of the API's collections, ``partners`` or ``customers``."""

    name: str
    singular: str
    request_model: type[BaseModel]
    table_columns: tuple[Column, ...]
    # Dotted columns that a CSV export always has, because the API leaves their keys
    # out of some objects.
    csv_extra_columns: tuple[str, ...]
    # Body fields whose values must differ between the rows of one import.
    unique_fields: tuple[str, ...]
    field_options: tuple[FieldOption, ...]

    def list_items(self, client: PartnersClient, **query: Any) -> Iterator[APIModel]:
        method: ListMethod = getattr(client, f"list_{self.name}")
        return method(**query)

    def get_item(self, client: PartnersClient, item_id: str) -> APIModel:
        method: Callable[[str], APIModel] = getattr(client, f"get_{self.singular}")
        return method(item_id)

    def create_item(
        self, client: PartnersClient, body: Mapping[str, object], idempotency_key: str | None
    ) -> Created[Any]:
        method: Callable[..., Created[Any]] = getattr(client, f"create_{self.singular}_result")
        return method(body, idempotency_key=idempotency_key)


_COMMON_PERSON_OPTIONS = (
    FieldOption("--email", "email", "Email of the first member; unique across all members."),
    FieldOption("--first-name", "firstName", "First name of the first member."),
    FieldOption("--last-name", "lastName", "Last name of the first member."),
    FieldOption("--language", "languageId", "ISO 639-1 language of the member, such as en."),
    FieldOption("--time-zone", "timeZoneId", "IANA time zone of the member, such as US/Eastern."),
)

PARTNERS = Resource(
    name="partners",
    singular="partner",
    request_model=PartnerCreate,
    table_columns=PARTNER_COLUMNS,
    csv_extra_columns=(
        "signUpData.comments",
        "signUpData.websiteUrl",
        "logo.file",
        "logo.maxHeight",
    ),
    unique_fields=("email", "code"),
    field_options=(
        FieldOption("--name", "partnerName", "Name of the partner (partnerName)."),
        *_COMMON_PERSON_OPTIONS,
        FieldOption("--code", "code", "Unique code: lower-case letters, digits and hyphens."),
        FieldOption("--level", "level", "Partner level, such as Basic or Certified."),
        FieldOption(
            "--country",
            "countryIds",
            "ISO 3166-1 alpha-2 country of the partner; repeat for several.",
            multiple=True,
        ),
        FieldOption("--web", "contactData.web", "Public web site URL (contactData.web)."),
        FieldOption("--contact-email", "contactData.email", "Public email (contactData.email)."),
        FieldOption("--phone", "contactData.phone", "Public phone number in international form."),
        FieldOption("--logo-file", "logo.file", "File name of the logo (logo.file)."),
        FieldOption(
            "--logo-max-height",
            "logo.maxHeight",
            "Height to show the logo at, in pixels, 1 to 1000 (logo.maxHeight).",
            integer=True,
        ),
    ),
)

CUSTOMERS = Resource(
    name="customers",
    singular="customer",
    request_model=CustomerCreate,
    table_columns=CUSTOMER_COLUMNS,
    csv_extra_columns=("signUpData.websiteUrl", "partnerMemberIdForCustomerSupport"),
    unique_fields=("email",),
    field_options=(
        FieldOption("--name", "customerName", "Name of the customer (customerName)."),
        *_COMMON_PERSON_OPTIONS,
        FieldOption("--country", "countryId", "ISO 3166-1 alpha-2 country, such as us."),
        FieldOption("--website", "websiteUrl", "Web site URL of the customer."),
        FieldOption("--phone", "phoneNumber", "Phone number of the member in international form."),
        FieldOption(
            "--partner", "partnerId", "Id of the owning account: the key's own or a partner's."
        ),
        FieldOption(
            "--support-member",
            "partnerMemberIdForCustomerSupport",
            "Id of a member of the owning account who supports the customer.",
        ),
    ),
)
