"""How the OpenAPI schema is generated (drf-spectacular's settings): its title, the hooks that
add our error answers, and one component name per enum that two apps would otherwise share."""

API_SCHEMA_SETTINGS = {
    "TITLE": "Invoicing API",
    "DESCRIPTION": (
        "Invoices with Dominican fiscal numbers (NCF), contacts, products, taxes and payments. "
        "Authenticate with `Authorization: Bearer <api key>`. The guide: [/docs/](/docs/)."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "invoicing.core.api.schema.add_error_responses",
        "invoicing.core.api.schema.integer_path_ids",
    ],
    "ENUM_NAME_OVERRIDES": {
        "ContactKindEnum": "invoicing.contacts.models.ContactKind",
        "TaxKindEnum": "invoicing.fiscal.models.TaxKind",
        "MovementKindEnum": "invoicing.products.models.MovementKind",
        "InvoiceStatusEnum": "invoicing.invoices.models.InvoiceStatus",
        "QuotationStatusEnum": "invoicing.quotations.models.QuotationStatus",
        "DocumentTypeEnum": "invoicing.fiscal.models.DocumentType",
        "WebhookEventEnum": "invoicing.webhooks.models.EVENT_TYPES",
        # Two apps each have a delivery status; each gets its own schema component.
        "WebhookDeliveryStatusEnum": "invoicing.webhooks.models.DeliveryStatus",
        "EmailDeliveryStatusEnum": "invoicing.outreach.models.DeliveryStatus",
        "PaymentMethodEnum": "invoicing.invoices.models.PaymentMethod",
        "WithholdingKindEnum": "invoicing.invoices.models.WithholdingKind",
    },
}
