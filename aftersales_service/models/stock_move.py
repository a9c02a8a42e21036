from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL


class StockMove(models.Model):
    _name = "stock.move"
    _inherit = ["stock.move", "aftersales.protected.fields.mixin"]
    _frozen_fields = ("aftersales_rma_line_id",)

    # Fields -----------------------------------------------------------------------------------

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
        confirmed by the workflow, past Odoo's own check of its draft (docs/rma.md §8, docs/field-service.md §5)."""
        parts = self.filtered(lambda move: move.repair_id.aftersales_charge_mode)
        if any(move.product_uom_qty < 0 or move.quantity < 0 for move in parts):
            raise ValidationError(self.env._("The quantity of a part is zero or more."))

    # Business rules ---------------------------------------------------------------------------

    def _prepare_repair_so_line_vals(self):
        """A part is quoted as the after-sales repair charges it: free in warranty, and in a warranty repair
        charged for materials only when the customer had processed it (docs/rma.md §8). An on-site repair's parts
        are quoted at the quantity used and the price the visit's fee told the customer (docs/field-service.md §5)."""
        vals = super()._prepare_repair_so_line_vals()
        if not self._aftersales_charged():
            vals["price_unit"] = 0.0
        elif self.repair_id.aftersales_dispatch_line_id:
            vals.update(product_uom_qty=self._aftersales_used_quantity(), price_unit=self.product_id.lst_price)
        return vals

    def _aftersales_charged(self):
        """Whether this part of an after-sales repair is charged to the customer (docs/rma.md §8)."""
        self.ensure_one()
        mode = self.repair_id.aftersales_charge_mode
        return mode != "free" and (mode != "materials" or self.aftersales_customer_processed)

    def _aftersales_used_quantity(self):
        """What the part consumes: the quantity used the technician typed, else at least the demand."""
        self.ensure_one()
        return self.quantity if self.state == "done" else max(self.quantity, self.product_uom_qty)

    def _aftersales_part_fee(self):
        """The part on the visit's fee: the quantity used at the sales price, when charged
        (docs/field-service.md §5)."""
        self.ensure_one()
        return self._aftersales_used_quantity() * self.product_id.lst_price if self._aftersales_charged() else 0.0

    def _aftersales_check_van_stock(self):
        """Parts used on site come out of the van: what the technician used, or at least asked for, is all there
        and not held for another visit, or nothing moves (docs/field-service.md §5)."""
        asked = defaultdict(float)
        for move in self:
            asked[move.location_id, move.product_id] += move.product_uom._compute_quantity(
                move._aftersales_used_quantity(), move.product_id.uom_id
            )
        missing = []
        for location, parts in self.grouped("location_id").items():
            products = parts.product_id
            domain = [("location_id", "child_of", location.id), ("product_id", "in", products.ids)]
            # The van's stock of these parts, locked: two visits finishing from one van take turns.
            quants = self.env["stock.quant"].sudo().search(domain, order="id")
            if quants:
                self.env.cr.execute(SQL("SELECT id FROM stock_quant WHERE id IN %s ORDER BY id FOR UPDATE",
                                        tuple(quants.ids)))
            held_elsewhere = self.env["stock.move.line"].sudo().search([
                *domain, ("state", "not in", ("done", "cancel")), ("move_id", "not in", self.ids),
            ])
            for product in products:
                held = sum(quants.filtered(lambda quant, product=product: quant.product_id == product).mapped("quantity"))
                held -= sum(held_elsewhere.filtered(
                    lambda line, product=product: line.product_id == product
                ).mapped("quantity_product_uom"))
                if product.uom_id.compare(asked[location, product], held) > 0:
                    missing.append(self.env._(
                        "%(part)s (%(asked)s asked, %(held)s in the van)",
                        part=product.display_name, asked=f"{asked[location, product]:g}", held=f"{max(held, 0.0):g}",
                    ))
        if not missing:
            # What is there but not reserved yet is taken now: the repair consumes what the fee counts.
            self.filtered(lambda move: move.product_uom.compare(move.quantity, move.product_uom_qty) < 0)._action_assign()
            missing = [
                self.env._(
                    "%(part)s (%(asked)s asked, %(held)s in the van)",
                    part=move.product_id.display_name, asked=f"{move.product_uom_qty:g}", held=f"{move.quantity:g}",
                )
                for move in self if move.product_uom.compare(move.quantity, move.product_uom_qty) < 0
            ]
        if missing:
            raise UserError(self.env._(
                "Not in the van: %(parts)s. Take what is there, or record the outcome as waiting for parts.",
                parts=", ".join(missing),
            ))

    def _get_available_move_lines(self, assigned_moves_ids, partially_available_moves_ids):
        """The return of an RMA unit reserves that unit's own serial or lot, not the next one the delivery
        shipped (docs/rma.md §3)."""
        available = super()._get_available_move_lines(assigned_moves_ids, partially_available_moves_ids)
        lot = self.aftersales_rma_line_id.lot_id
        if lot:
            available = {key: quantity for key, quantity in available.items() if key[1] == lot}
        return available

    def _prepare_merge_moves_distinct_fields(self):
        """Each returned unit keeps its own move, so its receipt and return can be followed (docs/rma.md §3)."""
        return super()._prepare_merge_moves_distinct_fields() + ["aftersales_rma_line_id"]

    def _action_cancel(self):
        res = super()._action_cancel()
        # Whoever cancels a receipt closes it for the RMA, whatever they may do on RMAs.
        lines = self.sudo().aftersales_rma_line_id
        if lines:
            rmas = lines.rma_id
            lines._close_short_receipts()
            rmas._receipts_progress()
        return res

    def _action_done(self, cancel_backorder=False):
        done_moves = super()._action_done(cancel_backorder=cancel_backorder)
        done_moves._aftersales_record_customer_deliveries()
        return done_moves

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
