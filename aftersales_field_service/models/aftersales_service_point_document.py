from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL

from .aftersales_service_point import commit_batch


class AftersalesServicePointDocument(models.Model):
    """A qualification document of a point (business licence, trade certificate, insurance) and its expiry: expiring
    soon, it gives the responsible a to-do; expired, it stops new visits to the point until renewed
    (docs/service-network.md §2)."""

    _name = "aftersales.service.point.document"
    _description = "Service Point Document"
    _order = "point_id, expiry_date, id"

    # Fields -----------------------------------------------------------------------------------

    point_id = fields.Many2one("aftersales.service.point", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="point_id.company_id", store=True, index=True)
    name = fields.Char(string="Document", required=True)
    number = fields.Char()
    issue_date = fields.Date(string="Issued On")
    expiry_date = fields.Date(string="Valid Until", index=True, help="Empty: it does not expire.")
    file = fields.Binary(attachment=True)
    file_name = fields.Char()
    reminded_for = fields.Date(
        readonly=True, copy=False, help="The expiry date the responsible was last told of: a renewal asks again."
    )
    expired = fields.Boolean(compute="_compute_expired")

    # Computes ---------------------------------------------------------------------------------

    @api.depends("expiry_date")
    def _compute_expired(self):
        for document in self:
            document.expired = bool(document.expiry_date) and (
                document.expiry_date < document.point_id.company_id._aftersales_today()
            )

    # Business rules ---------------------------------------------------------------------------

    @api.model
    def _remind_expiring(self):
        """The daily reminder: each document expiring within its company's notice gives the point's responsible one
        to-do per expiry date; rows claimed so that two workers never remind twice (docs/service-network.md §2)."""
        today = fields.Date.context_today(self)
        while True:
            self.env.flush_all()
            rows = self.env.execute_query(SQL(
                """SELECT document.id FROM aftersales_service_point_document document
                   JOIN res_company company ON company.id = document.company_id
                   JOIN aftersales_service_point point ON point.id = document.point_id
                   WHERE document.expiry_date IS NOT NULL AND point.active AND point.state != 'closed'
                     AND document.expiry_date <= %s::date + company.aftersales_document_notice_days
                     AND document.reminded_for IS DISTINCT FROM document.expiry_date
                   ORDER BY document.id LIMIT 200 FOR UPDATE OF document SKIP LOCKED""",
                today,
            ))
            if not rows:
                return
            documents = self.browse([row[0] for row in rows])
            for document in documents:
                document.point_id._remind(
                    self.env._("Renew %(document)s", document=document.name), document.point_id.user_id,
                    deadline=document.expiry_date - timedelta(days=1),
                    note=self.env._("Valid until %(date)s.", date=document.expiry_date),
                )
                document.reminded_for = document.expiry_date
            commit_batch(self.env, len(documents))
