from odoo import api, fields, models
from odoo.exceptions import UserError

from ..selections import RECALL_NOTICE_STATES


class AftersalesRecallNotice(models.Model):
    """What one customer is told of a recall: their units, the instructions and the link to acknowledge it on the
    portal, where a distributor also tells us who uses each unit and where (docs/recalls.md §5)."""

    _name = "aftersales.recall.notice"
    _description = "Recall Notice"
    _inherit = [
        "aftersales.customer.email.mixin", "aftersales.portal.mixin", "aftersales.portal.fields.mixin",
        "aftersales.protected.fields.mixin", "mail.thread",
    ]
    _order = "id desc"
    _portal_path = "/my/recalls"
    _aftersales_mail_templates = {"notice": "aftersales_service.mail_template_recall_notice"}
    _check_company_auto = True
    _workflow_fields = ("state", "acknowledged_on", "acknowledged_by_id")
    _frozen_fields = ("recall_id", "partner_id", "company_id")
    _portal_readable_fields = (
        "recall_id", "partner_id", "company_id", "state", "unit_ids", "acknowledged_on",
        "title", "customer_instructions", "remediate_by", "remedy", "can_acknowledge", "customer_tz",
    )

    # Fields -----------------------------------------------------------------------------------

    recall_id = fields.Many2one("aftersales.recall", required=True, index=True, ondelete="cascade", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", required=True, index=True, readonly=True)
    company_id = fields.Many2one("res.company", required=True, index=True, readonly=True)
    unit_ids = fields.One2many("aftersales.recall.unit", "notice_id", string="Units")
    state = fields.Selection(RECALL_NOTICE_STATES, default="sent", required=True, readonly=True, index=True)
    acknowledged_on = fields.Datetime(readonly=True)
    acknowledged_by_id = fields.Many2one("res.partner", readonly=True)
    title = fields.Char(related="recall_id.title")
    customer_instructions = fields.Html(related="recall_id.customer_instructions")
    remediate_by = fields.Date(related="recall_id.remediate_by")
    remedy = fields.Selection(related="recall_id.remedy")
    can_acknowledge = fields.Boolean(compute="_compute_can_acknowledge")

    # Computes ---------------------------------------------------------------------------------

    @api.depends("recall_id.name", "partner_id")
    def _compute_display_name(self):
        for notice in self:
            notice_sudo = notice.sudo()
            notice.display_name = self.env._(
                "Recall notice %(recall)s", recall=notice_sudo.recall_id.name or ""
            )

    @api.depends("state", "recall_id.state")
    def _compute_can_acknowledge(self):
        for notice in self:
            notice.can_acknowledge = notice.state == "sent" and notice.recall_id.state in ("approved", "in_progress")

    # Business rules: the customer on the portal -----------------------------------------------

    def _portal_acknowledge(self):
        """The customer acknowledges the notice: its units they have not answered for are acknowledged
        (docs/recalls.md §5)."""
        self.ensure_one()
        self._lock_for_transition()
        self._check_can("can_acknowledge", self.env._("This recall notice needs no acknowledgement any more."))
        author = self._portal_author()
        self._workflow().write(
            {"state": "acknowledged", "acknowledged_on": fields.Datetime.now(), "acknowledged_by_id": author.id}
        )
        units = self.sudo().unit_ids.filtered("can_acknowledge")
        units.action_acknowledge()
        self._portal_post(self.env._("The customer acknowledged the recall notice."))

    def _portal_report_sites(self, reports):
        """A distributor tells who uses each unit and where: ``{unit id: (end customer name, address)}``, each id
        re-read among the notice's own units (docs/recalls.md §5)."""
        self.ensure_one()
        self._lock_for_transition()
        if not any((name or "").strip() for name, _address in reports.values()):
            raise UserError(self.env._("Write who uses at least one of the units."))
        units_sudo = self.sudo().unit_ids
        by_id = {unit_sudo.id: unit_sudo for unit_sudo in units_sudo}
        unknown = [unit_id for unit_id in reports if unit_id not in by_id]
        if unknown:
            raise UserError(self.env._("These units are not in this notice."))
        customer = self.sudo().partner_id
        for unit_id, (name, address) in reports.items():
            unit_sudo = by_id[unit_id]
            name, address = (name or "").strip(), (address or "").strip()
            if not name:
                continue
            unit_sudo._check_can("can_report_site")
            end_customer = unit_sudo.end_partner_id
            values = self._prepare_end_customer_values(customer, name, address)
            # Only a contact this form made before is corrected: never an address our people chose.
            if end_customer and end_customer.parent_id == customer and end_customer.type == "other" and (
                end_customer.create_uid == self.env.ref("base.public_user") or end_customer.create_uid.share
                or end_customer.create_uid.id == self.env.uid
            ):
                end_customer.write(values)
            else:
                end_customer = self.env["res.partner"].sudo().create(values)
            unit_sudo.write({"end_partner_id": end_customer.id, "site_partner_id": end_customer.id})
        self._portal_post(self.env._("The customer reported who uses the recalled units, and where."))

    @api.model
    def _prepare_end_customer_values(self, customer, name, address):
        """An end customer a distributor reports: a contact of theirs, of type other (docs/recalls.md §5)."""
        return {"name": name, "street": address, "parent_id": customer.id, "type": "other"}
