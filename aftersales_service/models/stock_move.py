from odoo import models


class StockMove(models.Model):
    _inherit = "stock.move"

    def _action_done(self, cancel_backorder=False):
        done_moves = super()._action_done(cancel_backorder=cancel_backorder)
        done_moves._aftersales_record_customer_deliveries()
        return done_moves

    def _aftersales_record_customer_deliveries(self):
        """Goods that leave for a customer location get one delivery record per move line (SPEC 1)."""
        leaving = self.filtered(
            lambda move: move.state == "done"
            and move.location_dest_id.usage == "customer"
            and move.location_id.usage != "customer"
        )
        if leaving:
            self.env["aftersales.delivery.record"].sudo()._create_from_move_lines(leaving.move_line_ids)
