from odoo import fields, models


def window_action(env, xmlid, domain):
    """The window action ``xmlid`` restricted to ``domain``, for a smart button."""
    action = env["ir.actions.act_window"]._for_xml_id(xmlid)
    action.update(domain=domain, context={"create": False})
    return action


class AftersalesDeliveryMixin(models.AbstractModel):
    """Smart button to the delivery records of a partner, order, transfer or serial number."""

    _name = "aftersales.delivery.mixin"
    _description = "Smart Button to Delivery Records"

    # Field of aftersales.delivery.record that points to the inheriting model.
    _aftersales_delivery_field = None

    aftersales_delivery_count = fields.Integer(
        compute="_compute_aftersales_delivery_count",
        string="Delivery Record Count",
        groups="aftersales_service.group_aftersales_user",
    )

    def _aftersales_delivery_key(self):
        """The records the delivery records point to (a partner counts its commercial entity)."""
        return self

    def _compute_aftersales_delivery_count(self):
        field = self._aftersales_delivery_field
        counts = dict(
            self.env["aftersales.delivery.record"]._read_group(
                [(field, "in", self._aftersales_delivery_key().ids)], [field], ["__count"]
            )
        )
        for record in self:
            record.aftersales_delivery_count = counts.get(record._aftersales_delivery_key(), 0)

    def action_view_aftersales_deliveries(self):
        self.ensure_one()
        return window_action(
            self.env,
            "aftersales_service.action_aftersales_delivery_record",
            [(self._aftersales_delivery_field, "=", self._aftersales_delivery_key().id)],
        )
