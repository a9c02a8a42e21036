from odoo import api, fields, models
from odoo.exceptions import UserError

from .aftersales_rma_line import DECISIONS

# Decisions that take the goods back for good ([003] 五/六 are the rules of 退货 and 换货).
RETURN_DECISIONS = ("refund", "replace")
OUR_FAULT_CAUSES = ("manufacturing", "nonconformity", "transport")
OUT_OF_WARRANTY = ("expired", "no_proof", "void")
# What the return rules read: changing it after an override calls for a new one.
RULE_INPUTS = {"cause", "customer_modified", "product_used", "customer_pickup", "custom_agreement", "product_id",
               "lot_id", "delivery_record_id", "proof_date"}


class AftersalesRmaLine(models.Model):
    # A concept of its own, split off to keep the model's files small.
    _inherit = "aftersales.rma.line"  # pylint: disable=consider-merging-classes-inherited

    refund_allowed = fields.Boolean(
        string="Return Allowed", compute="_compute_return_rule", help="Whether the return rules allow a refund or replacement."
    )
    return_rule = fields.Char(string="Rule Applied", compute="_compute_return_rule")
    proposed_decision = fields.Selection(DECISIONS, compute="_compute_proposed_decision")
    charge_mode = fields.Selection(
        [("free", "Free"), ("materials", "Materials Only"), ("full", "Materials and Labour")],
        string="Repair Charge",
        compute="_compute_charge_mode",
        store=True,
    )

    @api.depends("cause", "warranty_state", "customer_modified", "product_used", "customer_pickup",
                 "custom_agreement", "product_id")
    def _compute_return_rule(self):
        for line in self:
            line.refund_allowed, line.return_rule = line._return_rule()

    def _return_rule(self):
        """Return rules: may the goods come back for a refund or replacement? (SPEC 3, [003] 五/六)."""
        self.ensure_one()
        if not self.cause:
            return False, self.env._("Not inspected yet.")
        if self.cause == "not_ours" or self.warranty_state == "not_ours":
            return False, self.env._("Not our product: no return.")
        if self.product_id.aftersales_custom_made and not self.custom_agreement:
            return False, self.env._("Custom-made products are not returned unless the contract says so ([003] 五.1).")
        if self.cause == "transport":
            if self.customer_pickup:
                return False, self.env._("Transport damage after the customer collected the goods is not ours ([003] 五.3).")
            return True, self.env._("Transport damage on our delivery: return allowed ([003] 五.3).")
        if self.cause == "nonconformity":
            return True, self.env._("Parameters or dimensions do not meet the contract: return allowed ([003] 五.2).")
        if self.customer_modified:
            return False, self.env._("Disassembled or modified by the customer: no return ([003] 六.4).")
        if self.cause == "misuse":
            return False, self.env._("Unusable through customer misuse: no return ([003] 六.5).")
        if self.cause == "external_damage":
            return False, self.env._("Outside damaged or changed, not by us: no return ([003] 六.3).")
        if self.warranty_state in OUT_OF_WARRANTY:
            return False, self.env._("Out of warranty: no return ([003] 六.1).")
        if self.cause == "no_fault":
            if self.product_used:
                return False, self.env._("Used, without quality problem: no return ([003] 六.2).")
            return True, self.env._("Intact product in warranty: return allowed with our consent ([003] 五.1).")
        return False, self.env._("A defect in warranty is repaired free of charge, not returned ([003] 七.1).")

    @api.depends("cause", "refund_allowed", "paid_repair_requested", "product_used")
    def _compute_proposed_decision(self):
        """Decision proposed from the inspection and the return rules (SPEC 3)."""
        for line in self:
            if not line.cause:
                line.proposed_decision = False
            elif line.refund_allowed:
                line.proposed_decision = "refund"
            elif line.cause == "not_ours":
                line.proposed_decision = "repair" if line.paid_repair_requested else "reject"
            elif line.cause == "no_fault":
                line.proposed_decision = "return_as_is"
            else:
                line.proposed_decision = "repair"

    @api.depends("warranty_state", "cause", "customer_processed_parts")
    def _compute_charge_mode(self):
        for line in self:
            line.charge_mode = line._repair_charge()

    def _repair_charge(self):
        """Repair charges: free in warranty and our fault, except processed parts; else materials and labour
        (SPEC 3, [003] 七)."""
        self.ensure_one()
        if self.warranty_state == "in_warranty" and self.cause in OUR_FAULT_CAUSES:
            return "materials" if self.customer_processed_parts else "free"
        return "full"

    @api.onchange("proposed_decision")
    def _onchange_proposed_decision(self):
        """What inspection finds proposes the decision; the coordinator may choose another."""
        self.decision = self.proposed_decision

    def write(self, vals):
        if "decision" in vals and any(line.rma_state in ("processed", "done", "cancel") for line in self):
            raise UserError(self.env._("The decision of a processed, done or cancelled RMA cannot change."))
        if "overridden_by_id" in vals and not self.env.su:
            self.env["aftersales.rma"]._check_manager(self.env._("override the return rules"))
        if RULE_INPUTS.intersection(vals) and "overridden_by_id" not in vals:
            vals = dict(vals, overridden_by_id=False)
        res = super().write(vals)
        if "decision" in vals:
            self._record_overrides()
        return res

    def _record_overrides(self):
        """Deciding against the return rules is a manager's call, with a reason, in the chatter (SPEC 3, 7)."""
        overriding = self.filtered(lambda line: line.decision in RETURN_DECISIONS and not line.refund_allowed)
        if not overriding:
            return
        if not self.env.user.has_group("aftersales_service.group_aftersales_manager"):
            raise UserError(self.env._(
                "The return rules refuse a refund or replacement here (%(rule)s) and only an After-Sales manager "
                "can override them.",
                rule="; ".join(overriding.mapped("return_rule")),
            ))
        if not all(overriding.mapped("override_reason")):
            raise UserError(self.env._("Give the reason for overriding the return rules."))
        overriding.write({"overridden_by_id": self.env.uid})
        for line in overriding:
            line.rma_id.message_post(body=self.env._(
                "Return rules overridden for %(unit)s by %(user)s (%(rule)s): %(reason)s",
                unit=line.display_name,
                user=self.env.user.name,
                rule=line.return_rule,
                reason=line.override_reason,
            ))

    def _check_decisions(self):
        """Every unit has a decision its conditions allow (SPEC 3)."""
        for line in self:
            if not line.decision:
                raise UserError(self.env._("Decide what happens to %(unit)s.", unit=line.display_name))
            if line.decision in RETURN_DECISIONS and not line.refund_allowed and not line.overridden_by_id:
                raise UserError(self.env._(
                    "%(unit)s: %(rule)s A manager's override is needed.", unit=line.display_name, rule=line.return_rule
                ))
            if line.decision == "repair" and line.cause == "not_ours" and not line.paid_repair_requested:
                raise UserError(self.env._(
                    "%(unit)s is not ours: we repair it only when the customer asks for a paid repair.",
                    unit=line.display_name,
                ))
            if line.decision == "scrap" and not line.customer_consent:
                raise UserError(self.env._(
                    "%(unit)s can be scrapped only with the customer's consent ([004] 五.7).", unit=line.display_name
                ))
            if line.decision in ("refund", "replace") and not line.delivery_record_id:
                raise UserError(self.env._(
                    "%(unit)s was not delivered by us: it cannot be refunded or replaced.", unit=line.display_name
                ))
            if line.decision == "refund" and not line.sale_line_id:
                raise UserError(self.env._(
                    "%(unit)s was not shipped for a sale order: there is no sale to credit.", unit=line.display_name
                ))
            if line.qty_received < line.quantity:
                raise UserError(self.env._("%(unit)s has not been received in full.", unit=line.display_name))
