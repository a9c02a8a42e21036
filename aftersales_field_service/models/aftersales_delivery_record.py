from odoo import api, fields, models


class AftersalesDeliveryRecord(models.Model):
    _inherit = "aftersales.delivery.record"
    _workflow_fields = ("installed_on", "installed_by_id", "installation_order_id")
    _portal_readable_fields = ("installed_on", "installed_by_id", "installation_order_id")

    # Fields -----------------------------------------------------------------------------------

    installed_on = fields.Date(readonly=True, copy=False, help="The day the customer accepted the installation.")
    installed_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    installation_order_id = fields.Many2one(
        "aftersales.dispatch.order", string="Installation", readonly=True, copy=False, index="btree_not_null",
    )

    # Business rules ---------------------------------------------------------------------------

    @api.model
    def _bulk_insert_left_empty(self):
        """A unit is delivered before it is installed (docs/delivery-records.md §1)."""
        return super()._bulk_insert_left_empty() | {"installed_on", "installed_by_id", "installation_order_id"}

    def _installation_accepted(self, order):
        """Hook of an accepted installation: the units are installed on that day by its technician; the warranty of
        products that need installation starts then when the company says so (docs/field-service.md §10,
        docs/warranty.md §4)."""
        day = order.company_id._aftersales_date(order.accepted_on)
        values = {"installed_on": day, "installed_by_id": order.technician_user_id.id, "installation_order_id": order.id}
        starting = self.filtered(lambda record: record.product_id.aftersales_needs_installation) if (
            order.company_id.aftersales_warranty_from_installation
        ) else self.browse()
        (self - starting)._workflow().write(values)
        starting._workflow().write({**values, "warranty_start_date": day})
