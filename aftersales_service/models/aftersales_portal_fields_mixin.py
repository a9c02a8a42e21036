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
        # Every field read of a user comes here: one set lookup first, the user's groups (cached per server) only
        # for a hidden field.
        if field.name in self._portal_hidden_names() and not (
            self.env.su or self.env.user.has_group("base.group_user")
        ):
            return False
        return super()._has_field_access(field, operation)

    def _portal_hidden_names(self):
        """The names of the model's hidden fields, worked out once per registry."""
        names = type(self).__dict__.get("_aftersales_portal_hidden")
        if names is None:
            names = frozenset(
                name for name in self._fields
                if name in self._portal_hidden_fields or name.startswith(self._portal_hidden_prefixes)
            )
            type(self)._aftersales_portal_hidden = names
        return names
