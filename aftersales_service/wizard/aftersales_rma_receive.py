from odoo import api, fields, models
from odoo.exceptions import UserError


class AftersalesRmaReceive(models.TransientModel):
    """Receive an RMA's units at the service desk: each unit's serial scanned or typed and checked against the
    units the RMA waits for, then its receipt validated (docs/rma.md §3)."""

    _name = "aftersales.rma.receive"
    _description = "Receive the Units of an RMA"

    rma_id = fields.Many2one("aftersales.rma", string="RMA", required=True, readonly=True, ondelete="cascade")
    serial = fields.Char(
        string="Scan or Type a Serial Number",
        help="Each serial number scanned or typed marks its unit as received; one not on the RMA is refused.",
    )
    line_ids = fields.One2many("aftersales.rma.receive.line", "wizard_id", string="Units Expected")

    # CRUD -------------------------------------------------------------------------------------

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        rma = self.env["aftersales.rma"].browse(values.get("rma_id") or self.env.context.get("default_rma_id"))
        if rma and "line_ids" in fields_list:
            values["line_ids"] = [fields.Command.create({"move_id": move.id}) for move in rma._pending_receipt_moves()]
        return values

    # Onchanges --------------------------------------------------------------------------------

    @api.onchange("serial")
    def _onchange_serial(self):
        """A serial scanned or typed marks its unit received, in any case and without the spaces around it."""
        if not self.serial:
            return None
        typed = self.serial.strip()
        self.serial = False
        lines = self.line_ids.filtered(lambda line: (line.lot_id.name or "").strip().lower() == typed.lower())
        if not lines:
            return {"warning": {
                "title": self.env._("Not on this RMA"),
                "message": self.env._("%(serial)s is not one of the units this RMA waits for.", serial=typed),
            }}
        for line in lines:
            line.quantity = line.expected_quantity
        return None

    # Actions ----------------------------------------------------------------------------------

    def action_receive(self):
        """Validate the receipt of the units marked received; the others wait on a backorder (docs/rma.md §3)."""
        self.ensure_one()
        # A second user receiving the same RMA at this moment is told before anything is written.
        self.rma_id._lock_for_transition()
        self.rma_id._check_can("can_receive")
        self.line_ids._check_quantities(self.rma_id)
        self.rma_id._receive_moves({line.move_id: line.quantity for line in self.line_ids})
        return {"type": "ir.actions.act_window_close"}


class AftersalesRmaReceiveLine(models.TransientModel):
    _name = "aftersales.rma.receive.line"
    _description = "Unit Expected on an RMA"

    wizard_id = fields.Many2one("aftersales.rma.receive", required=True, ondelete="cascade")
    move_id = fields.Many2one("stock.move", string="Receipt Move", required=True)
    product_id = fields.Many2one(related="move_id.product_id")
    # What the unit is and how much of it is awaited are the move's: read from it, never given.
    lot_id = fields.Many2one(related="move_id.aftersales_rma_line_id.lot_id", string="Serial / Lot")
    expected_quantity = fields.Float(related="move_id.product_uom_qty", string="Expected")
    quantity = fields.Float(string="Received", digits="Product Unit", default=0.0)
    product_uom_id = fields.Many2one(related="move_id.product_uom")

    def _check_quantities(self, rma):
        """Only the RMA's own units waiting for their receipt, never more than expected, at least one."""
        pending = rma._pending_receipt_moves()
        for line in self:
            if line.move_id not in pending:
                raise UserError(self.env._("%(move)s is not a unit %(rma)s waits for.",
                                           move=line.move_id.display_name, rma=rma.name))
            if line.quantity < 0 or line.product_uom_id.compare(line.quantity, line.expected_quantity) > 0:
                raise UserError(self.env._(
                    "%(product)s: between 0 and %(expected)s can be received.",
                    product=line.product_id.display_name, expected=line.expected_quantity,
                ))
        if all(line.product_uom_id.is_zero(line.quantity) for line in self):
            raise UserError(self.env._("Scan or type the serial number of at least one unit received."))
