from odoo import api, fields, models
from odoo.fields import Domain
from odoo.tools import SQL


class StockLot(models.Model):
    _name = "stock.lot"
    _inherit = ["stock.lot", "aftersales.delivery.mixin"]
    _aftersales_delivery_field = "lot_id"

    aftersales_delivery_record_ids = fields.One2many(
        "aftersales.delivery.record", "lot_id", string="Delivery Records",
        groups="aftersales_service.group_aftersales_user",
    )

    aftersales_service_history = fields.Html(
        string="Service History", compute="_compute_aftersales_service_history", sanitize=False,
        groups="aftersales_service.group_aftersales_user",
        help="Everything that happened to the units of this number we delivered, oldest first.",
    )

    # A serial number typed by a person is found whatever its case (docs/warranty.md §5).
    _lower_name_idx = models.Index("(lower(name))")

    # Computes ---------------------------------------------------------------------------------

    def _compute_aftersales_service_history(self):
        """The history of the units of this number we delivered (docs/recalls.md §1)."""
        history = self.env["aftersales.unit.history"]
        for lot in self:
            lot.aftersales_service_history = history._render(lot.aftersales_delivery_record_ids) if lot.id else False

    # Business rules ---------------------------------------------------------------------------

    @api.model
    def _aftersales_serial_domain(self, serial):
        """The lots named ``serial`` as a person types it: in any case, without the spaces around it, looked up
        through the index on the lower-case name (docs/warranty.md §5)."""
        serial = (serial or "").strip()
        return Domain.custom(to_sql=lambda model, alias, query: SQL(
            "lower(%s) = lower(%s)", model._field_to_sql(alias, "name", query), serial,
        ))

    @api.model
    def _search_display_name(self, operator, value):
        """A serial typed in a lot field is searched without the spaces around it (docs/warranty.md §5)."""
        if isinstance(value, str):
            value = value.strip()
        return super()._search_display_name(operator, value)

    # Actions ----------------------------------------------------------------------------------

    def action_aftersales_check_warranty(self):
        """Open the warranty check on this serial number."""
        self.ensure_one()
        return self.env["aftersales.warranty.check.wizard"]._action_open({"default_lot_name": self.name})
