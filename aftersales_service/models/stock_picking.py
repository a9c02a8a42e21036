from odoo import fields, models
from odoo.exceptions import UserError

from ..selections import RMA_PICKING_ROLES
from .aftersales_protected_fields_mixin import as_workflow, check_frozen


class StockPicking(models.Model):
    _name = "stock.picking"
    _inherit = ["stock.picking", "aftersales.delivery.mixin", "aftersales.rma.mixin"]
    _aftersales_delivery_field = "picking_id"
    _aftersales_rma_links = (
        ("stock.picking", "id", "aftersales_rma_id"),
        ("aftersales.rma.line", "delivery_record_id.picking_id", "rma_id"),
    )

    # Fields -----------------------------------------------------------------------------------

    aftersales_delivery_record_ids = fields.One2many(
        "aftersales.delivery.record",
        "picking_id",
        string="Delivery Records",
        groups="aftersales_service.group_aftersales_user",
    )
    # Set by the RMA's workflow only (docs/security.md §2); a backorder, Odoo's copy of the transfer, stays on the RMA
    # in the same role.
    aftersales_rma_id = fields.Many2one("aftersales.rma", string="RMA", index="btree_not_null", readonly=True, copy=True)
    aftersales_rma_role = fields.Selection(RMA_PICKING_ROLES, string="RMA Role", readonly=True, copy=True)

    # CRUD -------------------------------------------------------------------------------------

    def write(self, vals):
        check_frozen(self, vals, ("aftersales_rma_id", "aftersales_rma_role"))
        return super().write(vals)

    def unlink(self):
        # Checked before Odoo cancels the transfer's moves, which would cancel the RMA first.
        self._check_aftersales_rma_unlink()
        return super().unlink()

    def _check_aftersales_rma_unlink(self):
        """The transfers of an RMA go with the RMA: cancel the RMA instead (docs/security.md §4)."""
        if any(picking_sudo.aftersales_rma_id.state not in (False, "cancel") for picking_sudo in self.sudo()):
            raise UserError(self.env._("A transfer of an open RMA cannot be deleted; cancel the RMA instead."))

    # Actions ----------------------------------------------------------------------------------

    def action_aftersales_create_rma(self):
        """Start an RMA for the units of this delivery, prefilled (docs/rma.md §2)."""
        self.ensure_one()
        return self.env["aftersales.rma"]._action_create_for(self.aftersales_delivery_record_ids)

    def action_aftersales_record_acceptance(self):
        """Record the customer's acceptance and the documents handed over (docs/delivery-records.md §3)."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Customer Acceptance"),
            "res_model": "aftersales.delivery.acceptance",
            "view_mode": "form",
            "target": "new",
            "context": {"default_picking_id": self.id},
        }

    def button_validate(self):
        # Two users validating transfers of one RMA at once: the second is told before anything is written.
        rmas_sudo = self.sudo().aftersales_rma_id
        rmas_sudo._lock_for_transition()
        return super(StockPicking, self.with_context(aftersales_locked_rma_ids=rmas_sudo.ids)).button_validate()

    # Business rules ---------------------------------------------------------------------------

    def _action_done(self):
        # The warehouse validates; the RMA moves on whatever the warehouse user may do on RMAs. Its rows are
        # locked first, unless the button did already: no other transaction changes it meanwhile.
        rmas_sudo = self.sudo().aftersales_rma_id
        (rmas_sudo - rmas_sudo.browse(self.env.context.get("aftersales_locked_rma_ids", ())))._lock_for_transition()
        res = super()._action_done()
        if rmas_sudo:
            self.sudo()._aftersales_link_next_steps()
            rmas_sudo._transfers_validated(self.sudo().filtered("aftersales_rma_id"))
        return res

    def _aftersales_link_rma(self, rma, role):
        """These transfers are ``rma``'s, in ``role``."""
        as_workflow(self).write({"aftersales_rma_id": rma.id, "aftersales_rma_role": role})

    def _aftersales_link_next_steps(self):
        """The transfers the next step of a replacement's route made once this one was done (pack after pick, ship
        after pack) are the RMA's replacement too (docs/rma.md §7)."""
        for picking in self.filtered(lambda picking: picking.aftersales_rma_role == "replacement"):
            picking.move_ids.move_dest_ids.picking_id.filtered(
                lambda step: not step.aftersales_rma_id
            )._aftersales_link_rma(picking.aftersales_rma_id, "replacement")

    def _aftersales_deliveries(self):
        """The RMA's transfers that take goods to the customer: its returns, and the last step of its replacements'
        route (docs/rma.md §7)."""
        return self.filtered(
            lambda picking: picking.aftersales_rma_role in ("replacement", "return")
            and picking.location_dest_id.usage == "customer"
        )

