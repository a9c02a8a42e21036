from collections import defaultdict

from odoo import models
from odoo.exceptions import UserError
from odoo.tools import SQL


class StockMove(models.Model):
    _inherit = "stock.move"

    # Business rules ---------------------------------------------------------------------------

    def _prepare_repair_so_line_vals(self):
        """An on-site repair's charged parts are quoted at the quantity used; the quotation prices them for its
        customer, as the visit's fee did (docs/field-service.md §5)."""
        vals = super()._prepare_repair_so_line_vals()
        if self.repair_id.aftersales_dispatch_line_id and self._aftersales_charged():
            vals["product_uom_qty"] = self._aftersales_used_quantity()
        return vals

    def _aftersales_used_quantity(self):
        """What the part consumes: the quantity used the technician typed, else at least the demand."""
        self.ensure_one()
        return self.quantity if self.state == "done" else max(self.quantity, self.product_uom_qty)

    def _aftersales_part_fee(self):
        """The part on the visit's fee: the quantity used at the customer's price, as the quotation prices it, when
        charged (docs/field-service.md §5)."""
        self.ensure_one()
        if not self._aftersales_charged():
            return 0.0
        quantity = self._aftersales_used_quantity()
        return quantity * self.env["aftersales.repair.charge"]._customer_price(
            self.product_id, self.repair_id.partner_id, self.repair_id.company_id, quantity
        )

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
            quants_sudo = self.env["stock.quant"].sudo().search(domain, order="id")
            if quants_sudo:
                self.env.cr.execute(SQL("SELECT id FROM stock_quant WHERE id IN %s ORDER BY id FOR UPDATE",
                                        tuple(quants_sudo.ids)))
            held_elsewhere_sudo = self.env["stock.move.line"].sudo().search([
                *domain, ("state", "not in", ("done", "cancel")), ("move_id", "not in", self.ids),
            ])
            for product in products:
                held = sum(quants_sudo.filtered(
                    lambda quant, product=product: quant.product_id == product
                ).mapped("quantity"))
                held -= sum(held_elsewhere_sudo.filtered(
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
