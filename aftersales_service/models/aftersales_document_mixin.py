from odoo import api, fields, models
from odoo.exceptions import UserError

# The ways a customer reaches the after-sales service (SPEC 3, 4).
INTAKE_CHANNELS = [
    ("phone", "Phone"),
    ("letter", "Letter / Fax"),
    ("visit", "Visit"),
    ("email", "E-mail"),
    ("portal", "Portal"),
]


class AftersalesDocumentMixin(models.AbstractModel):
    """Numbered after-sales documents with a state machine: RMAs, complaints, return visits, surveys."""

    _name = "aftersales.document.mixin"
    _description = "Numbered After-Sales Document"

    # Sequence code and prefix of the inheriting model, e.g. ("aftersales.rma", "RMA/%(year)s/").
    _aftersales_sequence = None

    name = fields.Char(string="Reference", required=True, readonly=True, copy=False, default="/", index="trigram")
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company, readonly=True
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
        domain="[('parent_id', '=', False)]",
    )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                company = self.env["res.company"].browse(vals.get("company_id")) or self.env.company
                vals["name"] = self._sequence_for(company).next_by_id()
        return super().create(vals_list)

    @api.model
    def _sequence_for(self, company):
        """Document numbers run per company and year, e.g. RMA/2026/00001 (SPEC 3, 4)."""
        code, prefix = self._aftersales_sequence
        sequence = self.env["ir.sequence"].sudo().search([("code", "=", code), ("company_id", "=", company.id)], limit=1)
        return sequence or self.env["ir.sequence"].sudo().create({
            "name": self.env._("%(documents)s of %(company)s", documents=self._description, company=company.name),
            "code": code,
            "prefix": prefix,
            "padding": 5,
            "company_id": company.id,
        })

    def _check_state(self, *states):
        """A button acts on documents in the given states only (double clicks included)."""
        wrong = self.filtered(lambda document: document.state not in states)
        if wrong:
            labels = dict(self._fields["state"]._description_selection(self.env))
            raise UserError(self.env._(
                "%(documents)s cannot do this while %(state)s.",
                documents=", ".join(wrong.mapped("name")),
                state=labels[wrong[0].state],
            ))

    def _notify_customer(self, template_xmlid):
        """Tell the customer by e-mail, posted in the document's chatter (SPEC 3, 4)."""
        template = self and self.env.ref(template_xmlid, raise_if_not_found=False)
        if not template:
            return
        bodies = template._render_field("body_html", self.ids, compute_lang=True)
        subjects = template._render_field("subject", self.ids, compute_lang=True)
        for document in self:
            document.message_post(
                body=bodies[document.id],
                subject=subjects[document.id],
                partner_ids=document.partner_id.ids,
                subtype_xmlid="mail.mt_comment",
                email_layout_xmlid="mail.mail_notification_light",
            )

    def _action_documents(self, model, records, name):
        """A window on ``records``: their form when there is one, else a list."""
        action = {"type": "ir.actions.act_window", "res_model": model, "name": name, "context": {"create": False}}
        if len(records) == 1:
            return dict(action, view_mode="form", res_id=records.id)
        return dict(action, view_mode="list,form", domain=[("id", "in", records.ids)])
