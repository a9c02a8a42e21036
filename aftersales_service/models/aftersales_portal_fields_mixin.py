from odoo import models


class AftersalesPortalFieldsMixin(models.AbstractModel):
    """The fields a customer reads, by the portal or by RPC; every other field is hidden from them: what our people
    found, decided among themselves, cost or noted, and any field added later until it is listed (docs/portal.md §7).
    The portal pages show no hidden field either; this is the model's own guard.

    Each inheriting model lists its readable fields in ``_portal_readable_fields``; the declarations of a model's
    classes add up, so an addon extending a model lists only the fields it adds that customers read. Readable on
    every model: the record's identity and log, and its conversation with the customer.
    """

    _name = "aftersales.portal.fields.mixin"
    _description = "After-Sales Fields Customers Read"

    _portal_readable_fields = (
        "id", "display_name", "create_date", "create_uid", "write_date", "write_uid",
        # The customer's side of the conversation and of the document's link (mail.thread, portal.mixin).
        "access_url", "access_token", "access_warning", "website_message_ids", "message_ids", "message_partner_ids",
        "message_follower_ids", "message_is_follower", "message_needaction", "message_needaction_counter",
        "message_attachment_count", "message_has_error", "message_has_error_counter", "message_has_sms_error",
        "has_message",
    )

    def _has_field_access(self, field, operation):
        # Every field read of a user comes here: one set lookup first, the user's groups (cached per server) only
        # for a field customers do not read.
        if field.name not in self._portal_readable_names() and not (
            self.env.su or self.env.user.has_group("base.group_user")
        ):
            return False
        return super()._has_field_access(field, operation)

    def _portal_readable_names(self):
        """The names of the fields customers read, over the model's classes, worked out once per registry."""
        names = type(self).__dict__.get("_aftersales_portal_readable")
        if names is None:
            names = frozenset().union(*(
                cls.__dict__["_portal_readable_fields"] for cls in type(self).__mro__
                if "_portal_readable_fields" in cls.__dict__
            ))
            type(self)._aftersales_portal_readable = names
        return names
