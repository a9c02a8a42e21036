from odoo import models


class AftersalesPortalFieldsMixin(models.AbstractModel):
    """Fields a customer never reads, by the portal or by RPC: what our people found, decided among themselves,
    cost or noted (docs/portal.md §7). The portal pages show none of them either; this is the model's own guard.

    Each inheriting model lists them in ``_portal_hidden_fields``. Hidden on every model: the activities, our
    internal to-dos, and the ``can_*`` flags of the back office's buttons (the portal pages ask the model).
    """

    _name = "aftersales.portal.fields.mixin"
    _description = "After-Sales Fields Hidden from Customers"

    _portal_hidden_fields = ()
    _portal_hidden_prefixes = ("activity_", "my_activity_", "can_")

    def _has_field_access(self, field, operation):
        if not super()._has_field_access(field, operation):
            return False
        # Every field read of a user comes here: the cheap test first, then the user's groups, cached per server.
        if field.name not in self._portal_hidden_fields and not field.name.startswith(self._portal_hidden_prefixes):
            return True
        return self.env.su or self.env.user.has_group("base.group_user")
