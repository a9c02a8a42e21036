from odoo import fields, models
from odoo.fields import Command


class AftersalesRecall(models.Model):
    _inherit = "aftersales.recall"

    # Fields -----------------------------------------------------------------------------------

    dispatch_order_ids = fields.One2many("aftersales.dispatch.order", "recall_id", string="Visits")
    dispatch_count = fields.Integer(compute="_compute_dispatch_count", string="Visit Count")

    # Computes ---------------------------------------------------------------------------------

    def _compute_dispatch_count(self):
        counts = dict(self.env["aftersales.dispatch.order"]._read_group(
            [("recall_id", "in", self.ids)], ["recall_id"], ["__count"]
        ))
        for recall in self:
            recall.dispatch_count = counts.get(recall, 0)

    # Actions ----------------------------------------------------------------------------------

    def action_view_dispatch_orders(self):
        self.ensure_one()
        return self._action_documents("aftersales.dispatch.order", self.dispatch_order_ids, self.env._("Visits"))

    # Business rules ---------------------------------------------------------------------------

    def _prepare_dispatch_values(self, customer, site, units):
        """The visit that remedies ``units`` of ``customer`` at ``site`` on the spot (docs/recalls.md §7)."""
        self.ensure_one()
        return {
            "origin": "recall",
            "recall_id": self.id,
            "company_id": self.company_id.id,
            "partner_id": customer.id,
            # A unit delivered to an address of another company is visited at the customer's.
            "site_partner_id": site.id if site != customer and site.commercial_partner_id == customer else False,
            "service_type": "inspection" if self.remedy == "inspect" else "repair",
            "call_date": fields.Datetime.now(),
            "call_subject": self.env._("Recall %(recall)s: %(title)s", recall=self.name, title=self.title),
            "line_ids": [
                Command.create({"delivery_record_id": record.id, "recall_work": True})
                for record in units.delivery_record_id
            ],
        }
