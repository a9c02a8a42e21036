from odoo import api, fields, models
from odoo.exceptions import UserError

from ..selections import WARRANTY_STATES


class AftersalesWarrantyCheckWizard(models.TransientModel):
    _name = "aftersales.warranty.check.wizard"
    _description = "Warranty Check"

    lot_name = fields.Char(string="Serial / Lot Number")
    partner_id = fields.Many2one("res.partner", string="Customer")
    product_id = fields.Many2one("product.product")
    # What the last answer filled in, as opposed to what the user chose: the next serial is a new question.
    answer_partner_id = fields.Many2one("res.partner")
    answer_product_id = fields.Many2one("product.product")
    on_date = fields.Date(
        string="Claim Date", required=True, default=lambda self: self.env.company._aftersales_today()
    )
    proof_date = fields.Date(string="Proof of Purchase Date")
    void_misuse = fields.Boolean(string="Customer Misuse")
    void_disassembly = fields.Boolean(string="Unauthorised Disassembly")
    void_modification = fields.Boolean(string="Unauthorised Modification")
    void_external_damage = fields.Boolean(string="External Damage Not Caused by Us")

    state = fields.Selection(WARRANTY_STATES, string="Result", compute="_compute_result")
    reason = fields.Text(compute="_compute_result")
    record_id = fields.Many2one("aftersales.delivery.record", string="Delivery Record", compute="_compute_result")
    start_date = fields.Date(string="Warranty Start", compute="_compute_result")
    end_date = fields.Date(string="Warranty End", compute="_compute_result")

    @api.model
    def _action_open(self, context):
        """The wizard in a dialog, prefilled by ``context`` defaults."""
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Warranty Check"),
            "res_model": self._name,
            "view_mode": "form",
            "target": "new",
            "context": context,
        }

    def _void_reasons(self):
        labels = self.env["aftersales.delivery.record"]._void_reason_labels()
        return [key for key in labels if self[f"void_{key}"]]

    def _question(self):
        """What the user asks: the serial typed, and the customer and product they chose themselves; those the
        previous answer filled in do not narrow the next serial (docs/warranty.md §5)."""
        self.ensure_one()
        return {
            "lot": (self.lot_name or "").strip() or None,
            "product": self.product_id if self.product_id != self.answer_product_id else None,
            "partner": self.partner_id if self.partner_id != self.answer_partner_id else None,
        }

    def _check(self):
        """Ask the delivery records for the answer (docs/warranty.md §5)."""
        self.ensure_one()
        return self.env["aftersales.delivery.record"].check_warranty(
            **self._question(),
            on_date=self.on_date,
            proof_date=self.proof_date,
            void_reasons=self._void_reasons(),
        )

    @api.depends(
        "lot_name", "partner_id", "product_id", "answer_partner_id", "answer_product_id", "on_date", "proof_date",
        "void_misuse", "void_disassembly", "void_modification", "void_external_damage",
    )
    def _compute_result(self):
        for wizard in self:
            empty = {"state": False, "record": False, "start_date": False, "end_date": False}
            question = wizard._question()
            try:
                result = wizard._check() if question["lot"] or question["product"] else dict(empty, reason=False)
            except UserError as error:
                result = dict(empty, reason=error.args[0])
            wizard.state = result["state"]
            wizard.reason = result["reason"]
            wizard.record_id = result["record"]
            wizard.start_date = result["start_date"]
            wizard.end_date = result["end_date"]

    @api.onchange("lot_name")
    def _onchange_lot_name(self):
        """The unit found fills the customer and the product the user did not choose; a new serial replaces what
        the previous answer filled in (docs/warranty.md §5)."""
        record = self.record_id
        for name in ("partner_id", "product_id"):
            answer = f"answer_{name}"
            if self[name] == self[answer]:
                self[name] = self[answer] = record[name]

    def action_open_record(self):
        """Open the delivery record the answer is based on."""
        self.ensure_one()
        result = self._check()
        if not result["record"]:
            raise UserError(self.env._("No delivery record backs this answer: %(reason)s", reason=result["reason"]))
        return {
            "type": "ir.actions.act_window",
            "res_model": "aftersales.delivery.record",
            "res_id": result["record"].id,
            "view_mode": "form",
            "target": "current",
        }
