from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .aftersales_protected_fields_mixin import check_frozen


class StockMove(models.Model):
    _inherit = "stock.move"

    # Fields -----------------------------------------------------------------------------------

    # Set by the RMA's workflow only (docs/security.md §2); the backorder or split of a unit's move, Odoo's copy of it,
    # carries it on.
    aftersales_rma_line_id = fields.Many2one(
        "aftersales.rma.line", string="RMA Line", index="btree_not_null", copy=True, readonly=True
    )
    # The inverse of the records' link: a write on a move finds the records to recompute in the cache.
    aftersales_delivery_record_ids = fields.One2many(
        "aftersales.delivery.record", "move_id", string="Delivery Records",
        groups="aftersales_service.group_aftersales_user",
    )
    aftersales_customer_processed = fields.Boolean(
        string="Customer-Processed Part",
        help="This part replaces or repairs a part the customer had processed: its material is charged even "
             "in a warranty repair.",
    )

    # Constraints ------------------------------------------------------------------------------

    @api.constrains("product_uom_qty", "quantity", "repair_id")
    def _check_aftersales_part_quantity(self):
        """A part of an after-sales repair is used, never given back through a negative quantity: the repair is
        confirmed by the workflow, past Odoo's own check of its draft (docs/rma.md §8)."""
        parts = self.filtered(lambda move: move.repair_id.aftersales_charge_mode)
        if any(move.product_uom_qty < 0 or move.quantity < 0 for move in parts):
            raise ValidationError(self.env._("The quantity of a part is zero or more."))

    # CRUD -------------------------------------------------------------------------------------

    def write(self, vals):
        check_frozen(self, vals, ("aftersales_rma_line_id",))
        return super().write(vals)

    # Business rules ---------------------------------------------------------------------------

    def _prepare_repair_so_line_vals(self):
        """A part is quoted as the after-sales repair charges it: free in warranty, and in a warranty repair
        charged for materials only when the customer had processed it (docs/rma.md §8)."""
        vals = super()._prepare_repair_so_line_vals()
        if not self._aftersales_charged():
            vals["price_unit"] = 0.0
        return vals

    def _aftersales_charged(self):
        """Whether this part of an after-sales repair is charged to the customer (docs/rma.md §8)."""
        self.ensure_one()
        return self.env["aftersales.repair.charge"]._part_charged(
            self.repair_id.aftersales_charge_mode, self.aftersales_customer_processed
        )

    def _get_available_move_lines(self, assigned_moves_ids, partially_available_moves_ids):
        """The return of an RMA unit reserves that unit's own serial or lot, not the next one the delivery
        shipped (docs/rma.md §3); each step of its replacement takes the new unit the step before brought
        (docs/rma.md §7)."""
        available = super()._get_available_move_lines(assigned_moves_ids, partially_available_moves_ids)
        lot = self.origin_returned_move_id and self.aftersales_rma_line_id.lot_id
        if lot:
            available = {key: quantity for key, quantity in available.items() if key[1] == lot}
        return available

    def _prepare_merge_moves_distinct_fields(self):
        """Each returned unit keeps its own move, so its receipt and return can be followed (docs/rma.md §3)."""
        return super()._prepare_merge_moves_distinct_fields() + ["aftersales_rma_line_id"]

    def _action_cancel(self):
        res = super()._action_cancel()
        # Whoever cancels a receipt closes it for the RMA, whatever they may do on RMAs.
        lines_sudo = self.sudo().aftersales_rma_line_id
        if lines_sudo:
            rmas_sudo = lines_sudo.rma_id
            lines_sudo._close_short_receipts()
            rmas_sudo._receipts_progress()
        return res

    def _action_done(self, cancel_backorder=False):
        done_moves = super()._action_done(cancel_backorder=cancel_backorder)
        done_moves._aftersales_record_customer_deliveries()
        self.env["aftersales.delivery.record"]._returns_changed(done_moves.move_line_ids)
        return done_moves

    def _aftersales_returned_delivery(self):
        """The delivery to a customer this move brings back from them, or whose return it sends back to them; an
        empty move for any other (docs/delivery-records.md §4)."""
        self.ensure_one()
        origin = self.origin_returned_move_id
        if self.location_id.usage == "customer" and origin.location_dest_id.usage == "customer":
            return origin
        if self.location_dest_id.usage == "customer" and origin.location_id.usage == "customer":
            return origin.origin_returned_move_id
        return self.browse()

    def _aftersales_record_customer_deliveries(self):
        """Goods that leave for a customer location get one delivery record per move line; goods the
        customer had returned and now get back keep their record (docs/delivery-records.md §1)."""
        leaving = self.filtered(
            lambda move: move.state == "done"
            and move.location_dest_id.usage == "customer"
            and move.location_id.usage != "customer"
            and move.origin_returned_move_id.location_id.usage != "customer"
        )
        if leaving:
            # Whoever ships the goods records them, whatever they may read of the order behind them.
            self.env["aftersales.delivery.record"].sudo()._create_from_move_lines(leaving.move_line_ids.sudo())
